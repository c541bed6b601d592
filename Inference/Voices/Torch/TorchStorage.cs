using System.Buffers.Binary;
using Qwen3Tts.Inference.Formats;

namespace Qwen3Tts.Inference.Voices.Torch;

/// <summary>What a storage's elements are: the legacy storage class names torch.save writes (<c>torch.LongStorage</c> …).</summary>
internal sealed record TorchStorageType(string Name, int ElementSize, bool IsFloat)
{
    public static readonly IReadOnlyDictionary<string, TorchStorageType> ByName = new[]
    {
        new TorchStorageType("DoubleStorage", 8, true),
        new TorchStorageType("FloatStorage", 4, true),
        new TorchStorageType("HalfStorage", 2, true),
        new TorchStorageType("BFloat16Storage", 2, true),
        new TorchStorageType("LongStorage", 8, false),
        new TorchStorageType("IntStorage", 4, false),
        new TorchStorageType("ShortStorage", 2, false),
        new TorchStorageType("CharStorage", 1, false),
        new TorchStorageType("ByteStorage", 1, false),
        new TorchStorageType("BoolStorage", 1, false),
    }.ToDictionary(t => t.Name, StringComparer.Ordinal);

    /// <summary>Element <paramref name="index"/> of little-endian <paramref name="bytes"/> as an integer (floats refused by the caller).</summary>
    public long Int64At(ReadOnlySpan<byte> bytes, long index)
    {
        var at = checked((int)(index * ElementSize));
        return Name switch
        {
            "LongStorage" => BinaryPrimitives.ReadInt64LittleEndian(bytes[at..]),
            "IntStorage" => BinaryPrimitives.ReadInt32LittleEndian(bytes[at..]),
            "ShortStorage" => BinaryPrimitives.ReadInt16LittleEndian(bytes[at..]),
            "CharStorage" => (sbyte)bytes[at],
            "ByteStorage" or "BoolStorage" => bytes[at],
            _ => throw new InvalidOperationException($"{Name} holds floats"),
        };
    }

    public float FloatAt(ReadOnlySpan<byte> bytes, long index)
    {
        var at = checked((int)(index * ElementSize));
        return Name switch
        {
            "DoubleStorage" => (float)BinaryPrimitives.ReadDoubleLittleEndian(bytes[at..]),
            "FloatStorage" => BinaryPrimitives.ReadSingleLittleEndian(bytes[at..]),
            "HalfStorage" => (float)BinaryPrimitives.ReadHalfLittleEndian(bytes[at..]),
            "BFloat16Storage" => HalfPrecision.BF16ToF32(BinaryPrimitives.ReadUInt16LittleEndian(bytes[at..])),
            _ => Int64At(bytes, index),
        };
    }
}

/// <summary>One storage record of the archive (<c>data/KEY</c>): <see cref="Numel"/> elements of <see cref="Type"/>.</summary>
internal sealed record TorchStorage(TorchStorageType Type, string Key, byte[] Bytes, long Numel);

/// <summary>
/// A tensor as <c>torch._utils._rebuild_tensor_v2</c> describes it: a view (offset, shape, strides in elements) of a
/// storage. The view is checked to lie inside the storage before any element is read.
/// </summary>
internal sealed class TorchTensor
{
    /// <summary>Far more than any voice (30 s is 6,000 codes); a bound so a hostile shape cannot ask for gigabytes.</summary>
    public const long MaxElements = 1 << 24;

    public TorchTensor(TorchStorage storage, long offset, long[] shape, long[] stride)
    {
        if (shape.Length != stride.Length)
        {
            throw new InvalidDataException($"a tensor has {shape.Length} sizes but {stride.Length} strides");
        }
        if (offset < 0 || shape.Any(s => s < 0) || stride.Any(s => s < 0))
        {
            throw new InvalidDataException($"a tensor has a negative offset, size or stride (offset {offset}, size [{string.Join(", ", shape)}], stride [{string.Join(", ", stride)}])");
        }
        long count = shape.Contains(0) ? 0 : 1;
        foreach (var size in shape)
        {
            if (count > 0 && size > MaxElements / count)
            {
                throw new InvalidDataException($"a tensor of shape [{string.Join(", ", shape)}] is far larger than a voice ({MaxElements} elements at most)");
            }
            count *= Math.Max(size, 1);
        }
        if (count > 0)
        {
            // Int128: a hostile stride may be near 2^63; the reach is checked without overflowing.
            Int128 last = offset;
            for (var d = 0; d < shape.Length; d++)
            {
                last += (Int128)(shape[d] - 1) * stride[d];
            }
            if (last >= storage.Numel)
            {
                throw new InvalidDataException(
                    $"a tensor (offset {offset}, size [{string.Join(", ", shape)}], stride [{string.Join(", ", stride)}]) reaches element {last} of storage '{storage.Key}', which has {storage.Numel}");
            }
        }
        Storage = storage;
        Offset = offset;
        Shape = shape;
        Stride = stride;
        Count = count;
    }

    public TorchStorage Storage { get; }

    public long Offset { get; }

    public long[] Shape { get; }

    public long[] Stride { get; }

    public long Count { get; }

    public bool IsFloat => Storage.Type.IsFloat;

    /// <summary>The elements in row-major (C) order, whatever the strides.</summary>
    public long[] ToInt64()
    {
        if (IsFloat)
        {
            throw new InvalidDataException($"the tensor holds {Storage.Type.Name} floats where integer codes are expected");
        }
        var result = new long[Count];
        var bytes = Storage.Bytes;
        var i = 0;
        foreach (var index in Indices())
        {
            result[i++] = Storage.Type.Int64At(bytes, index);
        }
        return result;
    }

    /// <summary>The elements in row-major (C) order as f32.</summary>
    public float[] ToFloat32()
    {
        var result = new float[Count];
        var bytes = Storage.Bytes;
        var i = 0;
        foreach (var index in Indices())
        {
            result[i++] = Storage.Type.FloatAt(bytes, index);
        }
        return result;
    }

    private IEnumerable<long> Indices()
    {
        if (Count == 0)
        {
            yield break;
        }
        var position = new long[Shape.Length];
        while (true)
        {
            var index = Offset;
            for (var d = 0; d < Shape.Length; d++)
            {
                index += position[d] * Stride[d];
            }
            yield return index;
            var dim = Shape.Length - 1;
            while (dim >= 0 && ++position[dim] == Shape[dim])
            {
                position[dim] = 0;
                dim--;
            }
            if (dim < 0)
            {
                yield break;
            }
        }
    }
}
