using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace Qwen3Tts.Inference.Formats.Npy;

/// <summary>Formats a .npy preamble and header the way NumPy does (space padding to 64 bytes, trailing newline).</summary>
internal static class NpyHeaderWriter
{
    private const int Alignment = 64;

    public static byte[] Format(NpyDType type, ReadOnlySpan<long> shape, bool fortranOrder = false)
    {
        var dims = new string[shape.Length];
        for (var i = 0; i < shape.Length; i++)
        {
            if (shape[i] < 0)
            {
                throw new ArgumentException($"shape {TensorShape.Format(shape)} has a negative dimension", nameof(shape));
            }

            dims[i] = shape[i].ToString(CultureInfo.InvariantCulture);
        }

        var tuple = shape.Length == 1 ? $"({dims[0]},)" : $"({string.Join(", ", dims)})";
        var dict = $"{{'descr': '{NpyDTypes.Descr(type)}', 'fortran_order': {(fortranOrder ? "True" : "False")}, 'shape': {tuple}, }}";

        // Version 1.0 has a 2-byte length field; fall back to 2.0 only for headers that do not fit.
        var preamble = 10;
        var total = Pad(preamble + dict.Length + 1);
        if (total - preamble > ushort.MaxValue)
        {
            preamble = 12;
            total = Pad(preamble + dict.Length + 1);
        }

        var bytes = new byte[total];
        NpyHeaderParser.Magic.CopyTo(bytes);
        bytes[6] = preamble == 10 ? (byte)1 : (byte)2;
        bytes[7] = 0;
        if (preamble == 10)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(8), (ushort)(total - preamble));
        }
        else
        {
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8), (uint)(total - preamble));
        }

        var text = bytes.AsSpan(preamble);
        text.Fill((byte)' ');
        Encoding.ASCII.GetBytes(dict, text);
        text[^1] = (byte)'\n';
        return bytes;
    }

    private static int Pad(int length) => (length + Alignment - 1) / Alignment * Alignment;
}
