namespace Qwen3Tts.Inference.Formats.Gguf;

/// <summary>
/// One tensor's entry in a GGUF file. <see cref="Dimensions"/> is in ggml order: Dimensions[0] (ne0) is the
/// contiguous row length, so a PyTorch [rows, cols] weight appears as [cols, rows].
/// <see cref="Offset"/> is relative to the start of the file's data section.
/// </summary>
public sealed record GgufTensorInfo(string Name, long[] Dimensions, GgmlType Type, ulong Offset)
{
    public long ElementCount => TensorShape.ElementCount(Dimensions);

    public long RowLength => Dimensions.Length == 0 ? 1 : Dimensions[0];

    public long RowCount => RowLength == 0 ? 0 : ElementCount / RowLength;

    public long RowByteSize => GgmlQuantization.RowByteSize(Type, RowLength);

    public long ByteSize => checked(RowByteSize * RowCount);
}
