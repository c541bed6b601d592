namespace Qwen3Tts.Inference.Voices.Torch;

/// <summary>
/// The values the restricted unpickler builds. Python's None is <c>null</c>; ints are <see cref="long"/>,
/// floats <see cref="double"/>, str <see cref="string"/>, bool <see cref="bool"/>, list a <see cref="List{T}"/>
/// of these. Nothing else exists: there is no object a pickle could make the reader construct or call.
/// </summary>
internal sealed record PickleTuple(IReadOnlyList<object?> Items)
{
    public override string ToString() => $"tuple of {Items.Count}";
}

/// <summary>A dict (or OrderedDict) in insertion order; keys are str, int or bool.</summary>
internal sealed class PickleDict
{
    private readonly List<KeyValuePair<object, object?>> _items = [];

    public IReadOnlyList<KeyValuePair<object, object?>> Items => _items;

    public void Set(object? key, object? value, long position)
    {
        if (key is not (string or long or bool))
        {
            throw new InvalidDataException($"a dict key at byte {position} is {PickleDescribe.Kind(key)}; only str and int keys are read");
        }
        var index = _items.FindIndex(p => p.Key.Equals(key));
        if (index >= 0)
        {
            _items[index] = new(key, value);
        }
        else
        {
            _items.Add(new(key, value));
        }
    }

    public bool TryGet(string key, out object? value)
    {
        foreach (var pair in _items)
        {
            if (pair.Key is string k && k == key)
            {
                value = pair.Value;
                return true;
            }
        }
        value = null;
        return false;
    }

    public IEnumerable<string> Keys => _items.Select(p => p.Key.ToString() ?? "");
}

/// <summary>A module-level name the pickle refers to; only the ones in <see cref="TorchGlobals"/> are ever created.</summary>
internal sealed record PickleGlobal(string Module, string Name)
{
    public override string ToString() => $"{Module}.{Name}";
}

/// <summary>Short descriptions of values for error messages (never recursive).</summary>
internal static class PickleDescribe
{
    public static string Kind(object? value) => value switch
    {
        null => "None",
        bool => "a bool",
        long => "an int",
        double => "a float",
        string => "a str",
        PickleTuple t => $"a tuple of {t.Items.Count}",
        List<object?> l => $"a list of {l.Count}",
        PickleDict d => $"a dict of {d.Items.Count}",
        PickleGlobal g => $"the global {g}",
        TorchStorage s => $"a {s.Type.Name} storage",
        TorchTensor t => $"a {t.Storage.Type.Name} tensor of shape [{string.Join(", ", t.Shape)}]",
        _ => value.GetType().Name,
    };
}
