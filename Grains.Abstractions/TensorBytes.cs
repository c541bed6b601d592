using System.Runtime.InteropServices;

namespace Qwen3Tts.Grains;

/// <summary>
/// float32 tensors cross grain boundaries as little-endian bytes: Orleans block-copies byte[] but writes
/// a tagged field per element for float[] (stack-notes D), which is ~20x slower for a hidden vector.
/// </summary>
public static class TensorBytes
{
    public static byte[] FromFloats(ReadOnlySpan<float> values) => From(values);

    public static float[] ToFloats(byte[] bytes) => To<float>(bytes, "float32");

    public static byte[] FromInt64s(ReadOnlySpan<long> values) => From(values);

    public static long[] ToInt64s(byte[] bytes) => To<long>(bytes, "int64");

    public static byte[] FromInt32s(ReadOnlySpan<int> values) => From(values);

    public static int[] ToInt32s(byte[] bytes) => To<int>(bytes, "int32");

    private static byte[] From<T>(ReadOnlySpan<T> values) where T : unmanaged
    {
        RequireLittleEndian();
        return MemoryMarshal.AsBytes(values).ToArray();
    }

    private static T[] To<T>(byte[] bytes, string type) where T : unmanaged
    {
        var size = System.Runtime.CompilerServices.Unsafe.SizeOf<T>();
        if (bytes.Length % size != 0)
        {
            throw new ArgumentException($"a {type} payload must be a multiple of {size} bytes, got {bytes.Length}", nameof(bytes));
        }
        return MemoryMarshal.Cast<byte, T>(bytes).ToArray();
    }

    private static void RequireLittleEndian()
    {
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("tensor payloads are little-endian");
        }
    }
}
