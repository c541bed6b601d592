namespace Qwen3Tts.Inference.Kernels.Float;

/// <summary>
/// One tile of a causal convolution over time-major rows: up to a kernel's RowsPerTile output rows times one
/// panel of <see cref="PanelWidth"/> output channels. Output row r, lane l is
/// <c>bias[l] + Σ_tap Σ_ci weights[tap][ci][l] · input[r·InputStride + tap·TapStep + ci]</c>, accumulated in that
/// order with one fused multiply-add per term (plus the old output when <see cref="Residual"/>), so every
/// implementation produces the same bits.
/// </summary>
internal unsafe struct ConvTile
{
    /// <summary>Output channels per weight panel.</summary>
    public const int PanelWidth = 32;

    /// <summary>Output channel counts are padded to this (and activations' row strides with them).</summary>
    public const int LaneGroup = 16;

    public float* Input;
    public int InputStride;
    public int InChannels;
    public int Taps;
    public int TapStep;
    public float* Weights;

    /// <summary>Floats from one panel's weights to the next's (used by tiles that span several panels).</summary>
    public long PanelStride;
    public float* Bias;
    public float* Output;
    public int OutputStride;
    public int Rows;

    /// <summary>16-lane groups of the panel that are real channels: 1 or 2.</summary>
    public int Groups;

    public bool Residual;

    /// <summary>Row <paramref name="r"/> of the tile, clamped to the last valid one (a short tile repeats it rather than read past the input).</summary>
    public readonly float* Row(int r) => Input + (long)Math.Min(r, Rows - 1) * InputStride;

    public static int RowsPerTile(FloatKernelPath path) => path switch
    {
        FloatKernelPath.Avx512 => ConvTileAvx512.RowsPerTile,
        FloatKernelPath.Avx2 => ConvTileAvx2.RowsPerTile,
        FloatKernelPath.Neon => ConvTileNeon.RowsPerTile,
        _ => ConvTileGeneric.RowsPerTile,
    };

    public static void Run(FloatKernelPath path, in ConvTile tile)
    {
        switch (path)
        {
            case FloatKernelPath.Avx512:
                ConvTileAvx512.Run(tile);
                break;
            case FloatKernelPath.Avx2:
                ConvTileAvx2.Run(tile);
                break;
            case FloatKernelPath.Neon:
                ConvTileNeon.Run(tile);
                break;
            default:
                ConvTileGeneric.Run(tile);
                break;
        }
    }
}
