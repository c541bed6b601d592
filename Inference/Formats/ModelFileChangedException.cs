namespace Qwen3Tts.Inference.Formats;

/// <summary>
/// A model file a running process still reads from was rewritten in place (<c>cp</c> or <c>rsync --inplace</c> over
/// it) since it was loaded. The process refuses to read it any further instead of serving a mix of two models or
/// faulting on pages the truncation removed; replacing a model is a restart (or an atomic rename, which the open file
/// survives: it keeps reading the old one).
/// </summary>
public sealed class ModelFileChangedException(string path, string change)
    : Exception($"model file {System.IO.Path.GetFileName(path)} changed under the running process ({change}); " +
        "restart the silo to load the new file (to update model files without a restart, write a new file and rename it over the old one)")
{
    public string FilePath { get; } = path;
}
