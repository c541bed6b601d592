using Qwen3Tts.Inference.Checkpoints;

namespace Qwen3Tts.Inference.Talker;

/// <summary>Runtime settings of the talker LLM (bound from cluster.json / command line).</summary>
public sealed class TalkerOptions
{
    /// <summary>
    /// Positions one request may use: prompt rows plus generated frames. llama.cpp allocates and clears the KV
    /// cache of every sequence at load, so this is resident memory whether used or not: 112 KB per position at
    /// 0.6B in f16, 224 MB per sequence at 2048 (it was 4096, 448 MB, the largest block of `serve`'s RSS). 2048
    /// holds any chunk the long-text planner makes (at most <c>LongTextOptions.MaxChunkFrames</c>, 375 frames,
    /// with its margin) behind the longest prompt, a clone's reference included, with room for a chunk that runs
    /// past its estimate: ~150 s of audio per chunk before the context ends it.
    /// </summary>
    public int ContextPerSequence { get; set; } = 2048;

    /// <summary>
    /// What runs the layer stack: <see cref="TalkerBackend.Managed"/> (default) or <see cref="TalkerBackend.Llama"/>. Both read
    /// the same runtime GGUF; the codec head, the prompt and the sampling are the same code either way.
    /// </summary>
    public TalkerBackend Engine { get; set; } = TalkerBackend.Managed;

    /// <summary>Requests that can hold a KV sequence at the same time (llama.cpp n_seq_max).</summary>
    public int MaxSequences { get; set; } = 4;

    /// <summary>
    /// Threads of a step. llama.cpp: 0 = the process thread budget's talker share (<see cref="Threading.ThreadBudget"/>).
    /// Managed: 0 = the predictor's row workers (the budget's predictor share), more than 0 = row workers of its own.
    /// </summary>
    public int Threads { get; set; }

    /// <summary>
    /// llama.cpp: threads for decodes that carry a prompt (several rows of one request); 0 = every core of the process thread
    /// budget. A prefill is compute-bound and runs while the request's other stages wait for it, so the cores the
    /// single-row steps leave to the predictor and decoder are its to use (0.6B, 21 rows: 583 ms on 1 thread).
    /// </summary>
    public int PrefillThreads { get; set; }

    /// <summary>
    /// Memory for the KV state of prompt prefixes that do not depend on the text (per voice and language: role,
    /// control and speaker rows, a clone's reference-text rows), reused by the next request with the same prefix so
    /// it prefills only its text rows; least recently used entries go first. 0 turns the cache off.
    /// </summary>
    public int PrefixCacheMegabytes { get; set; } = 64;

    /// <summary>
    /// The longest a decode waits for the steps of requests on their way to it, in microseconds (0 = never wait): the
    /// requests that left the predictor in one batch reach the talker microseconds apart (a few grain calls apart in a
    /// cluster), and without the wait the first would decode alone while the rest queued behind it for a whole step,
    /// splitting the batch the predictor just merged (<c>PredictorOptions.GatherMicroseconds</c>). Kept short on purpose:
    /// only the predictor side waits long, so the two queues never both wait for each other's requests. A lone request
    /// never waits; a released session is not waited for.
    /// </summary>
    public int GatherMicroseconds { get; set; } = 30_000;

    /// <summary>Rows per llama.cpp batch (prefill is split into chunks of this size; the managed stack runs passes of 64).</summary>
    public int BatchSize { get; set; } = 512;

    /// <summary>
    /// Keep llama.cpp's KV cache in f32. f16 halves KV memory; f32 reproduces a plain f32 forward to ~1e-6
    /// (stack-notes §F), which the engine tests rely on. The managed stack always keeps f32.
    /// </summary>
    public bool FullPrecisionKvCache { get; set; }

    /// <summary>
    /// Precision of the runtime GGUF converted from an official snapshot (<c>--quant</c>); the seed layout's
    /// published GGUF keeps its own. <see cref="WeightPrecision.F32"/> also keeps the KV cache in f32.
    /// </summary>
    public WeightPrecision Quant { get; set; } = WeightPrecisionNames.Default;

    /// <summary>f32 KV cache and no flash attention: asked for, or implied by f32 weights.</summary>
    public bool UsesFullPrecisionKvCache => FullPrecisionKvCache || Quant == WeightPrecision.F32;

    /// <summary>A board-built libllama.so (e.g. with ARM dot-product kernels) to use instead of the bundled one.</summary>
    public string? NativeLibraryPath { get; set; }
}
