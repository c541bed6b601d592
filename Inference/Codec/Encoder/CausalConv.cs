namespace Qwen3Tts.Inference.Codec.Encoder;

/// <summary>How a conv fills the rows before its input (MimiConv1d's pad_mode): zeros, or copies of the first row.</summary>
public enum ConvPadding
{
    Constant,
    Replicate,
}

/// <summary>
/// MimiConv1d with causal padding over time-major rows ([time][channels]): padding_total = (k − 1)·d + 1 − s rows
/// on the left, and on the right the "extra padding" that makes the length a multiple of the stride, so T input
/// rows give ceil(T / s) output rows. Weights are repacked once from PyTorch's [out][in][k] to [out][k][in], so
/// the window of output t is one contiguous run of the padded rows (for dilation 1) and the conv is a
/// <see cref="RowProducts"/> product with overlapping rows. Immutable; the per-stream history lives in
/// <see cref="CausalConvStream"/>.
/// </summary>
internal sealed class CausalConv
{
    private readonly float[] _weights;
    private readonly float[]? _bias;

    public CausalConv(float[] torchWeight, float[]? bias, int inChannels, int outChannels, int kernel, int stride, int dilation, ConvPadding padding)
    {
        if (torchWeight.Length != outChannels * inChannels * kernel || (bias is not null && bias.Length != outChannels))
        {
            throw new ArgumentException($"conv weights of {torchWeight.Length} values do not match [{outChannels}, {inChannels}, {kernel}]");
        }
        var effective = (kernel - 1) * dilation + 1;
        if (effective < stride)
        {
            throw new ArgumentException($"a causal conv with effective kernel {effective} below its stride {stride} would skip input");
        }
        InChannels = inChannels;
        OutChannels = outChannels;
        Kernel = kernel;
        Stride = stride;
        Dilation = dilation;
        Padding = padding;
        HistoryRows = effective - stride;
        _bias = bias;
        _weights = new float[torchWeight.Length];
        for (var o = 0; o < outChannels; o++)
        {
            for (var i = 0; i < inChannels; i++)
            {
                for (var t = 0; t < kernel; t++)
                {
                    _weights[(o * kernel + t) * inChannels + i] = torchWeight[(o * inChannels + i) * kernel + t];
                }
            }
        }
    }

    public int InChannels { get; }
    public int OutChannels { get; }
    public int Kernel { get; }
    public int Stride { get; }
    public int Dilation { get; }
    public ConvPadding Padding { get; }

    /// <summary>padding_total: rows of left context each output window reaches back over.</summary>
    public int HistoryRows { get; }

    public long MultiplyAddsPerOutputRow => (long)OutChannels * Kernel * InChannels;

    /// <summary>
    /// Output rows <paramref name="outputRows"/> from <paramref name="padded"/> rows (history first), written to
    /// <paramref name="output"/> from row 0. Windows with dilation above 1 are gathered into <paramref name="gather"/>.
    /// </summary>
    public void Apply(float[] padded, int outputRows, float[] output, float[] gather, int threads)
    {
        var c = InChannels;
        if (Dilation == 1)
        {
            RowProducts.Multiply(padded, 0, outputRows, Stride * c, Kernel * c, _weights, OutChannels, _bias, output, 0, threads);
            return;
        }
        // Dilated windows are not contiguous: gather them (the release has none; dilation 2^j needs num_residual_layers > 1).
        var k = Kernel * c;
        for (var t = 0; t < outputRows; t++)
        {
            for (var tap = 0; tap < Kernel; tap++)
            {
                Array.Copy(padded, (t * Stride + tap * Dilation) * c, gather, tap * c, c);
            }
            RowProducts.Multiply(gather, 0, 1, k, k, _weights, OutChannels, _bias, output, t * OutChannels, 1);
        }
    }
}
