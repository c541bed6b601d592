using System.Runtime.InteropServices;
using Qwen3Tts.Inference.Qwen3;

namespace Qwen3Tts.Inference.Kernels.Float;

/// <summary>
/// A causal 1-D convolution over time-major rows ([time][channels]), weights repacked once into panels of
/// 32 output channels × [tap][input channel] so the tile kernels stream them in order. Linear layers are the
/// one-tap case. A transposed convolution with kernel k = T·s and stride s is the same thing: output row t of
/// <c>s·C</c> channels holds output samples t·s … t·s + s − 1, and tap j reads input row t − (T − 1 − j) — so its
/// [time·s][C] output is written as [time][s·C] with no scatter.
/// Output channels are padded to a multiple of 16 (zero weights, zero bias), which is how activations' row
/// strides are padded too: padded lanes come out 0.
/// </summary>
public sealed unsafe class PackedConv
{
    private readonly float[] _weights;
    private readonly int _weightsStart;
    private readonly float[] _bias;

    private PackedConv(float[] weights, int weightsStart, float[] bias, int inChannels, int outLanes, int taps, int dilation)
    {
        _weights = weights;
        _weightsStart = weightsStart;
        _bias = bias;
        InChannels = inChannels;
        OutLanes = outLanes;
        Taps = taps;
        Dilation = dilation;
    }

    /// <summary>Input channels read per tap (the unpadded count).</summary>
    public int InChannels { get; }

    /// <summary>Output lanes written per row: the output channels padded to 16.</summary>
    public int OutLanes { get; }

    public int Taps { get; }

    public int Dilation { get; }

    /// <summary>Input rows before the first output row that the first output reads: (taps − 1) · dilation.</summary>
    public int HistoryRows => (Taps - 1) * Dilation;

    public long MultiplyAddsPerRow => (long)Taps * InChannels * OutLanes;

    public long WeightBytes => Panels * PanelFloats * sizeof(float);

    internal int Panels => (OutLanes + ConvTile.PanelWidth - 1) / ConvTile.PanelWidth;

    /// <summary>Floats of one panel: [tap][input channel][32 lanes].</summary>
    internal long PanelFloats => (long)Taps * InChannels * ConvTile.PanelWidth;

    /// <summary>Pads a channel count to the lane group (the row stride of an activation with that many channels).</summary>
    public static int Stride(int channels) => (channels + ConvTile.LaneGroup - 1) / ConvTile.LaneGroup * ConvTile.LaneGroup;

    /// <summary>nn.Conv1d weights [out, in, k] (groups 1), causal with dilation d.</summary>
    public static PackedConv Conv(float[] weight, float[]? bias, int outChannels, int inChannels, int kernel, int dilation = 1)
    {
        Check(weight.Length == outChannels * inChannels * kernel, "conv weight", weight.Length, outChannels * inChannels * kernel);
        return Pack(outChannels, inChannels, kernel, dilation, bias,
            (o, tap, i) => weight[(o * inChannels + i) * kernel + tap]);
    }

    /// <summary>nn.Linear weights [out, in].</summary>
    public static PackedConv Linear(float[] weight, float[]? bias, int outFeatures, int inFeatures)
        => Conv(weight, bias, outFeatures, inFeatures, 1);

    /// <summary>
    /// nn.ConvTranspose1d weights [in, out, k] with stride s, k a multiple of s, right-trimmed by k − s (so each
    /// input row yields exactly s output rows). <paramref name="outStride"/> is the padded channel count of the
    /// output rows.
    /// </summary>
    public static PackedConv Transposed(float[] weight, float[]? bias, int inChannels, int outChannels, int kernel, int stride)
    {
        Check(weight.Length == inChannels * outChannels * kernel, "transposed conv weight", weight.Length, inChannels * outChannels * kernel);
        if (kernel % stride != 0)
        {
            throw new ArgumentException($"a causal transposed conv needs kernel ({kernel}) to be a multiple of its stride ({stride})");
        }
        var taps = kernel / stride;
        var outStride = Stride(outChannels);
        var expandedBias = new float[stride * outStride];
        for (var p = 0; p < stride; p++)
        {
            for (var o = 0; o < outChannels; o++)
            {
                expandedBias[p * outStride + o] = bias?[o] ?? 0f;
            }
        }
        // Output lane m = p·outStride + o is sample phase p of channel o; tap j reads input t − (taps − 1 − j)
        // and so uses kernel position p + (taps − 1 − j)·s.
        return Pack(stride * outStride, inChannels, taps, 1, expandedBias, (m, tap, i) =>
        {
            var (p, o) = Math.DivRem(m, outStride);
            return o < outChannels ? weight[(i * outChannels + o) * kernel + p + (taps - 1 - tap) * stride] : 0f;
        });
    }

