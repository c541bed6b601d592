using System.Runtime.InteropServices;

namespace Qwen3Tts.Grains;

/// <summary>
/// float32 tensors cross grain boundaries as little-endian bytes: Orleans block-copies byte[] but writes
/// a tagged field per element for float[] (stack-notes D), which is ~20x slower for a hidden vector.
/// </summary>
public static class TensorBytes
{
    public static byte[] FromFloats(ReadOnlySpan<float> values)
    {
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("tensor payloads are little-endian float32");
        }
        return MemoryMarshal.AsBytes(values).ToArray();
    }

    public static float[] ToFloats(byte[] bytes)
    {
        if (bytes.Length % sizeof(float) != 0)
        {
            throw new ArgumentException($"a float32 payload must be a multiple of 4 bytes, got {bytes.Length}", nameof(bytes));
        }
        return MemoryMarshal.Cast<byte, float>(bytes).ToArray();
    }
}
