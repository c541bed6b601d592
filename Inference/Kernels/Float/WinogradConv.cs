using Qwen3Tts.Inference.Qwen3;

namespace Qwen3Tts.Inference.Kernels.Float;

/// <summary>
/// A causal 7-tap convolution with dilation d computed by Winograd F(2, 7) (<see cref="WinogradF27"/>): output rows
/// t and t + d come from 8 one-tap products of transformed inputs and transformed weights instead of 14, so the
/// multiply-adds per output row drop from 7·C_in to 4·C_in. Same contract as <see cref="PackedConv.Run"/>, plus the
/// stream position of output row 0: rows pair by their absolute position (t mod 2d &lt; d pairs with t + d), so an
/// output row is computed by the same operations whatever the calls a stream was cut into, and chunked decodes stay
/// bit-identical to one-shot decodes. A pair cut by a call's edge reads a zero row for its missing input, which the
/// output inside the call does not depend on (<see cref="WinogradF27"/>).
/// A call runs in segments: transform a segment's inputs (shared out by pair blocks), then the products and the
/// output transform (shared out by panel × tile of pairs, panel-major like <see cref="PackedConv"/>).
/// </summary>
public sealed unsafe class WinogradConv
{
    /// <summary>Transformed-input floats one segment may hold (4 MB): a segment's inputs stay in the last-level cache.</summary>
    private const long SegmentFloats = 1L << 20;

    /// <summary>Pairs per input-transform unit.</summary>
    private const int PairsPerTransformUnit = 16;

    private readonly PackedConv _products;
    private readonly float[] _bias;

    private WinogradConv(PackedConv products, float[] bias, int inChannels, int dilation)
    {
        _products = products;
        _bias = bias;
        InChannels = inChannels;
        Dilation = dilation;
    }

    public int InChannels { get; }

    /// <summary>Output lanes written per row: the output channels padded to 16.</summary>
    public int OutLanes => _products.OutLanes;

    public int Dilation { get; }

    /// <summary>Input rows before the first output row that the first output reads: 6 · dilation, as the direct conv.</summary>
    public int HistoryRows => (WinogradF27.Taps - 1) * Dilation;

    /// <summary>Multiply-adds executed per output row: 8 products of C_in per pair of rows.</summary>
    public long MultiplyAddsPerRow => (long)WinogradF27.Points / 2 * InChannels * OutLanes;

    /// <summary>nn.Conv1d weights [out, in, 7] (groups 1), causal with dilation d.</summary>
    public static WinogradConv Conv(float[] weight, float[]? bias, int outChannels, int inChannels, int dilation)
    {
        const int taps = WinogradF27.Taps;
        const int points = WinogradF27.Points;
        if (weight.Length != outChannels * inChannels * taps)
        {
            throw new ArgumentException($"conv weight has {weight.Length} values, expected {outChannels * inChannels * taps} ([{outChannels}, {inChannels}, {taps}])");
        }
        ArgumentOutOfRangeException.ThrowIfLessThan(dilation, 1);
        // The 8 transformed filters of each (out, in) pair, as the 8 "taps" of a packed conv: its panels then hold
        // [point][input channel][32 lanes], and product k is a one-tap tile over that panel's k-th slice.
        var transformed = new float[outChannels * inChannels * points];
        Span<float> filter = stackalloc float[taps];
        Span<float> point = stackalloc float[points];
        for (var o = 0; o < outChannels; o++)
        {
            for (var i = 0; i < inChannels; i++)
            {
                weight.AsSpan((o * inChannels + i) * taps, taps).CopyTo(filter);
                WinogradF27.TransformFilter(filter, point);
                point.CopyTo(transformed.AsSpan((o * inChannels + i) * points, points));
            }
        }
        var products = PackedConv.Conv(transformed, null, outChannels, inChannels, points);
        var paddedBias = GC.AllocateArray<float>(products.OutLanes, pinned: true);
        bias?.AsSpan(0, Math.Min(bias.Length, outChannels)).CopyTo(paddedBias);
        return new WinogradConv(products, paddedBias, inChannels, dilation);
    }

    /// <summary>
    /// Floats of transformed input the largest segment of a call of <paramref name="rows"/> rows needs (to reserve a
    /// call's buffer up front): the bases in [first row − d, last row], at most (rows + d) / 2 + d of them.
    /// </summary>
    public long SegmentBufferFloats(int inputStride, int rows)
    {
        var pairs = Math.Min(rows / 2 + 2 * Dilation + 1, SegmentPairs(inputStride));
        return WinogradF27.Points * (long)pairs * inputStride;
    }

    private static int SegmentPairs(int inputStride) => (int)Math.Max(PairsPerTransformUnit, SegmentFloats / (WinogradF27.Points * (long)inputStride));

