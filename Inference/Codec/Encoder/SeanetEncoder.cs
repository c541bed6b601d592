namespace Qwen3Tts.Inference.Codec.Encoder;

/// <summary>One SEANet stage's convs: residual blocks (ELU → conv k → ELU → conv 1, plus the input), then ELU → strided conv.</summary>
internal sealed record SeanetStageConvs(IReadOnlyList<(CausalConv Expand, CausalConv Project)> ResidualBlocks, CausalConv Downsample);

/// <summary>MimiEncoder (SEANet): conv → stages → ELU → conv, 24 kHz samples to rows of hidden channels at the hop rate.</summary>
internal sealed class SeanetEncoder(CausalConv first, IReadOnlyList<SeanetStageConvs> stages, CausalConv last)
{
    public CausalConv First => first;

    public IReadOnlyList<SeanetStageConvs> Stages => stages;

    public CausalConv Last => last;

    public int Hop { get; } = stages.Aggregate(1, (a, s) => a * s.Downsample.Stride);

    public int OutChannels => last.OutChannels;

    /// <summary>Multiply-adds per input sample: each conv's per-row cost at the rate its rows come.</summary>
    public double MultiplyAddsPerSample
    {
        get
        {
            double rate = 1, total = first.MultiplyAddsPerOutputRow;
            foreach (var stage in stages)
            {
                total += rate * stage.ResidualBlocks.Sum(b => b.Expand.MultiplyAddsPerOutputRow + b.Project.MultiplyAddsPerOutputRow);
                rate /= stage.Downsample.Stride;
                total += rate * stage.Downsample.MultiplyAddsPerOutputRow;
            }
            return total + rate * last.MultiplyAddsPerOutputRow;
        }
    }

    public Stream Open() => new(this);

    /// <summary>One pass over one clip, fed in chunks whose lengths are multiples of <see cref="Hop"/> (the last excepted).</summary>
    internal sealed class Stream
    {
        private readonly CausalConvStream _first;
        private readonly (CausalConvStream Expand, CausalConvStream Project)[][] _blocks;
        private readonly CausalConvStream[] _downsample;
        private readonly CausalConvStream _last;
        private float[] _rows = [];

        public Stream(SeanetEncoder encoder)
        {
            _first = new CausalConvStream(encoder.First);
            _blocks = encoder.Stages.Select(s => s.ResidualBlocks.Select(b => (new CausalConvStream(b.Expand), new CausalConvStream(b.Project))).ToArray()).ToArray();
            _downsample = encoder.Stages.Select(s => new CausalConvStream(s.Downsample)).ToArray();
            _last = new CausalConvStream(encoder.Last);
            Channels = encoder.OutChannels;
        }

        public int Channels { get; }

        /// <summary>Rows produced so far, [RowCount][Channels].</summary>
        public float[] Rows => _rows;

        public int RowCount { get; private set; }

        public void Push(ReadOnlySpan<float> samples, bool last, int threads)
        {
            var (x, rows) = _first.Push(samples, samples.Length, last, elu: false, threads);
            for (var s = 0; s < _blocks.Length; s++)
            {
                foreach (var (expand, project) in _blocks[s])
                {
                    var width = expand.Conv.InChannels;
                    var (e, eRows) = expand.Push(x.AsSpan(0, rows * width), rows, last, elu: true, threads);
                    var (p, _) = project.Push(e.AsSpan(0, eRows * expand.Conv.OutChannels), eRows, last, elu: true, threads);
                    System.Numerics.Tensors.TensorPrimitives.Add(x.AsSpan(0, rows * width), p.AsSpan(0, rows * width), x.AsSpan(0, rows * width));
                }
                (x, rows) = _downsample[s].Push(x.AsSpan(0, rows * _downsample[s].Conv.InChannels), rows, last, elu: true, threads);
            }
            var (y, yRows) = _last.Push(x.AsSpan(0, rows * _last.Conv.InChannels), rows, last, elu: true, threads);
            Append(y, yRows);
        }

        private void Append(float[] y, int rows)
        {
            var needed = (RowCount + rows) * Channels;
            if (_rows.Length < needed)
            {
                Array.Resize(ref _rows, Math.Max(needed, _rows.Length * 2));
            }
            Array.Copy(y, 0, _rows, RowCount * Channels, rows * Channels);
            RowCount += rows;
        }
    }
}
