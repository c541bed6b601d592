namespace Qwen3Tts.Inference;

/// <summary>Shape checks shared by every loader, so all shape errors read the same way.</summary>
public static class TensorShape
{
    /// <summary>Formats a shape as "[a, b, c]".</summary>
    public static string Format(ReadOnlySpan<long> shape)
    {
        var parts = new string[shape.Length];
        for (var i = 0; i < shape.Length; i++)
        {
            parts[i] = shape[i].ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        return "[" + string.Join(", ", parts) + "]";
    }

    /// <summary>Throws a <see cref="ModelFormatException"/> naming file, tensor, expected and found shape.</summary>
    public static void Expect(string filePath, string tensorName, ReadOnlySpan<long> expected, ReadOnlySpan<long> found)
    {
        if (!expected.SequenceEqual(found))
        {
            throw new ModelFormatException(
                $"expected shape {Format(expected)}, found {Format(found)}", filePath, tensorName);
        }
    }

    public static long ElementCount(ReadOnlySpan<long> shape)
    {
        long n = 1;
        foreach (var d in shape)
        {
            n = checked(n * d);
        }
        return n;
    }
}
