using Qwen3Tts.Inference.Formats.Npy;
using Qwen3Tts.Inference.Models;

namespace Qwen3Tts.Inference.Voices;

/// <summary>
/// A <c>.npy</c> voice: integer codes shaped [frames, 16] or [16, frames] (transposed), the seed's legacy format.
/// Parsed from bytes already read under the voice-file bound; every length in the header is checked against them.
/// </summary>
internal static class VoiceNpy
{
    public static long[] ReadCodes(byte[] bytes, string name)
    {
        var (major, textStart, textLength) = NpyHeaderParser.ReadPreamble(bytes.AsSpan(0, Math.Min(bytes.Length, NpyHeaderParser.PreambleBytes)), name, null);
        if ((long)textStart + textLength > bytes.Length)
        {
            throw new InvalidDataException($"the .npy header says it is {textLength} bytes long, but the file has only {bytes.Length - textStart} after the preamble");
        }
        var header = NpyHeaderParser.ParseText(bytes.AsSpan(textStart, textLength), major, textStart + textLength, name, null);
        var shape = header.Shape;
        const int books = CodecTokenIds.CodebookCount;
        if (shape.Length != 2 || (shape[1] != books && shape[0] != books))
        {
            throw new InvalidDataException($"voice codes must be shaped [frames, {books}] (or [{books}, frames]), found {TensorShape.Format(shape)}");
        }
        NpyConvert.RequireInteger(header.DType, name, null);
        var available = bytes.Length - header.DataOffset;
        var itemSize = NpyDTypes.ItemSize(header.DType);
        // Each dimension is bounded by the bytes present before they are multiplied, so no shape can overflow.
        if (shape[0] < 0 || shape[1] < 0 || shape[0] > available || shape[1] > available || shape[0] * shape[1] * itemSize > available)
        {
            throw new InvalidDataException($"shape {TensorShape.Format(shape)} needs more data than the {available} bytes the file holds after its header: truncated or corrupt");
        }
        var values = new long[shape[0] * shape[1]];
        NpyConvert.ToInt64(header.DType, bytes.AsSpan((int)header.DataOffset, values.Length * itemSize), values);
        if (header.FortranOrder)
        {
            values = NpyConvert.FortranToC(values, shape);
        }
        if (shape[1] == books)
        {
            return values;
        }
        var frames = (int)shape[1];
        var codes = new long[values.Length];
        for (var k = 0; k < books; k++)
        {
            for (var f = 0; f < frames; f++)
            {
                codes[f * books + k] = values[k * frames + f];
            }
        }
        return codes;
    }
}
