using System.Text.Json;

namespace Qwen3Tts.Inference.Codec.Encoder;

/// <summary>Typed reads of one config.json object with defaults for absent keys and errors that name the key path.</summary>
internal readonly struct JsonConfigReader(JsonElement element, string source, string prefix)
{
    public int Int(string key, int fallback) => OptionalInt(key) ?? fallback;

    public int? OptionalInt(string key)
    {
        if (!TryGet(key, out var value))
        {
            return null;
        }
        // Python writes integral floats such as 64.0 for some ints; accept those, refuse 64.5.
        if (value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var d) && d == Math.Floor(d) && d is >= int.MinValue and <= int.MaxValue)
        {
            return (int)d;
        }
        throw Fail(key, "an integer", value);
    }

    public double Double(string key, double fallback) => OptionalDouble(key) ?? fallback;

    public double? OptionalDouble(string key) =>
        !TryGet(key, out var value) ? null
        : value.ValueKind == JsonValueKind.Number ? value.GetDouble()
        : throw Fail(key, "a number", value);

    public bool Bool(string key, bool fallback) =>
        !TryGet(key, out var value) ? fallback
        : value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw Fail(key, "true or false", value),
        };

    public string String(string key, string fallback) =>
        !TryGet(key, out var value) ? fallback
        : value.ValueKind == JsonValueKind.String ? value.GetString()!
        : throw Fail(key, "a string", value);

    public IReadOnlyList<int> IntList(string key, int[] fallback)
    {
        if (!TryGet(key, out var value))
        {
            return fallback;
        }
        if (value.ValueKind != JsonValueKind.Array)
        {
            throw Fail(key, "a list of integers", value);
        }
        var list = new List<int>();
        foreach (var item in value.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Number || !item.TryGetInt32(out var v))
            {
                throw Fail(key, "a list of integers", value);
            }
            list.Add(v);
        }
        return list;
    }

    /// <summary>
    /// <c>rope_theta</c> as transformers 4.57 writes it, or inside <c>rope_parameters</c> (later versions); a
    /// non-default <c>rope_scaling</c> is refused since the encoder implements the default rotary embedding only.
    /// </summary>
    public double RopeTheta(double fallback)
    {
        if (TryGet("rope_scaling", out var scaling) && scaling.ValueKind == JsonValueKind.Object
            && scaling.TryGetProperty("rope_type", out var type) && type.ValueKind == JsonValueKind.String && type.GetString() != "default")
        {
            throw new ModelFormatException($"{prefix}rope_scaling type '{type.GetString()}' is not implemented (default rotary embedding only)", source);
        }
        if (OptionalDouble("rope_theta") is { } theta)
        {
            return theta;
        }
        if (TryGet("rope_parameters", out var parameters) && parameters.ValueKind == JsonValueKind.Object)
        {
            return new JsonConfigReader(parameters, source, prefix + "rope_parameters.").Double("rope_theta", fallback);
        }
        return fallback;
    }

    private bool TryGet(string key, out JsonElement value) =>
        element.TryGetProperty(key, out value) && value.ValueKind != JsonValueKind.Null;

    private ModelFormatException Fail(string key, string expected, JsonElement value) =>
        new($"{prefix}{key} must be {expected}, found {value.GetRawText()}", source);
}
