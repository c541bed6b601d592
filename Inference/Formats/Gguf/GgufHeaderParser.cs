namespace Qwen3Tts.Inference.Formats.Gguf;

/// <summary>Parses the GGUF header: magic, version, metadata key/values and tensor infos.</summary>
internal static class GgufHeaderParser
{
    public const uint Magic = 0x46554747; // "GGUF" read as little-endian u32
    public const uint DefaultAlignment = 32;
    public const string AlignmentKey = "general.alignment";
    private const int MaxDimensions = 4;
    private const int MaxArrayNesting = 8;

    public sealed record Header(uint Version, GgufMetadata Metadata, IReadOnlyList<GgufTensorInfo> Tensors, long DataStart, uint Alignment);

    public static Header Parse(MappedFile file)
    {
        var cursor = new GgufCursor(file);
        if (file.Length < 4 || cursor.ReadUInt32("magic") != Magic)
        {
            throw new ModelFormatException("not a GGUF file (bad magic, expected \"GGUF\")", file.Path);
        }

        var version = cursor.ReadUInt32("version");
        if (version is not (2 or 3))
        {
            throw new ModelFormatException($"unsupported GGUF version {version} (supported: 2, 3)", file.Path);
        }

        // Smallest tensor info: 8-byte name length, 4-byte n_dims, 4-byte type, 8-byte offset.
        var tensorCount = cursor.ReadCount("tensor count", 24);
        // Smallest key/value: 8-byte key length, 4-byte type, 1-byte value.
        var kvCount = cursor.ReadCount("metadata count", 13);

        var entries = new List<GgufMetadataEntry>((int)Math.Min(kvCount, 1 << 16));
        for (long i = 0; i < kvCount; i++)
        {
            var key = cursor.ReadString($"metadata key #{i}");
            var type = (GgufValueType)cursor.ReadUInt32($"type of metadata '{key}'");
            entries.Add(ReadEntry(cursor, key, type));
        }

        var metadata = new GgufMetadata(file.Path, entries);
        var alignment = ReadAlignment(metadata, file.Path);

        var tensors = new List<GgufTensorInfo>((int)Math.Min(tensorCount, 1 << 16));
        for (long i = 0; i < tensorCount; i++)
        {
            tensors.Add(ReadTensorInfo(cursor, i));
        }

        var dataStart = AlignUp(cursor.Position, alignment);
        CheckTensors(file, tensors, dataStart, alignment);
        return new Header(version, metadata, tensors, dataStart, alignment);
    }

    public static long AlignUp(long position, uint alignment) => (position + alignment - 1) / alignment * alignment;

    private static uint ReadAlignment(GgufMetadata metadata, string path)
    {
        if (!metadata.Contains(AlignmentKey))
        {
            return DefaultAlignment;
        }

        var alignment = metadata.GetUInt32(AlignmentKey);
        if (alignment == 0 || (alignment & (alignment - 1)) != 0)
        {
            throw new ModelFormatException($"{AlignmentKey} is {alignment}, expected a power of two", path);
        }

        return alignment;
    }

    private static GgufMetadataEntry ReadEntry(GgufCursor cursor, string key, GgufValueType type)
    {
        if (type != GgufValueType.Array)
        {
            return new GgufMetadataEntry(key, type, ReadScalar(cursor, key, type));
        }

        var elementType = (GgufValueType)cursor.ReadUInt32($"element type of metadata '{key}'");
        return new GgufMetadataEntry(key, type, ReadArray(cursor, key, elementType, 0), elementType);
    }

    private static object ReadScalar(GgufCursor cursor, string key, GgufValueType type)
    {
        var what = $"metadata '{key}'";
        return type switch
        {
            GgufValueType.UInt8 => cursor.ReadUInt8(what),
            GgufValueType.Int8 => (sbyte)cursor.ReadUInt8(what),
            GgufValueType.UInt16 => cursor.ReadUInt16(what),
            GgufValueType.Int16 => (short)cursor.ReadUInt16(what),
            GgufValueType.UInt32 => cursor.ReadUInt32(what),
            GgufValueType.Int32 => (int)cursor.ReadUInt32(what),
            GgufValueType.Float32 => cursor.ReadFloat32(what),
            GgufValueType.Bool => ReadBool(cursor, key),
            GgufValueType.String => cursor.ReadString(what),
            GgufValueType.UInt64 => cursor.ReadUInt64(what),
            GgufValueType.Int64 => (long)cursor.ReadUInt64(what),
            GgufValueType.Float64 => cursor.ReadFloat64(what),
            _ => throw new ModelFormatException($"metadata '{key}' has unknown value type {(uint)type}", cursor.Path),
        };
    }

    private static bool ReadBool(GgufCursor cursor, string key)
    {
        var b = cursor.ReadUInt8($"metadata '{key}'");
        return b switch
        {
            0 => false,
            1 => true,
            _ => throw new ModelFormatException($"metadata '{key}' has bool value {b}, expected 0 or 1", cursor.Path),
        };
    }

