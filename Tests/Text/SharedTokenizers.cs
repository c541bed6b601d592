using Qwen3Tts.Inference.Text;

namespace Qwen3Tts.Tests.Text;

/// <summary>Loading the 151k-entry vocabulary takes about a second, so the tests share one instance of each.</summary>
internal static class SharedTokenizers
{
    private static readonly Lazy<Qwen3TextTokenizer> PlainLazy = new(() =>
    {
        using var stream = BundledTokenizer.OpenQwen3TokenizerJson();
        return Qwen3TextTokenizer.Load(stream, "bundled qwen3 tokenizer.json");
    });

    private static readonly Lazy<Qwen3TextTokenizer> TtsLazy = new(BundledTokenizer.LoadQwen3TtsTokenizer);

    /// <summary>The bundled Qwen3 tokenizer as shipped (ids up to 151668).</summary>
    public static Qwen3TextTokenizer Plain => PlainLazy.Value;

    /// <summary>The bundled tokenizer with the Qwen3-TTS tokens 151669-151675.</summary>
    public static Qwen3TextTokenizer Tts => TtsLazy.Value;
}
