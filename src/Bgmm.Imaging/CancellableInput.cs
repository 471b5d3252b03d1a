namespace Bgmm.Imaging;

/// <summary>
/// An encoded image as the codec reads it: the bytes, except that once the token is cancelled
/// every read returns nothing, as at the end of a truncated file. The codec (native code, which
/// an exception must not cross) then stops within one read and reports incomplete input, which the
/// loader turns into <see cref="OperationCanceledException"/>.
/// </summary>
internal sealed class CancellableInput(byte[] encoded, CancellationToken cancellationToken) : MemoryStream(encoded, writable: false)
{
    public override int Read(byte[] buffer, int offset, int count) => cancellationToken.IsCancellationRequested ? 0 : base.Read(buffer, offset, count);

    public override int Read(Span<byte> buffer) => cancellationToken.IsCancellationRequested ? 0 : base.Read(buffer);

    public override int ReadByte() => cancellationToken.IsCancellationRequested ? -1 : base.ReadByte();
}
