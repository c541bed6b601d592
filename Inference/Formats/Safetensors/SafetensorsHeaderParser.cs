using System.Buffers.Binary;
using System.Text.Json;

namespace Qwen3Tts.Inference.Formats.Safetensors;

/// <summary>
/// Parses and validates the safetensors header: a u64 little-endian length, then a JSON object mapping tensor
/// names to {dtype, shape, data_offsets}, plus an optional "__metadata__" string map.
/// </summary>
internal static class SafetensorsHeaderParser
{
    public const string MetadataKey = "__metadata__";
    private const long MaxHeaderLength = 100L << 20; // the reference implementation's limit

    public sealed record Header(long DataStart, IReadOnlyList<SafetensorsTensorInfo> Tensors, IReadOnlyDictionary<string, string> Metadata);

    public static Header Parse(MappedFile file)
    {
        var path = file.Path;
        if (file.Length < 8)
        {
            throw new ModelFormatException($"file is {file.Length} bytes, too short for a safetensors header", path);
        }

        var headerLength = BinaryPrimitives.ReadUInt64LittleEndian(file.Slice(0, 8));
        if (headerLength > (ulong)(file.Length - 8))
        {
            throw new ModelFormatException(
                $"header length {headerLength} goes beyond the end of the file ({file.Length} bytes); not a safetensors file or truncated", path);
        }

        if (headerLength > MaxHeaderLength)
        {
            throw new ModelFormatException($"header length {headerLength} exceeds the {MaxHeaderLength}-byte limit", path);
        }

        var dataStart = 8 + (long)headerLength;
        var dataLength = file.Length - dataStart;
        var headerBytes = file.Slice(8, (long)headerLength);
        // JsonDocument accepts invalid UTF-8 inside strings and only fails (InvalidOperationException) when one is read.
        if (!System.Text.Unicode.Utf8.IsValid(headerBytes))
        {
            throw new ModelFormatException("header is not valid UTF-8 JSON; not a safetensors file or corrupt", path);
        }
        JsonDocument json;
        try
        {
            json = JsonDocument.Parse(headerBytes.ToArray());
        }
        catch (JsonException e)
        {
            throw new ModelFormatException($"header is not valid JSON: {e.Message}", path, inner: e);
        }

        using (json)
        {
            if (json.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new ModelFormatException("header JSON is not an object", path);
            }

            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            var tensors = new List<SafetensorsTensorInfo>();
            var names = new HashSet<string>(StringComparer.Ordinal);
            foreach (var property in json.RootElement.EnumerateObject())
            {
                if (property.Name == MetadataKey)
                {
                    ReadMetadata(property.Value, metadata, path);
                }
                else if (!names.Add(property.Name))
                {
                    throw new ModelFormatException("tensor appears twice in the header", path, property.Name);
                }
                else
                {
                    tensors.Add(ReadTensor(property.Name, property.Value, dataLength, path));
                }
            }

            CheckNoOverlap(tensors, path);
            return new Header(dataStart, tensors, metadata);
        }
    }

    private static void ReadMetadata(JsonElement element, Dictionary<string, string> metadata, string path)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new ModelFormatException($"'{MetadataKey}' must be an object of strings", path);
        }

        foreach (var item in element.EnumerateObject())
        {
            metadata[item.Name] = item.Value.ValueKind == JsonValueKind.String
                ? item.Value.GetString()!
                : throw new ModelFormatException($"'{MetadataKey}' value '{item.Name}' is not a string", path);
        }
    }

    private static SafetensorsTensorInfo ReadTensor(string name, JsonElement element, long dataLength, string path)
    {
        if (element.ValueKind != JsonValueKind.Object
            || !element.TryGetProperty("dtype", out var dtypeElement) || dtypeElement.ValueKind != JsonValueKind.String
            || !element.TryGetProperty("shape", out var shapeElement) || shapeElement.ValueKind != JsonValueKind.Array
            || !element.TryGetProperty("data_offsets", out var offsetsElement) || offsetsElement.ValueKind != JsonValueKind.Array)
        {
            throw new ModelFormatException("header entry needs \"dtype\", \"shape\" and \"data_offsets\"", path, name);
        }

        var dtypeName = dtypeElement.GetString()!;
        if (!SafetensorsDTypes.TryParse(dtypeName, out var dtype))
        {
            throw new ModelFormatException(
                $"unsupported dtype '{dtypeName}' (supported: {string.Join(", ", Enum.GetNames<SafetensorsDType>())})", path, name);
        }

        var shape = ReadIntegers(shapeElement, "shape", name, path);
        var offsets = ReadIntegers(offsetsElement, "data_offsets", name, path);
        if (offsets.Length != 2 || offsets[1] < offsets[0])
        {
            throw new ModelFormatException("data_offsets must be [begin, end] with begin <= end", path, name);
        }

        var (begin, end) = (offsets[0], offsets[1]);
        if (end > dataLength)
        {
            throw new ModelFormatException(
                $"data_offsets [{begin}, {end}] go beyond the data section ({dataLength} bytes; file truncated?)", path, name);
        }

        long expected;
        try
        {
            expected = checked(TensorShape.ElementCount(shape) * SafetensorsDTypes.ItemSize(dtype));
        }
        catch (OverflowException e)
        {
            throw new ModelFormatException($"shape {TensorShape.Format(shape)} is too large", path, name, e);
        }

        if (end - begin != expected)
        {
            throw new ModelFormatException(
                $"holds {end - begin} bytes, but shape {TensorShape.Format(shape)} of {dtype} needs {expected}", path, name);
        }

        return new SafetensorsTensorInfo(name, dtype, shape, begin, end);
    }

    private static long[] ReadIntegers(JsonElement array, string what, string name, string path)
    {
        var result = new long[array.GetArrayLength()];
        var i = 0;
        foreach (var item in array.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Number || !item.TryGetInt64(out var value) || value < 0)
            {
                throw new ModelFormatException($"{what} must hold non-negative integers, found {item.GetRawText()}", path, name);
            }

            result[i++] = value;
        }

        return result;
    }

    private static void CheckNoOverlap(List<SafetensorsTensorInfo> tensors, string path)
    {
        var sorted = tensors.Where(t => t.ByteSize > 0).OrderBy(t => t.Begin).ToList();
        for (var i = 1; i < sorted.Count; i++)
        {
            if (sorted[i].Begin < sorted[i - 1].End)
            {
                throw new ModelFormatException(
                    $"data [{sorted[i].Begin}, {sorted[i].End}) overlaps tensor '{sorted[i - 1].Name}' [{sorted[i - 1].Begin}, {sorted[i - 1].End})",
                    path, sorted[i].Name);
            }
        }
    }
}
