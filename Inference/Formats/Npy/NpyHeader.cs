namespace Qwen3Tts.Inference.Formats.Npy;

/// <summary>A parsed .npy header. <see cref="DataOffset"/> is where the raw array bytes start.</summary>
public sealed record NpyHeader(NpyDType DType, long[] Shape, bool FortranOrder, long DataOffset)
{
    public long ElementCount => TensorShape.ElementCount(Shape);

    public long DataByteSize => checked(ElementCount * NpyDTypes.ItemSize(DType));
}