    private static Array ReadArray(GgufCursor cursor, string key, GgufValueType elementType, int depth)
    {
        if (depth > MaxArrayNesting)
        {
            throw new ModelFormatException($"metadata '{key}' nests arrays more than {MaxArrayNesting} deep", cursor.Path);
        }

        var count = cursor.ReadCount($"length of metadata array '{key}'", MinimumSize(elementType, key, cursor.Path));
        if (count > Array.MaxLength)
        {
            throw new ModelFormatException($"metadata array '{key}' has {count} elements, more than this reader supports", cursor.Path);
        }

        var n = (int)count;
        switch (elementType)
        {
            case GgufValueType.Array:
                var nested = new object[n];
                for (var i = 0; i < n; i++)
                {
                    var innerType = (GgufValueType)cursor.ReadUInt32($"element type in metadata array '{key}'");
                    nested[i] = ReadArray(cursor, key, innerType, depth + 1);
                }

                return nested;
            case GgufValueType.String:
                var strings = new string[n];
                for (var i = 0; i < n; i++)
                {
                    strings[i] = cursor.ReadString($"element {i} of metadata '{key}'");
                }

                return strings;
            case GgufValueType.Bool:
                var bools = new bool[n];
                for (var i = 0; i < n; i++)
                {
                    bools[i] = ReadBool(cursor, key);
                }

                return bools;
            default:
                var bytes = cursor.Take(n * MinimumSize(elementType, key, cursor.Path), $"metadata array '{key}'");
                return GgufArrayCodec.Decode(elementType, bytes, n);
        }
    }

    private static long MinimumSize(GgufValueType type, string key, string path) => type switch
    {
        GgufValueType.UInt8 or GgufValueType.Int8 or GgufValueType.Bool => 1,
        GgufValueType.UInt16 or GgufValueType.Int16 => 2,
        GgufValueType.UInt32 or GgufValueType.Int32 or GgufValueType.Float32 or GgufValueType.Array => 4,
        GgufValueType.UInt64 or GgufValueType.Int64 or GgufValueType.Float64 or GgufValueType.String => 8,
        _ => throw new ModelFormatException($"metadata '{key}' has unknown array element type {(uint)type}", path),
    };

    internal static Type ClrType(GgufValueType type) => type switch
    {
        GgufValueType.UInt8 => typeof(byte),
        GgufValueType.Int8 => typeof(sbyte),
        GgufValueType.UInt16 => typeof(ushort),
        GgufValueType.Int16 => typeof(short),
        GgufValueType.UInt32 => typeof(uint),
        GgufValueType.Int32 => typeof(int),
        GgufValueType.Float32 => typeof(float),
        GgufValueType.Bool => typeof(bool),
        GgufValueType.String => typeof(string),
        GgufValueType.UInt64 => typeof(ulong),
        GgufValueType.Int64 => typeof(long),
        GgufValueType.Float64 => typeof(double),
        GgufValueType.Array => typeof(object),
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "unknown GGUF value type"),
    };

    private static GgufTensorInfo ReadTensorInfo(GgufCursor cursor, long index)
    {
        var name = cursor.ReadString($"name of tensor #{index}");
        var dimensionCount = cursor.ReadUInt32($"dimension count of tensor '{name}'");
        if (dimensionCount is 0 or > MaxDimensions)
        {
            throw new ModelFormatException($"has {dimensionCount} dimensions, expected 1 to {MaxDimensions}", cursor.Path, name);
        }

        var dimensions = new long[dimensionCount];
        for (var d = 0; d < dimensionCount; d++)
        {
            var size = cursor.ReadUInt64($"dimensions of tensor '{name}'");
            if (size > long.MaxValue / 2)
            {
                throw new ModelFormatException($"dimension {d} is {size}, which is not a valid size", cursor.Path, name);
            }

            dimensions[d] = (long)size;
        }

        var type = (GgmlType)cursor.ReadUInt32($"type of tensor '{name}'");
        var offset = cursor.ReadUInt64($"offset of tensor '{name}'");
        return new GgufTensorInfo(name, dimensions, type, offset);
    }

    private static void CheckTensors(MappedFile file, List<GgufTensorInfo> tensors, long dataStart, uint alignment)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var tensor in tensors)
        {
            if (!names.Add(tensor.Name))
            {
                throw new ModelFormatException("tensor name appears twice", file.Path, tensor.Name);
            }

            if (!GgmlQuantization.IsKnown(tensor.Type))
            {
                throw new ModelFormatException($"unknown ggml type {GgmlQuantization.Describe(tensor.Type)}", file.Path, tensor.Name);
            }

            long byteSize;
            try
            {
                byteSize = tensor.ByteSize;
            }
            catch (Exception e) when (e is ArgumentException or OverflowException)
            {
                throw new ModelFormatException(
                    $"shape {TensorShape.Format(tensor.Dimensions)} does not fit type {tensor.Type}: {e.Message}", file.Path, tensor.Name, e);
            }

            if (tensor.Offset % alignment != 0)
            {
                throw new ModelFormatException($"data offset {tensor.Offset} is not a multiple of the alignment {alignment}", file.Path, tensor.Name);
            }

            var available = file.Length - dataStart;
            if (tensor.Offset > (ulong)Math.Max(0, available) || byteSize > available - (long)tensor.Offset)
            {
                throw new ModelFormatException(
                    $"data [{tensor.Offset}, {tensor.Offset + (ulong)byteSize}) lies beyond the end of the file " +
                    $"(data section holds {Math.Max(0, available)} bytes; file truncated?)", file.Path, tensor.Name);
            }
        }
    }
}
