using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Qwen3Tts.Inference.Models;
using Qwen3Tts.Inference.Models.Store;
using Qwen3Tts.Inference.Prompt;
using Qwen3Tts.Inference.Text;

namespace Qwen3Tts.Inference.Talker;

/// <summary>
/// Everything the talker role holds, loaded once per process: tokenizer, embedding tables,
/// prompt builder and the LLM. Utterances (<see cref="TalkerUtterance"/>) share it.
/// </summary>
public sealed class TalkerEngine : IDisposable
{
    private TalkerEngine(Qwen3TextTokenizer tokenizer, TalkerEmbeddings embeddings, TalkerModel model)
    {
        Tokenizer = tokenizer;
        Embeddings = embeddings;
        Model = model;
        Prompts = new PromptBuilder(embeddings);
    }

    public Qwen3TextTokenizer Tokenizer { get; }

    public TalkerEmbeddings Embeddings { get; }

    public PromptBuilder Prompts { get; }

    public TalkerModel Model { get; }

    public static TalkerEngine Load(TalkerFiles files, TalkerOptions options, ILogger? logger = null)
    {
        logger ??= NullLogger.Instance;
        var runtime = TalkerRuntimeGguf.Prepare(files.Gguf, files.CodecHead, logger: logger);
        var tokenizer = Qwen3TextTokenizer.Load(files.Tokenizer);
        foreach (var (content, id) in (ReadOnlySpan<(string, int)>)[("<tts_pad>", TextTokenIds.TtsPad), ("<tts_text_bos>", TextTokenIds.TtsBos), ("<tts_text_eod>", TextTokenIds.TtsEos)])
        {
            if (!tokenizer.TryGetAddedTokenId(content, out var found) || found != id)
            {
                throw new ModelFormatException($"the tokenizer lacks the Qwen3-TTS token {content} = {id}; is this a Qwen3-TTS tokenizer.json?", files.Tokenizer);
            }
        }
        var embeddings = TalkerEmbeddings.Load(files);
        try
        {
            var model = TalkerModel.Load(runtime, options, logger);
            if (model.HiddenSize != embeddings.HiddenSize || model.VocabSize != CodecTokenIds.TalkerVocabSize)
            {
                model.Dispose();
                throw new ModelFormatException(
                    $"talker GGUF (hidden {model.HiddenSize}, vocab {model.VocabSize}) does not match the embeddings (hidden {embeddings.HiddenSize}, codec vocab {CodecTokenIds.TalkerVocabSize})",
                    files.Gguf);
            }
            return new TalkerEngine(tokenizer, embeddings, model);
        }
        catch
        {
            embeddings.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        Model.Dispose();
        Embeddings.Dispose();
    }
}
