namespace Qwen3Tts.Inference.Formats.Gguf;

/// <summary>
/// The key/value metadata of a GGUF file with typed getters. Scalars are stored as their CLR type
/// (byte, sbyte, ushort, short, uint, int, float, bool, string, ulong, long, double); arrays as typed CLR
/// arrays (string[], int[], ...), nested arrays as object[] of those.
/// Integer getters accept any integer type whose value fits, because GGUF writers disagree on u32 vs i32.
/// </summary>
public sealed class GgufMetadata
{
    private readonly Dictionary<string, GgufMetadataEntry> entries;
    private readonly List<string> keys;

    internal GgufMetadata(string filePath, IEnumerable<GgufMetadataEntry> entries)
    {
        FilePath = filePath;
        this.entries = new Dictionary<string, GgufMetadataEntry>(StringComparer.Ordinal);
        keys = [];
        foreach (var entry in entries)
        {
            if (!this.entries.TryAdd(entry.Key, entry))
            {
                throw new ModelFormatException($"metadata key '{entry.Key}' appears twice", filePath);
            }

            keys.Add(entry.Key);
        }
    }

    public string FilePath { get; }

    /// <summary>Keys in file order.</summary>
    public IEnumerable<string> Keys => keys;

    public int Count => keys.Count;

    public bool Contains(string key) => entries.ContainsKey(key);

    /// <summary>The on-disk type of a value.</summary>
    public GgufValueType GetValueType(string key) => Entry(key).Type;

    /// <summary>For arrays, the on-disk element type.</summary>
    public GgufValueType GetArrayElementType(string key)
    {
        var entry = Entry(key);
        return entry.Type == GgufValueType.Array ? entry.ElementType : throw WrongType(key, entry, "array");
    }

    public object GetValue(string key) => Entry(key).Value;

    /// <summary>The raw entry, for copying a key with its exact GGUF type into another file.</summary>
    internal GgufMetadataEntry GetEntry(string key) => Entry(key);

    public string GetString(string key) => Entry(key) is { Value: string s } ? s : throw WrongType(key, Entry(key), "string");

    public bool GetBool(string key) => Entry(key) is { Value: bool b } ? b : throw WrongType(key, Entry(key), "bool");

    public uint GetUInt32(string key) => (uint)GetInteger(key, uint.MinValue, uint.MaxValue, "uint32");

    public int GetInt32(string key) => (int)GetInteger(key, int.MinValue, int.MaxValue, "int32");

    public long GetInt64(string key) => (long)GetInteger(key, long.MinValue, long.MaxValue, "int64");

    public ulong GetUInt64(string key)
    {
        var entry = Entry(key);
        return entry.Value switch
        {
            ulong u => u,
            _ when TryAsInteger(entry.Value, out var v) && v >= 0 => (ulong)v,
            _ => throw WrongType(key, entry, "uint64"),
        };
    }

    /// <summary>Float32 values, or Float64 values narrowed to f32.</summary>
    public float GetFloat32(string key)
    {
        var entry = Entry(key);
        return entry.Value switch
        {
            float f => f,
            double d => (float)d,
            _ => throw WrongType(key, entry, "float32"),
        };
    }

    public string[] GetStringArray(string key) =>
        Entry(key) is { Value: string[] a } ? a : throw WrongType(key, Entry(key), "array of string");

    public float[] GetFloat32Array(string key)
    {
        var entry = Entry(key);
        return entry.Value switch
        {
            float[] a => a,
            double[] a => Array.ConvertAll(a, v => (float)v),
            _ => throw WrongType(key, entry, "array of float32"),
        };
    }

    /// <summary>Any integer array whose every element fits in an int.</summary>
    public int[] GetInt32Array(string key)
    {
        var entry = Entry(key);
        if (entry.Value is int[] ints)
        {
            return ints;
        }

        if (entry.Value is Array array && entry.Type == GgufValueType.Array && IsInteger(entry.ElementType))
        {
            var result = new int[array.Length];
            for (var i = 0; i < result.Length; i++)
            {
                var element = array.GetValue(i)!;
                if (!TryAsInteger(element, out var v) || v < int.MinValue || v > int.MaxValue)
                {
                    throw new ModelFormatException(
                        $"metadata key '{key}': element {i} ({element}) does not fit in int32", FilePath);
                }

                result[i] = (int)v;
            }

            return result;
        }

        throw WrongType(key, entry, "array of int32");
    }

    public bool TryGetString(string key, out string value)
    {
        if (entries.TryGetValue(key, out var entry) && entry.Value is string s)
        {
            value = s;
            return true;
        }

        value = "";
        return false;
    }

    public bool TryGetUInt32(string key, out uint value)
    {
        if (entries.TryGetValue(key, out var entry) && TryAsInteger(entry.Value, out var v) && v >= 0 && v <= uint.MaxValue)
        {
            value = (uint)v;
            return true;
        }

        value = 0;
        return false;
    }

    public bool TryGetInt32(string key, out int value)
    {
        if (entries.TryGetValue(key, out var entry) && TryAsInteger(entry.Value, out var v) && v >= int.MinValue && v <= int.MaxValue)
        {
            value = (int)v;
            return true;
        }

        value = 0;
        return false;
    }

    public bool TryGetFloat32(string key, out float value)
    {
        if (entries.TryGetValue(key, out var entry) && entry.Value is float or double)
        {
            value = entry.Value is float f ? f : (float)(double)entry.Value;
            return true;
        }

        value = 0;
        return false;
    }

    private long GetInteger(string key, long min, long max, string wanted)
    {
        var entry = Entry(key);
        if (!TryAsInteger(entry.Value, out var v))
        {
            throw WrongType(key, entry, wanted);
        }

        if (v < min || v > max)
        {
            throw new ModelFormatException($"metadata key '{key}': value {v} does not fit in {wanted}", FilePath);
        }

        return v;
    }

    private static bool TryAsInteger(object value, out long result)
    {
        switch (value)
        {
            case byte v: result = v; return true;
            case sbyte v: result = v; return true;
            case ushort v: result = v; return true;
            case short v: result = v; return true;
            case uint v: result = v; return true;
            case int v: result = v; return true;
            case long v: result = v; return true;
            case ulong v when v <= long.MaxValue: result = (long)v; return true;
            default: result = 0; return false;
        }
    }

    private static bool IsInteger(GgufValueType type) => type is GgufValueType.UInt8 or GgufValueType.Int8
        or GgufValueType.UInt16 or GgufValueType.Int16 or GgufValueType.UInt32 or GgufValueType.Int32
        or GgufValueType.UInt64 or GgufValueType.Int64;

    private GgufMetadataEntry Entry(string key) =>
        entries.TryGetValue(key, out var entry)
            ? entry
            : throw new ModelFormatException($"metadata key '{key}' is missing", FilePath);

    private ModelFormatException WrongType(string key, GgufMetadataEntry entry, string wanted)
    {
        var found = entry.Type == GgufValueType.Array ? $"array of {entry.ElementType}" : entry.Type.ToString();
        return new ModelFormatException($"metadata key '{key}': expected {wanted}, found {found}", FilePath);
    }
}

/// <summary>One parsed metadata value; <see cref="ElementType"/> is meaningful only for arrays.</summary>
internal sealed record GgufMetadataEntry(string Key, GgufValueType Type, object Value, GgufValueType ElementType = default);
