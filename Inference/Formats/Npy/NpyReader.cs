namespace Qwen3Tts.Inference.Formats.Npy;

/// <summary>Reads a whole .npy array from a stream (for .npz entries and small files).</summary>
public static class NpyReader
{
    public static NpyArray Read(Stream stream) => Read(stream, null, null, null);

    /// <summary>
    /// Reads one array; <paramref name="file"/>/<paramref name="entry"/> name it in errors and
    /// <paramref name="streamLength"/>, when known, guards against headers that claim more data than exists.
    /// </summary>
    internal static NpyArray Read(Stream stream, string? file, string? entry, long? streamLength)
    {
        streamLength ??= stream.CanSeek ? stream.Length - stream.Position : null;
        var prefix = new byte[NpyHeaderParser.PreambleBytes];
        var got = stream.ReadAtLeast(prefix, prefix.Length, throwOnEndOfStream: false);
        var (major, textStart, textLength) = NpyHeaderParser.ReadPreamble(prefix.AsSpan(0, got), file, entry);

        var text = new byte[textLength];
        var alreadyRead = Math.Min(got - textStart, textLength);
        prefix.AsSpan(textStart, alreadyRead).CopyTo(text);
        ReadExactly(stream, text.AsSpan(alreadyRead), "header", file, entry);
        var dataOffset = (long)textStart + textLength;
        var header = NpyHeaderParser.ParseText(text, major, dataOffset, file, entry);

        var size = header.DataByteSize;
        if (size > Array.MaxLength || (streamLength is { } length && size > length - dataOffset))
        {
            throw new ModelFormatException(
                $"data is truncated: shape {TensorShape.Format(header.Shape)} of {NpyDTypes.Descr(header.DType)} needs {size} bytes" +
                (streamLength is { } l ? $", only {Math.Max(0, l - dataOffset)} present" : ""), file, entry);
        }

        var data = new byte[size];
        var leftover = Math.Max(0, got - (int)Math.Min(dataOffset, got));
        var fromPrefix = (int)Math.Min(leftover, size);
        prefix.AsSpan(got - leftover, fromPrefix).CopyTo(data);
        ReadExactly(stream, data.AsSpan(fromPrefix), "data", file, entry);
        return new NpyArray(header.DType, header.Shape, header.FortranOrder, data, file, entry);
    }

    private static void ReadExactly(Stream stream, Span<byte> buffer, string what, string? file, string? entry)
    {
        try
        {
            stream.ReadExactly(buffer);
        }
        catch (EndOfStreamException e)
        {
            throw new ModelFormatException($"{what} is truncated: stream ended early", file, entry, e);
        }
    }
}