    private delegate float WeightAt(int output, int tap, int input);

    private static PackedConv Pack(int outChannels, int inChannels, int taps, int dilation, float[]? bias, WeightAt at)
    {
        var outLanes = Stride(outChannels);
        var panels = (outLanes + ConvTile.PanelWidth - 1) / ConvTile.PanelWidth;
        var panelFloats = (long)taps * inChannels * ConvTile.PanelWidth;
        var (weights, start) = CacheLineAligned(panels * panelFloats);
        var packedBias = GC.AllocateArray<float>(panels * ConvTile.PanelWidth, pinned: true);
        for (var panel = 0; panel < panels; panel++)
        {
            for (var tap = 0; tap < taps; tap++)
            {
                for (var i = 0; i < inChannels; i++)
                {
                    var destination = weights.AsSpan(start + (int)(panel * panelFloats + ((long)tap * inChannels + i) * ConvTile.PanelWidth), ConvTile.PanelWidth);
                    for (var l = 0; l < ConvTile.PanelWidth; l++)
                    {
                        var o = panel * ConvTile.PanelWidth + l;
                        destination[l] = o < outChannels ? at(o, tap, i) : 0f;
                    }
                }
            }
        }
        for (var o = 0; o < Math.Min(outChannels, bias?.Length ?? 0); o++)
        {
            packedBias[o] = bias![o];
        }
        return new PackedConv(weights, start, packedBias, inChannels, outLanes, taps, dilation);
    }

    /// <summary>
    /// A pinned array and the index of its first float on a 64-byte boundary. Array data on the pinned heap is only
    /// 8-byte aligned, so otherwise every 64-byte weight load of the AVX-512 tile spans two cache lines.
    /// </summary>
    private static (float[] Array, int Start) CacheLineAligned(long count)
    {
        var array = GC.AllocateUninitializedArray<float>(checked((int)count + 16), pinned: true);
        fixed (float* p = array)
        {
            var misaligned = (int)((nuint)p & 63) / sizeof(float);
            return (array, (16 - misaligned) & 15);
        }
    }

    /// <summary>
    /// Computes <paramref name="rows"/> output rows through <paramref name="call"/> (reused, so a call allocates
    /// nothing). <paramref name="input"/> starts <see cref="HistoryRows"/> rows before the row output row 0 reads
    /// last (its causal history), rows <paramref name="inputStride"/> apart; <paramref name="output"/> rows are
    /// <paramref name="outputStride"/> ≥ <see cref="OutLanes"/> apart. With <paramref name="residual"/> the result
    /// is added to what the output holds.
    /// </summary>
    public void Run(ConvCall call, ReadOnlySpan<float> input, int inputStride, int rows, Span<float> output, int outputStride, bool residual)
    {
        if (rows == 0)
        {
            return;
        }
        if (inputStride < InChannels || outputStride < OutLanes)
        {
            throw new ArgumentException($"strides {inputStride}/{outputStride} are narrower than the conv's {InChannels} inputs / {OutLanes} outputs");
        }
        if (input.Length < (long)(rows - 1 + HistoryRows) * inputStride + InChannels || output.Length < (long)(rows - 1) * outputStride + OutLanes)
        {
            throw new ArgumentException($"buffers too short for {rows} rows (input {input.Length}, output {output.Length})");
        }
        fixed (float* x = input)
        fixed (float* y = output)
        fixed (float* weights = _weights)
        fixed (float* bias = _bias)
        {
            call.Start(this, weights + _weightsStart, bias, x, inputStride, rows, y, outputStride, residual);
            // A split pays from about a million multiply-adds (~50 µs on one core); RowParallelism decides on that count.
            call.Parallelism.Run(call, call.Units, MultiplyAddsPerRow * rows);
        }
    }

