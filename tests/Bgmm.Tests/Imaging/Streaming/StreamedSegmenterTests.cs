using Bgmm.Imaging;
using Bgmm.Imaging.Streaming;

namespace Bgmm.Tests.Imaging.Streaming;

/// <summary>The library's streamed segmentation: what it holds, and files that change between its passes.</summary>
public class StreamedSegmenterTests
{
    [Fact]
    public void Segment_Streamed_HoldsNoImageButReportsItsSizeAndTheInMemoryFit()
    {
        using var file = new TempFile(ImagePng.Encode(Bgmm.Cli.Synthetic.SyntheticScene.Generate(40, 30, 5).Image), ".png");
        var options = new SegmentationOptions { ComponentCounts = [2] };
        var streams = new MemoryStream[5];
        for (int i = 0; i < streams.Length; i++) streams[i] = new MemoryStream();
        ImageSegmentation streamed = StreamedSegmenter.Segment(file.Path, options, new StreamedOutputs(streams[0], streams[1], streams[2], streams[3], streams[4]));
        ImageSegmentation whole = ImageSegmenter.Segment(ImageLoader.Load(file.Path), options);

        Assert.True(streamed.IsStreamed);
        Assert.False(whole.IsStreamed);
        Assert.Throws<InvalidOperationException>(() => streamed.Image);
        Assert.True(streamed.Labels.IsEmpty);
        Assert.Equal((40, 30, 8), (streamed.Width, streamed.Height, streamed.BitsPerChannel));
        Assert.Equal(whole.ToJson(), streamed.ToJson());
        // Every stream holds a whole PNG of the image's size (segments.png: the figure's).
        for (int i = 0; i < 4; i++)
        {
            (int w, int h, byte[] _) = TestImages.DecodeRgba(streams[i].ToArray());
            Assert.Equal((40, 30), (w, h));
        }
        Assert.True(streams[4].Length > 0);
    }

    [Fact]
    public void Segment_WithSmoothing_IsRefusedBeforeReadingTheFile()
    {
        var options = new SegmentationOptions { Smoothing = new Bgmm.Spatial.SmoothingOptions { Beta = 2 } };
        var outputs = new StreamedOutputs(Stream.Null, Stream.Null, Stream.Null, Stream.Null, Stream.Null);
        ModelInputException e = Assert.Throws<ModelInputException>(() => StreamedSegmenter.Segment("/nonexistent.png", options, outputs));
        Assert.Contains("smoothing needs every pixel in memory", e.Message);
    }

    [Fact]
    public void ImageFile_ChangedBetweenPasses_IsRefused()
    {
        using var file = new TempFile(ImagePng.Encode(Bgmm.Cli.Synthetic.SyntheticScene.Generate(40, 30, 5).Image), ".png");
        ImageFile image = ImageFile.Open(file.Path, 1000);
        using (image.Read())
        {
        }
        File.WriteAllBytes(file.Path, ImagePng.Encode(Bgmm.Cli.Synthetic.SyntheticScene.Generate(40, 30, 6).Image));
        File.SetLastWriteTimeUtc(file.Path, DateTime.UtcNow.AddMinutes(1));
        ImageLoadException e = Assert.Throws<ImageLoadException>(() => image.Read());
        Assert.Contains("changed while it was being segmented", e.Message);
    }
}
