using System.Text;

namespace Qwen3Tts.Inference.Formats.Gguf;

/// <summary>Serialises GGUF strings and metadata values (BinaryWriter is always little-endian).</summary>
internal static class GgufValueWriter
{
    public static void WriteString(BinaryWriter writer, string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        writer.Write((ulong)bytes.Length);
        writer.Write(bytes);
    }

    public static void WriteEntry(BinaryWriter writer, GgufMetadataEntry entry)
    {
        WriteString(writer, entry.Key);
        writer.Write((uint)entry.Type);
        if (entry.Type == GgufValueType.Array)
        {
            WriteArray(writer, entry.ElementType, (Array)entry.Value);
        }
        else
        {
            WriteScalar(writer, entry.Type, entry.Value);
        }
    }

    private static void WriteArray(BinaryWriter writer, GgufValueType elementType, Array values)
    {
        writer.Write((uint)elementType);
        writer.Write((ulong)values.Length);
        foreach (var value in values)
        {
            if (elementType == GgufValueType.Array)
            {
                var inner = (Array)value!;
                WriteArray(writer, GgufTypes.ElementTypeOf(inner), inner);
            }
            else
            {
                WriteScalar(writer, elementType, value!);
            }
        }
    }

    private static void WriteScalar(BinaryWriter writer, GgufValueType type, object value)
    {
        switch (type)
        {
            case GgufValueType.UInt8: writer.Write((byte)value); break;
            case GgufValueType.Int8: writer.Write((sbyte)value); break;
            case GgufValueType.UInt16: writer.Write((ushort)value); break;
            case GgufValueType.Int16: writer.Write((short)value); break;
            case GgufValueType.UInt32: writer.Write((uint)value); break;
            case GgufValueType.Int32: writer.Write((int)value); break;
            case GgufValueType.Float32: writer.Write((float)value); break;
            case GgufValueType.Bool: writer.Write((bool)value ? (byte)1 : (byte)0); break;
            case GgufValueType.String: WriteString(writer, (string)value); break;
            case GgufValueType.UInt64: writer.Write((ulong)value); break;
            case GgufValueType.Int64: writer.Write((long)value); break;
            case GgufValueType.Float64: writer.Write((double)value); break;
            default: throw new ArgumentOutOfRangeException(nameof(type), type, "not a scalar GGUF value type");
        }
    }
}

/// <summary>Maps CLR types to GGUF value types for the writer's generic array API.</summary>
internal static class GgufTypes
{
    public static GgufValueType ValueTypeOf(Type type) =>
        type == typeof(byte) ? GgufValueType.UInt8
        : type == typeof(sbyte) ? GgufValueType.Int8
        : type == typeof(ushort) ? GgufValueType.UInt16
        : type == typeof(short) ? GgufValueType.Int16
        : type == typeof(uint) ? GgufValueType.UInt32
        : type == typeof(int) ? GgufValueType.Int32
        : type == typeof(float) ? GgufValueType.Float32
        : type == typeof(bool) ? GgufValueType.Bool
        : type == typeof(string) ? GgufValueType.String
        : type == typeof(ulong) ? GgufValueType.UInt64
        : type == typeof(long) ? GgufValueType.Int64
        : type == typeof(double) ? GgufValueType.Float64
        : typeof(Array).IsAssignableFrom(type) || type == typeof(object) ? GgufValueType.Array
        : throw new ArgumentException($"{type} cannot be stored as a GGUF value");

    /// <summary>The element type of an array value; nested arrays are given as object[] or T[][].</summary>
    public static GgufValueType ElementTypeOf(Array array) => ValueTypeOf(array.GetType().GetElementType()!);
}