    /// <summary>
    /// The tiles of one conv call, reusable across calls of one thread of control. Units are panel-major, so a
    /// worker's share of a call with few rows is a share of the weights.
    /// </summary>
    public sealed class ConvCall(RowParallelism parallelism, FloatKernelPath path) : IRowRangeWork
    {
        private PackedConv? _conv;
        private float* _weights;
        private float* _bias;
        private float* _input;
        private float* _output;
        private int _inputStride;
        private int _outputStride;
        private int _rows;
        private bool _residual;
        private bool _wide;
        private int _rowsPerTile = ConvTile.RowsPerTile(path);

        public RowParallelism Parallelism { get; } = parallelism;

        public FloatKernelPath Path { get; } = path;

        internal int Units => (_wide ? _conv!.Panels / ConvTileAvx512Wide.Panels : _conv!.Panels) * Tiles;

        private int Tiles => (_rows + _rowsPerTile - 1) / _rowsPerTile;

        internal void Start(PackedConv conv, float* weights, float* bias, float* input, int inputStride, int rows, float* output, int outputStride, bool residual)
        {
            _conv = conv;
            _weights = weights;
            _bias = bias;
            _input = input;
            _inputStride = inputStride;
            _rows = rows;
            _output = output;
            _outputStride = outputStride;
            _residual = residual;
            _wide = Path == FloatKernelPath.Avx512 && ConvTileAvx512Wide.Fits(conv.OutLanes, conv.PanelFloats * sizeof(float));
            _rowsPerTile = _wide ? ConvTileAvx512Wide.RowsPerTile : ConvTile.RowsPerTile(Path);
        }

        void IRowRangeWork.Execute(int startRow, int endRow)
        {
            var conv = _conv!;
            var panelFloats = conv.PanelFloats;
            var panelsPerUnit = _wide ? ConvTileAvx512Wide.Panels : 1;
            var tiles = Tiles;
            for (var unit = startRow; unit < endRow; unit++)
            {
                var (group, tileIndex) = Math.DivRem(unit, tiles);
                var panel = group * panelsPerUnit;
                var row = tileIndex * _rowsPerTile;
                var lanes = Math.Min(ConvTile.PanelWidth, conv.OutLanes - panel * ConvTile.PanelWidth);
                var tile = new ConvTile
                {
                    Input = _input + (long)row * _inputStride,
                    InputStride = _inputStride,
                    InChannels = conv.InChannels,
                    Taps = conv.Taps,
                    TapStep = conv.Dilation * _inputStride,
                    Weights = _weights + panel * panelFloats,
                    PanelStride = panelFloats,
                    Bias = _bias + panel * ConvTile.PanelWidth,
                    Output = _output + (long)row * _outputStride + panel * ConvTile.PanelWidth,
                    OutputStride = _outputStride,
                    Rows = Math.Min(_rowsPerTile, _rows - row),
                    Groups = lanes / ConvTile.LaneGroup,
                    Residual = _residual,
                };
                if (_wide)
                {
                    ConvTileAvx512Wide.Run(tile);
                }
                else
                {
                    ConvTile.Run(Path, tile);
                }
            }
        }
    }

    private static void Check(bool ok, string what, int found, int expected)
    {
        if (!ok)
        {
            throw new ArgumentException($"{what} has {found} values, expected {expected}");
        }
    }

    /// <summary>For tests: the packed weight at output lane <paramref name="lane"/>, tap, input channel.</summary>
    internal float PackedWeight(int lane, int tap, int input)
    {
        var panel = lane / ConvTile.PanelWidth;
        return _weights[_weightsStart + (int)(panel * PanelFloats + ((long)tap * InChannels + input) * ConvTile.PanelWidth + lane % ConvTile.PanelWidth)];
    }

    /// <summary>The pinned weight array (for kernels that run slices of the panels, as <see cref="WinogradConv"/>); panels start at <see cref="WeightsStart"/>.</summary>
    internal float[] RawWeights => _weights;

    internal int WeightsStart => _weightsStart;

    internal ReadOnlySpan<float> PaddedBias => MemoryMarshal.CreateReadOnlySpan(ref _bias[0], OutLanes);
}
