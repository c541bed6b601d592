using System.Text.Json;

namespace Qwen3Tts.Inference.Checkpoints;

/// <summary>Opening the JSON files of a snapshot with errors that name the file (and the key).</summary>
internal static class JsonFiles
{
    public static JsonDocument Parse(string path, string what)
    {
        try
        {
            using var stream = File.OpenRead(path);
            return JsonDocument.Parse(stream, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip, MaxDepth = 64 });
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new ModelFormatException($"{what} is missing", path, inner: e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ModelFormatException($"cannot read {what}: {e.Message}", path, inner: e);
        }
        catch (JsonException e)
        {
            throw new ModelFormatException($"{what} is not valid JSON: {e.Message}", path, inner: e);
        }
    }

    public static ModelFormatException KeyError(string path, string key, string message) => new($"{key}: {message}", path);
}
