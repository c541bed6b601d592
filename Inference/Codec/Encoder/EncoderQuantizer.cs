namespace Qwen3Tts.Inference.Codec.Encoder;

/// <summary>One MimiEuclideanCodebook: embed = embed_sum / clamp(cluster_usage, 1e-5) and its squared row norms.</summary>
internal sealed class EncoderCodebook
{
    public EncoderCodebook(float[] embedSum, float[] clusterUsage, int size, int dim)
    {
        Size = size;
        Dim = dim;
        Embed = new float[size * dim];
        Norms = new float[size];
        for (var j = 0; j < size; j++)
        {
            var usage = MathF.Max(clusterUsage[j], 1e-5f);
            var norm = 0f;
            for (var d = 0; d < dim; d++)
            {
                var e = embedSum[j * dim + d] / usage;
                Embed[j * dim + d] = e;
                norm += e * e;
            }
            Norms[j] = norm;
        }
    }

    public int Size { get; }
    public int Dim { get; }

    /// <summary>[size][dim] centroids.</summary>
    public float[] Embed { get; }

    /// <summary>‖e_j‖² per centroid.</summary>
    public float[] Norms { get; }
}

/// <summary>
/// MimiSplitResidualVectorQuantizer.encode, cut to the codebooks kept: the semantic RVQ and the acoustic RVQ each
/// project the <em>same</em> latent through their own 1x1 input_proj (the acoustic one does not see the semantic
/// residual), then each codebook takes the nearest centroid and the residual loses it. "Nearest" is
/// torch.cdist's Euclidean distance, which for this many centroids is evaluated as
/// √max(‖x‖² + ‖e‖² − 2 x·e, 0); its argmin (first index on ties) is the argmin of ‖e‖² − 2 x·e, computed here
/// in float32 as PyTorch does. Two float orders of summation can pick differently only where two centroids are
/// within rounding (~1e-6 relative) of each other; the tests check every choice against a double reference.
/// </summary>
internal sealed class EncoderQuantizer(
    float[]? semanticProjection, float[]? acousticProjection, IReadOnlyList<EncoderCodebook> semantic, IReadOnlyList<EncoderCodebook> acoustic,
    int hidden, int dim)
{
    public int Codebooks => semantic.Count + acoustic.Count;

    public long MultiplyAddsPerFrame => (semanticProjection is null ? 0 : 2L * hidden * dim) + (long)Codebooks * semantic[0].Size * dim;

    /// <summary>Codes [frames][codebooks] for latents [frames][hidden].</summary>
    public int[] Encode(float[] latents, int frames, int threads)
    {
        var codes = new int[frames * Codebooks];
        Run(latents, frames, semanticProjection, semantic, codes, 0, threads);
        Run(latents, frames, acousticProjection, acoustic, codes, semantic.Count, threads);
        return codes;
    }

    private void Run(float[] latents, int frames, float[]? projection, IReadOnlyList<EncoderCodebook> books, int[] codes, int firstCodebook, int threads)
    {
        if (books.Count == 0)
        {
            return;
        }
        float[] residual;
        if (projection is null)
        {
            residual = latents.AsSpan(0, frames * hidden).ToArray();
        }
        else
        {
            residual = new float[frames * dim];
            RowProducts.Multiply(latents, 0, frames, hidden, hidden, projection, dim, null, residual, 0, threads);
        }
        var size = books[0].Size;
        var dots = new float[frames * size];
        for (var b = 0; b < books.Count; b++)
        {
            var book = books[b];
            RowProducts.Multiply(residual, 0, frames, dim, dim, book.Embed, size, null, dots, 0, threads);
            for (var f = 0; f < frames; f++)
            {
                var row = dots.AsSpan(f * size, size);
                var best = 0;
                var bestScore = float.PositiveInfinity;
                for (var j = 0; j < size; j++)
                {
                    var score = book.Norms[j] - 2f * row[j];
                    if (score < bestScore)
                    {
                        bestScore = score;
                        best = j;
                    }
                }
                codes[f * Codebooks + firstCodebook + b] = best;
                var r = residual.AsSpan(f * dim, dim);
                System.Numerics.Tensors.TensorPrimitives.Subtract(r, book.Embed.AsSpan(best * dim, dim), r);
            }
        }
    }
}