    /// <summary>
    /// Computes <paramref name="rows"/> output rows, the first at stream position <paramref name="firstRow"/>.
    /// <paramref name="input"/> starts <see cref="HistoryRows"/> rows before output row 0 (its causal history),
    /// rows <paramref name="inputStride"/> apart; <paramref name="output"/> rows are <paramref name="outputStride"/> ≥
    /// <see cref="OutLanes"/> apart.
    /// </summary>
    public void Run(Call call, ReadOnlySpan<float> input, int inputStride, int rows, Span<float> output, int outputStride, long firstRow)
    {
        if (rows == 0)
        {
            return;
        }
        ArgumentOutOfRangeException.ThrowIfNegative(firstRow);
        if (inputStride < PackedConv.Stride(InChannels) || outputStride < OutLanes)
        {
            throw new ArgumentException($"strides {inputStride}/{outputStride} are narrower than the conv's {PackedConv.Stride(InChannels)} padded inputs / {OutLanes} outputs");
        }
        if (input.Length < (long)(rows + HistoryRows) * inputStride || output.Length < (long)(rows - 1) * outputStride + OutLanes)
        {
            throw new ArgumentException($"buffers too short for {rows} rows (input {input.Length}, output {output.Length})");
        }
        var d = Dilation;
        // The pairs with a row in the call are those whose base lies in [firstRow − d, last row]. Their numbers are
        // not in row order at the edges (row t of a first-only pair numbers after row t + 1 of an earlier pair).
        var firstPair = PairIndex(FirstBaseFrom(Math.Max(0, firstRow - d), d), d);
        var lastPair = PairIndex(LastBaseUpTo(firstRow + rows - 1, d), d);
        var segment = SegmentPairs(inputStride);
        // Reserved for the most pairs any call of this many rows touches, so calls of one size allocate once.
        call.Reserve(SegmentBufferFloats(inputStride, rows), inputStride);
        fixed (float* x = input)
        fixed (float* y = output)
        fixed (float* bias = _bias)
        {
            for (var start = firstPair; start <= lastPair; start += segment)
            {
                var count = (int)Math.Min(segment, lastPair - start + 1);
                call.Start(this, bias, x, inputStride, rows, y, outputStride, firstRow, start, count);
                call.RunTransform();
                call.RunProducts();
            }
        }
    }

    /// <summary>The first pair base at or after <paramref name="row"/> (bases are the rows t with t mod 2d &lt; d).</summary>
    internal static long FirstBaseFrom(long row, int d)
    {
        var r = row % (2L * d);
        return r < d ? row : row + 2L * d - r;
    }

    /// <summary>The last pair base at or before <paramref name="row"/>.</summary>
    internal static long LastBaseUpTo(long row, int d)
    {
        var r = row % (2L * d);
        return r < d ? row : row - r + d - 1;
    }

    /// <summary>Pairs numbered along the stream: base b = (j / d)·2d + j mod d.</summary>
    internal static long PairIndex(long pairBase, int d) => pairBase / (2L * d) * d + pairBase % (2L * d);

    internal static long BaseOfPair(long pair, int d) => pair / d * 2L * d + pair % d;

    /// <summary>The state of one call (its transformed-input buffer and the current segment), reusable across calls of one thread of control.</summary>
    public sealed class Call(RowParallelism parallelism, FloatKernelPath path) : IRowRangeWork
    {
        private const int MaxRowsPerTile = 8;

        private static readonly float[] ZeroBias = GC.AllocateArray<float>(ConvTile.PanelWidth, pinned: true);

        private readonly int _rowsPerTile = Math.Min(MaxRowsPerTile, ConvTile.RowsPerTile(path));
        private float[] _transformed = [];
        private float[] _zeroRow = [];
        private WinogradConv? _conv;
        private float* _bias;
        private float* _input;
        private float* _output;
        private int _inputStride;
        private int _outputStride;
        private int _rows;
        private long _firstRow;
        private long _firstPair;
        private int _pairs;
        private bool _transforming;

        public RowParallelism Parallelism { get; } = parallelism;

        public FloatKernelPath Path { get; } = path;

        /// <summary>Grows the buffers to hold <paramref name="transformedFloats"/> and a zero row of <paramref name="stride"/> (allocates only when they grow).</summary>
        public void Reserve(long transformedFloats, int stride)
        {
            if (_transformed.Length < transformedFloats)
            {
                _transformed = GC.AllocateArray<float>(checked((int)transformedFloats), pinned: true);
            }
            if (_zeroRow.Length < stride)
            {
                _zeroRow = GC.AllocateArray<float>(stride, pinned: true);
            }
        }

        private int Tiles => (_pairs + _rowsPerTile - 1) / _rowsPerTile;

