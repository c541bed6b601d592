namespace Qwen3Tts.Inference.Formats.Safetensors;

/// <summary>
/// One tensor of a safetensors file. <see cref="Shape"/> is in PyTorch order (last dimension contiguous);
/// <see cref="Begin"/>/<see cref="End"/> are byte offsets relative to the start of the data section.
/// </summary>
public sealed record SafetensorsTensorInfo(string Name, SafetensorsDType DType, long[] Shape, long Begin, long End)
{
    public long ElementCount => TensorShape.ElementCount(Shape);

    public long ByteSize => End - Begin;
}
