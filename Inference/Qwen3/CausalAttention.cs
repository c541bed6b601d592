using Qwen3Tts.Inference.Kernels.Attention;
using Qwen3Tts.Inference.Kernels.Float;
using Qwen3Tts.Inference.Models;

namespace Qwen3Tts.Inference.Qwen3;

/// <summary>
/// The attention of one layer's rows after their keys and values are in their caches: row i (at position p) attends to
/// positions 0..p of its own cache, each query head to its GQA group's key/value head. The (row, head) pairs are
/// independent, so they go to the row workers as "rows" of an <see cref="IRowRangeWork"/> when the work is large enough
/// to pay for the fan-out (a talker step at a few hundred positions; never the predictor's at most 16). Each pair is
/// computed the same way on whichever thread runs it, so the result does not depend on the split.
/// One per <see cref="Qwen3Forward"/>; set for a call, run, cleared. The loops over positions are
/// <see cref="AttentionKernels"/>, which give the same bits on every path.
/// </summary>
internal sealed unsafe class CausalAttention(Qwen3DecoderConfig config, FloatKernelPath path) : IRowRangeWork
{
    private readonly float _scale = 1f / MathF.Sqrt(config.HeadDim);
    private readonly int _group = config.HeadCount / config.KeyValueHeadCount;
    private float[]? _q;
    private float[]? _output;
    private Qwen3KvCache[]? _caches;
    private int[]? _positions;
    private int _layer;

    /// <summary>Spans up to this many positions are attended on the calling thread whatever the batch (see <see cref="Run"/>).</summary>
    private const int ShortSpan = 32;

    [ThreadStatic]
    private static float[]? t_scores;

    /// <summary>Runs the attention of <paramref name="n"/> rows (queries in <paramref name="q"/>, n x query width) into <paramref name="output"/>.</summary>
    public void Run(int layer, float[] q, int n, Qwen3KvCache[] caches, int[] positions, float[] output, RowParallelism parallelism)
    {
        (_layer, _q, _caches, _positions, _output) = (layer, q, caches, positions, output);
        try
        {
            // Work as the bytes of keys and values the rows read (each query head its group's): a talker step's attention is
            // bound by that read, as a product is by its weights, so RowParallelism's threshold (~1 M weights of about a byte)
            // applies alike, from ~64 positions at 16 heads x 128. Counted in multiply-adds (4x fewer) it split only past 256,
            // and a 0.6B talker step at positions 96-144 ran its attention on one thread: `bench talker --threads 2
            // --prompt-rows 96`, alternating builds, 23.8 / 25.8 / 26.8 / 23.8 / 26.2 / 26.1 -> 22.0 / 22.8 / 21.9 / 21.5 /
            // 21.2 / 24.1 ms, and in this form 24.3 / 23.6 -> 21.9 / 20.8. Spans of at most ShortSpan positions (the code
            // predictor's 17, re-read 15 times a frame from cache) stay on the caller: at batch 4 they reached the threshold
            // and `bench predictor --batch 4` ran ~5 % slower; kept inline it is unchanged (24.5 / 28.0 -> 27.6 / 22.8 ms).
            long work = 0;
            var longest = 0;
            for (var i = 0; i < n; i++)
            {
                work += (long)(positions[i] + 1) * config.HeadDim * config.HeadCount * 2 * sizeof(float);
                longest = Math.Max(longest, positions[i] + 1);
            }
            if (longest <= ShortSpan)
            {
                work = 0;
            }
            parallelism.Run(this, n * config.HeadCount, work);
        }
        finally
        {
            (_q, _caches, _positions, _output) = (null, null, null, null);
        }
    }

    public void Execute(int startRow, int endRow)
    {
        var headDim = config.HeadDim;
        var queryWidth = config.QueryWidth;
        var kvWidth = config.KeyValueWidth;
        for (var pair = startRow; pair < endRow; pair++)
        {
            int i = pair / config.HeadCount, h = pair % config.HeadCount;
            var cache = _caches![i];
            var span = _positions![i] + 1;
            var scores = Scores(span);
            var kvOffset = h / _group * headDim;
            fixed (float* keys = cache.Keys(_layer, 0, span), values = cache.Values(_layer, 0, span), query = _q.AsSpan(i * queryWidth + h * headDim, headDim))
            fixed (float* output = _output.AsSpan(i * queryWidth + h * headDim, headDim), weights = scores)
            {
                AttentionKernels.Scores(path, query, keys + kvOffset, kvWidth, span, headDim, _scale, weights);
                Qwen3Math.Softmax(scores);
                AttentionKernels.Mix(path, weights, values + kvOffset, kvWidth, span, headDim, output);
            }
        }
    }

    /// <summary>
    /// This thread's score scratch, reused: it doubles when a span outgrows it, so a talker whose span grows by one position
    /// a step reallocates a handful of times in a sequence's life, not at every step (183 bytes a frame on average before).
    /// </summary>
    private static Span<float> Scores(int span)
    {
        if (t_scores is null || t_scores.Length < span)
        {
            t_scores = new float[Math.Max(span, Math.Max(256, 2 * (t_scores?.Length ?? 0)))];
        }
        return t_scores.AsSpan(0, span);
    }
}