        internal void Start(WinogradConv conv, float* bias, float* input, int inputStride, int rows, float* output, int outputStride, long firstRow, long firstPair, int pairs)
        {
            _conv = conv;
            _bias = bias;
            _input = input;
            _inputStride = inputStride;
            _rows = rows;
            _output = output;
            _outputStride = outputStride;
            _firstRow = firstRow;
            _firstPair = firstPair;
            _pairs = pairs;
        }

        internal void RunTransform()
        {
            _transforming = true;
            var units = (_pairs + PairsPerTransformUnit - 1) / PairsPerTransformUnit;
            // Weighed as multiply-adds so RowParallelism splits it like a product of the same cost (~44 per value).
            Parallelism.Run(this, units, 44L * _pairs * _conv!.InChannels);
        }

        internal void RunProducts()
        {
            _transforming = false;
            var conv = _conv!;
            Parallelism.Run(this, conv._products.Panels * Tiles, (long)WinogradF27.Points * _pairs * conv.InChannels * conv.OutLanes);
        }

        void IRowRangeWork.Execute(int startUnit, int endUnit)
        {
            if (_transforming)
            {
                Transform(startUnit * PairsPerTransformUnit, Math.Min(_pairs, endUnit * PairsPerTransformUnit));
            }
            else
            {
                Products(startUnit, endUnit);
            }
        }

        private void Transform(int startPair, int endPair)
        {
            var conv = _conv!;
            var d = conv.Dilation;
            var inputRows = _rows + conv.HistoryRows;
            var width = PackedConv.Stride(conv.InChannels);
            var rowsStride = (long)_pairs * _inputStride;
            var x = stackalloc float*[WinogradF27.Points];
            fixed (float* transformed = _transformed)
            fixed (float* zero = _zeroRow)
            {
                for (var p = startPair; p < endPair; p++)
                {
                    // Input j of pair base b is stream row b − 6d + j·d, i.e. buffer row (b − firstRow) + j·d.
                    var first = BaseOfPair(_firstPair + p, d) - _firstRow;
                    for (var j = 0; j < WinogradF27.Points; j++)
                    {
                        var row = first + (long)j * d;
                        x[j] = row >= 0 && row < inputRows ? _input + row * _inputStride : zero;
                    }
                    WinogradF27.TransformInput(x, transformed + (long)p * _inputStride, rowsStride, width);
                }
            }
        }

        private void Products(int startUnit, int endUnit)
        {
            var conv = _conv!;
            var products = conv._products;
            var d = conv.Dilation;
            var tiles = Tiles;
            var inChannels = conv.InChannels;
            var sliceFloats = (long)inChannels * ConvTile.PanelWidth;
            var rowsStride = (long)_pairs * _inputStride;
            const int mStride = ConvTile.PanelWidth * MaxRowsPerTile;
            var m = stackalloc float[WinogradF27.Points * mStride];
            fixed (float* transformed = _transformed)
            fixed (float* weights = products.RawWeights)
            fixed (float* zeroBias = ZeroBias)
            {
                var panelWeights = weights + products.WeightsStart;
                for (var unit = startUnit; unit < endUnit; unit++)
                {
                    var (panel, tileIndex) = Math.DivRem(unit, tiles);
                    var pair = tileIndex * _rowsPerTile;
                    var pairs = Math.Min(_rowsPerTile, _pairs - pair);
                    var lanes = Math.Min(ConvTile.PanelWidth, conv.OutLanes - panel * ConvTile.PanelWidth);
                    for (var k = 0; k < WinogradF27.Points; k++)
                    {
                        var tile = new ConvTile
                        {
                            Input = transformed + k * rowsStride + (long)pair * _inputStride,
                            InputStride = _inputStride,
                            InChannels = inChannels,
                            Taps = 1,
                            TapStep = 0,
                            Weights = panelWeights + panel * products.PanelFloats + k * sliceFloats,
                            PanelStride = products.PanelFloats,
                            Bias = zeroBias,
                            Output = m + k * mStride,
                            OutputStride = ConvTile.PanelWidth,
                            Rows = pairs,
                            Groups = lanes / ConvTile.LaneGroup,
                            Residual = false,
                        };
                        ConvTile.Run(Path, tile);
                    }
                    for (var r = 0; r < pairs; r++)
                    {
                        var row0 = BaseOfPair(_firstPair + pair + r, d) - _firstRow;
                        var row1 = row0 + d;
                        var lane = panel * ConvTile.PanelWidth;
                        WinogradF27.TransformOutput(m + r * ConvTile.PanelWidth, mStride, _bias + lane,
                            row0 >= 0 ? _output + row0 * _outputStride + lane : null,
                            row1 < _rows ? _output + row1 * _outputStride + lane : null,
                            lanes);
                    }
                }
            }
        }
    }
}
