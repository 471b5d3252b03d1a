using Bgmm.Plotting;

namespace Bgmm.Tests.Plotting;

public class PngInfoTests
{
    [Fact]
    public void Crc32_MatchesTheStandardCheckValue()
    {
        // "123456789" → 0xCBF43926 is the published check value of this CRC-32.
        Assert.Equal(0xCBF43926u, PngInfo.Crc32("123456789"u8));
    }

    [Fact]
    public void ReadSize_RejectsBytesThatAreNotAPng()
    {
        Assert.Throws<FormatException>(() => PngInfo.ReadSize(new byte[100]));
    }

    [Fact]
    public void ReadSize_RejectsACorruptedHeader()
    {
        byte[] png = TracePlot.Render([1.0, 2.0], "t", width: 300, height: 200);
        png[16] ^= 1; // a bit of the width: the IHDR checksum no longer matches

        Assert.Throws<FormatException>(() => PngInfo.ReadSize(png));
    }
}
