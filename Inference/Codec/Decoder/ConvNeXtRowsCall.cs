using Qwen3Tts.Inference.Kernels.Float;
using Qwen3Tts.Inference.Qwen3;

namespace Qwen3Tts.Inference.Codec.Decoder;

/// <summary>
/// The per-row parts of a ConvNeXt stage (causal depthwise k7 + LayerNorm, then GELU after the expansion), shared
/// out over the decoder's threads like the convs: ~0.5 CPU-ms a frame that otherwise ran on the calling thread
/// alone while the other waited. Each row depends only on its own inputs, so any split gives the same bits.
/// Reused call after call (no allocation).
/// </summary>
internal sealed class ConvNeXtRowsCall(RowParallelism parallelism) : IRowRangeWork
{
    // Per element: 7 multiply-adds and the norm for the depthwise rows, an erfc (~20 multiply-adds' worth) for GELU.
    private const int DepthwiseCost = 12;
    private const int GeluCost = 20;

    private UpsampleStage? _stage;
    private float[]? _input;
    private float[]? _output;
    private int _dim;
    private int _stride;
    private bool _gelu;

    /// <summary>Depthwise conv + LayerNorm of <paramref name="rows"/> rows: input rows start 6 rows of history early.</summary>
    public void Depthwise(UpsampleStage stage, float[] input, float[] output, int rows, int dim, int stride) =>
        Run(stage, input, output, rows, dim, stride, gelu: false, DepthwiseCost);

    /// <summary>GELU in place over <paramref name="rows"/> rows of <paramref name="width"/> values.</summary>
    public void Gelu(float[] rowsData, int rows, int width, int stride) =>
        Run(null, rowsData, rowsData, rows, width, stride, gelu: true, GeluCost);

    private void Run(UpsampleStage? stage, float[] input, float[] output, int rows, int dim, int stride, bool gelu, int cost)
    {
        _stage = stage;
        _input = input;
        _output = output;
        _dim = dim;
        _stride = stride;
        _gelu = gelu;
        parallelism.Run(this, rows, (long)rows * dim * cost);
        _input = null;
        _output = null;
        _stage = null;
    }

    void IRowRangeWork.Execute(int startRow, int endRow)
    {
        for (var t = startRow; t < endRow; t++)
        {
            if (_gelu)
            {
                RowOps.Gelu(_output.AsSpan(t * _stride, _dim));
                continue;
            }
            var stage = _stage!;
            var row = _output.AsSpan(t * _stride, _dim);
            RowOps.DepthwiseRow(_input.AsSpan(t * _stride), _stride, 7, stage.DepthwiseTapMajor, stage.DepthwiseBias.AsSpan(0, _dim), row);
            RowOps.LayerNorm(row, stage.NormWeight, stage.NormBias, 1e-6f);
        }
    }
}
