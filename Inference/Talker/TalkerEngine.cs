using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Qwen3Tts.Inference.Checkpoints;
using Qwen3Tts.Inference.Models;
using Qwen3Tts.Inference.Models.Store;
using Qwen3Tts.Inference.Prompt;
using Qwen3Tts.Inference.Text;

namespace Qwen3Tts.Inference.Talker;

/// <summary>
/// Everything the talker role holds, loaded once per process: tokenizer, embedding tables, prompt
/// builder, the LLM, and what the loaded model is (its ids, capabilities and generation defaults),
/// whichever layout it came from. Utterances (<see cref="TalkerUtterance"/>) share it.
/// </summary>
public sealed class TalkerEngine : IDisposable
{
    private TalkerEngine(Qwen3TextTokenizer tokenizer, TalkerEmbeddings embeddings, TalkerModel model, ModelCapabilities capabilities, GenerationDefaults generation)
    {
        Tokenizer = tokenizer;
        Embeddings = embeddings;
        Model = model;
        Capabilities = capabilities;
        Generation = generation;
        Prompts = new PromptBuilder(embeddings, embeddings.Ids);
    }

    public Qwen3TextTokenizer Tokenizer { get; }

    public TalkerEmbeddings Embeddings { get; }

    public PromptBuilder Prompts { get; }

    public TalkerModel Model { get; }

    public TtsModelIds Ids => Embeddings.Ids;

    public ModelCapabilities Capabilities { get; }

    public GenerationDefaults Generation { get; }

    /// <summary>The seed layout: published talker GGUF + npy tables + tokenizer.json.</summary>
    public static TalkerEngine Load(TalkerFiles files, TalkerOptions options, ILogger? logger = null)
    {
        logger ??= NullLogger.Instance;
        var runtime = TalkerRuntimeGguf.Prepare(files.Gguf, files.CodecHead, logger: logger);
        var tokenizer = Qwen3TextTokenizer.Load(files.Tokenizer);
        RequireTtsTokens(tokenizer, TtsModelIds.Published, files.Tokenizer);
        return Create(tokenizer, TalkerEmbeddings.Load(files), runtime, options, ModelCapabilities.Seed, GenerationDefaults.Published, files.Gguf, logger);
    }

    /// <summary>An official snapshot: the runtime GGUF is converted from model.safetensors in <see cref="TalkerOptions.Quant"/>.</summary>
    public static TalkerEngine Load(OfficialCheckpoint checkpoint, TalkerOptions options, ILogger? logger = null,
        IProgress<ConversionProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        logger ??= NullLogger.Instance;
        var files = checkpoint.Files;
        var tokenizer = OfficialTokenizer.Load(files.Vocab, files.Merges, files.TokenizerConfig);
        RequireTtsTokens(tokenizer, checkpoint.Config.Ids, files.TokenizerConfig);
        var runtime = TalkerGgufConverter.Prepare(checkpoint, options.Quant, logger: logger, progress: progress, cancellationToken: cancellationToken);
        return Create(tokenizer, OfficialTalkerEmbeddings.Load(checkpoint), runtime, options, checkpoint.Config.Capabilities, checkpoint.Generation, files.Weights, logger);
    }

    private static TalkerEngine Create(Qwen3TextTokenizer tokenizer, TalkerEmbeddings embeddings, string runtime, TalkerOptions options,
        ModelCapabilities capabilities, GenerationDefaults generation, string source, ILogger logger)
    {
        try
        {
            var model = TalkerModel.Load(runtime, options, logger);
            if (model.HiddenSize != embeddings.HiddenSize || model.VocabSize != embeddings.Ids.TalkerVocabSize)
            {
                model.Dispose();
                throw new ModelFormatException(
                    $"talker GGUF (hidden {model.HiddenSize}, vocab {model.VocabSize}) does not match the embeddings (hidden {embeddings.HiddenSize}, codec vocab {embeddings.Ids.TalkerVocabSize})",
                    source);
            }
            return new TalkerEngine(tokenizer, embeddings, model, capabilities, generation);
        }
        catch
        {
            embeddings.Dispose();
            throw;
        }
    }

    private static void RequireTtsTokens(Qwen3TextTokenizer tokenizer, TtsModelIds ids, string source)
    {
        foreach (var (content, id) in (ReadOnlySpan<(string, int)>)[("<tts_pad>", ids.TtsPad), ("<tts_text_bos>", ids.TtsBos), ("<tts_text_eod>", ids.TtsEos), ("<|im_start|>", ids.ImStart), ("<|im_end|>", ids.ImEnd)])
        {
            if (!tokenizer.TryGetAddedTokenId(content, out var found) || found != id)
            {
                throw new ModelFormatException($"the tokenizer lacks the Qwen3-TTS token {content} = {id}; is this a Qwen3-TTS tokenizer?", source);
            }
        }
    }

    public void Dispose()
    {
        Model.Dispose();
        Embeddings.Dispose();
    }
}
