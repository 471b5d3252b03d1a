using SkiaSharp;

namespace Bgmm.Imaging;

/// <summary>
/// An encoded image as the codec reads it (a SkiaSharp stream over the bytes, without a copy),
/// except that once the token is cancelled every read returns nothing, as at the end of a truncated
/// file. The codec then stops within one read (a few kilobytes) and reports incomplete input, which
/// the loader turns into <see cref="OperationCanceledException"/>.
/// </summary>
/// <remarks>
/// The callbacks run inside native code, which an exception must not cross: none of them throws or
/// allocates, whatever the codec asks (a hostile file can make it ask to read or skip gigabytes;
/// SkiaSharp's <see cref="SKManagedStream"/> allocates a managed buffer of the requested size and
/// then fails inside the callback, which ends the process).
/// </remarks>
internal sealed unsafe class CancellableInput(byte[] encoded, CancellationToken cancellationToken) : SKAbstractManagedStream(owns: true)
{
    private long _position;

    private long Remaining => cancellationToken.IsCancellationRequested ? 0 : Math.Max(0, encoded.Length - _position);

    protected override IntPtr OnRead(IntPtr buffer, IntPtr size)
    {
        int n = Copy(buffer, size);
        _position += n;
        return n;
    }

    protected override IntPtr OnPeek(IntPtr buffer, IntPtr size) => Copy(buffer, size);

    /// <summary>Copies up to <paramref name="size"/> bytes from the position into <paramref name="buffer"/> (null: skip); returns how many.</summary>
    private int Copy(IntPtr buffer, IntPtr size)
    {
        int n = (int)Math.Min(Math.Max(0, (long)size), Remaining);
        if (n > 0 && buffer != IntPtr.Zero) encoded.AsSpan((int)_position, n).CopyTo(new Span<byte>((void*)buffer, n));
        return n;
    }

    protected override bool OnIsAtEnd() => Remaining == 0;

    protected override bool OnHasPosition() => true;

    protected override bool OnHasLength() => true;

    protected override bool OnRewind()
    {
        _position = 0;
        return true;
    }

    protected override IntPtr OnGetPosition() => (IntPtr)_position;

    protected override IntPtr OnGetLength() => encoded.Length;

    protected override bool OnSeek(IntPtr position)
    {
        _position = Math.Clamp((long)position, 0, encoded.Length);
        return true;
    }

    protected override bool OnMove(int offset)
    {
        _position = Math.Clamp(_position + offset, 0, encoded.Length);
        return true;
    }

    /// <summary>No duplicates: the codecs used here read one stream.</summary>
    protected override IntPtr OnCreateNew() => IntPtr.Zero;
}
