namespace Qwen3Tts.Inference.Kernels.Float;

/// <summary>The portable conv tile: scalar fused multiply-adds in the order every SIMD path uses.</summary>
internal static unsafe class ConvTileGeneric
{
    public const int RowsPerTile = 4;

    public static void Run(in ConvTile t)
    {
        var lanes = t.Groups * ConvTile.LaneGroup;
        Span<float> acc = stackalloc float[ConvTile.PanelWidth];
        for (var r = 0; r < t.Rows; r++)
        {
            var x = t.Row(r);
            for (var l = 0; l < lanes; l++)
            {
                acc[l] = t.Bias[l];
            }
            var w = t.Weights;
            for (var tap = 0; tap < t.Taps; tap++)
            {
                var xt = x + (long)tap * t.TapStep;
                for (var ci = 0; ci < t.InChannels; ci++)
                {
                    var v = xt[ci];
                    for (var l = 0; l < lanes; l++)
                    {
                        acc[l] = MathF.FusedMultiplyAdd(w[l], v, acc[l]);
                    }
                    w += ConvTile.PanelWidth;
                }
            }
            var o = t.Output + (long)r * t.OutputStride;
            for (var l = 0; l < lanes; l++)
            {
                o[l] = t.Residual ? acc[l] + o[l] : acc[l];
            }
        }
    }
}
