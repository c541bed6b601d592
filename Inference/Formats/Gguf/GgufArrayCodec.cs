using System.Buffers.Binary;

namespace Qwen3Tts.Inference.Formats.Gguf;

/// <summary>Fixed-size numeric GGUF arrays to and from typed CLR arrays (token tables hold ~150k entries).</summary>
internal static class GgufArrayCodec
{
    public static Array Decode(GgufValueType type, ReadOnlySpan<byte> bytes, int count)
    {
        switch (type)
        {
            case GgufValueType.UInt8: return bytes[..count].ToArray();
            case GgufValueType.Int8:
                var i8 = new sbyte[count];
                for (var i = 0; i < count; i++) i8[i] = (sbyte)bytes[i];
                return i8;
            case GgufValueType.UInt16:
                var u16 = new ushort[count];
                for (var i = 0; i < count; i++) u16[i] = BinaryPrimitives.ReadUInt16LittleEndian(bytes[(2 * i)..]);
                return u16;
            case GgufValueType.Int16:
                var i16 = new short[count];
                for (var i = 0; i < count; i++) i16[i] = BinaryPrimitives.ReadInt16LittleEndian(bytes[(2 * i)..]);
                return i16;
            case GgufValueType.UInt32:
                var u32 = new uint[count];
                for (var i = 0; i < count; i++) u32[i] = BinaryPrimitives.ReadUInt32LittleEndian(bytes[(4 * i)..]);
                return u32;
            case GgufValueType.Int32:
                var i32 = new int[count];
                for (var i = 0; i < count; i++) i32[i] = BinaryPrimitives.ReadInt32LittleEndian(bytes[(4 * i)..]);
                return i32;
            case GgufValueType.Float32:
                var f32 = new float[count];
                for (var i = 0; i < count; i++) f32[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes[(4 * i)..]);
                return f32;
            case GgufValueType.UInt64:
                var u64 = new ulong[count];
                for (var i = 0; i < count; i++) u64[i] = BinaryPrimitives.ReadUInt64LittleEndian(bytes[(8 * i)..]);
                return u64;
            case GgufValueType.Int64:
                var i64 = new long[count];
                for (var i = 0; i < count; i++) i64[i] = BinaryPrimitives.ReadInt64LittleEndian(bytes[(8 * i)..]);
                return i64;
            case GgufValueType.Float64:
                var f64 = new double[count];
                for (var i = 0; i < count; i++) f64[i] = BinaryPrimitives.ReadDoubleLittleEndian(bytes[(8 * i)..]);
                return f64;
            default:
                throw new ArgumentOutOfRangeException(nameof(type), type, "not a fixed-size GGUF value type");
        }
    }
}
