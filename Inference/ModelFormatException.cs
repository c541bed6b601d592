namespace Qwen3Tts.Inference;

/// <summary>
/// A model file that is missing, unreadable or does not match what the model config says.
/// The message always names the file (and the tensor, when there is one) so a user can act on it.
/// </summary>
public sealed class ModelFormatException : Exception
{
    public ModelFormatException(string message, string? filePath = null, string? tensorName = null, Exception? inner = null)
        : base(Compose(message, filePath, tensorName), inner)
    {
        FilePath = filePath;
        TensorName = tensorName;
    }

    public string? FilePath { get; }

    public string? TensorName { get; }

    private static string Compose(string message, string? filePath, string? tensorName)
    {
        var where = (filePath, tensorName) switch
        {
            (not null, not null) => $"{filePath}: tensor '{tensorName}': ",
            (not null, null) => $"{filePath}: ",
            (null, not null) => $"tensor '{tensorName}': ",
            _ => "",
        };
        return where + message;
    }
}
