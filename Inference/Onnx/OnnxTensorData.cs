using System.Buffers;
using System.Runtime.InteropServices;

namespace Qwen3Tts.Inference.Onnx;

/// <summary>
/// The raw little-endian payload of an initializer. Generated payloads produce their values chunk by chunk
/// while the file is written, so a model with hundreds of megabytes of weights never has them all in memory.
/// </summary>
public abstract class OnnxTensorData
{
    public abstract OnnxDataType DataType { get; }

    public abstract long ElementCount { get; }

    public long ByteLength => ElementCount * ElementSize(DataType);

    public abstract void WriteTo(Stream stream);

    public static OnnxTensorData FromFloats(float[] values) => new FloatArrayData(values);

    public static OnnxTensorData FromInt64s(long[] values) => new Int64ArrayData(values);

    /// <summary>
    /// Float values produced on demand: <paramref name="fill"/> receives the element offset of a chunk and fills it.
    /// It may be called more than once for the same offset, so it must be a pure function of (offset, index).
    /// </summary>
    public static OnnxTensorData Generated(long elementCount, Action<long, Span<float>> fill) =>
        new GeneratedFloatData(elementCount, fill);

    internal static int ElementSize(OnnxDataType type) => type switch
    {
        OnnxDataType.Float or OnnxDataType.Int32 => 4,
        OnnxDataType.Int64 => 8,
        OnnxDataType.Bool => 1,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "unsupported tensor data type"),
    };

    private sealed class FloatArrayData(float[] values) : OnnxTensorData
    {
        public override OnnxDataType DataType => OnnxDataType.Float;

        public override long ElementCount => values.Length;

        public override void WriteTo(Stream stream) => stream.Write(MemoryMarshal.AsBytes(values.AsSpan()));
    }

    private sealed class Int64ArrayData(long[] values) : OnnxTensorData
    {
        public override OnnxDataType DataType => OnnxDataType.Int64;

        public override long ElementCount => values.Length;

        public override void WriteTo(Stream stream) => stream.Write(MemoryMarshal.AsBytes(values.AsSpan()));
    }

    private sealed class GeneratedFloatData(long elementCount, Action<long, Span<float>> fill) : OnnxTensorData
    {
        private const int ChunkElements = 1 << 16;

        public override OnnxDataType DataType => OnnxDataType.Float;

        public override long ElementCount => elementCount;

        public override void WriteTo(Stream stream)
        {
            var buffer = ArrayPool<float>.Shared.Rent(ChunkElements);
            try
            {
                for (long offset = 0; offset < elementCount; offset += ChunkElements)
                {
                    var chunk = buffer.AsSpan(0, (int)Math.Min(ChunkElements, elementCount - offset));
                    fill(offset, chunk);
                    stream.Write(MemoryMarshal.AsBytes(chunk));
                }
            }
            finally
            {
                ArrayPool<float>.Shared.Return(buffer);
            }
        }
    }
}
