namespace Qwen3Tts.Inference.Audio.Resampling;

/// <summary>
/// Band-limited sample-rate conversion by a Kaiser-windowed sinc, polyphase. The ratio is reduced to L/M; output
/// sample n sits at input position n·M/L = q + r/L and is the dot product of the input around q with the filter
/// phase r. The low-pass is set by the lower of the two rates: flat (ripple ~3e-5) to 90 % of its Nyquist, down
/// by ≥ 90 dB from its Nyquist on (Kaiser β 8.96), so nothing above the output's Nyquist folds back (down) and
/// no image of the input's spectrum appears (up). Outside the clip the input is zero; the output has
/// ceil(length · L / M) samples, as librosa.resample returns. Rates whose reduced L exceeds
/// <see cref="MaxExactPhases"/> (unusual pairs such as 44 056 → 24 000) interpolate linearly between 4096 tabulated
/// phases, which adds an error below −120 dB. Immutable and thread-safe.
/// </summary>
public sealed class SincResampler
{
    public const int MaxExactPhases = 4096;

    /// <summary>Passband edge and stopband edge as fractions of the lower rate's Nyquist frequency.</summary>
    public const double PassbandEdge = 0.9;
    public const double StopbandEdge = 1.0;
    public const double StopbandAttenuationDb = 90;

    private readonly int _up;
    private readonly int _down;
    private readonly int _phases;
    private readonly int _taps;
    private readonly int _halfTaps;
    private readonly float[] _table;

    public SincResampler(int fromRate, int toRate)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(fromRate, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(toRate, 1);
        FromRate = fromRate;
        ToRate = toRate;
        var g = Gcd(fromRate, toRate);
        _up = toRate / g;
        _down = fromRate / g;
        _phases = Math.Min(_up, MaxExactPhases);

        // Everything in input-sample units: cutoff midway through the transition band, Kaiser length for it.
        var lower = Math.Min(fromRate, toRate);
        var cutoff = (PassbandEdge + StopbandEdge) / 4 * lower / fromRate;
        var transition = (StopbandEdge - PassbandEdge) / 2 * lower / fromRate;
        var beta = 0.1102 * (StopbandAttenuationDb - 8.7);
        var length = (StopbandAttenuationDb - 7.95) / (2.285 * 2 * Math.PI * transition);
        var halfWidth = length / 2;
        _halfTaps = (int)Math.Ceiling(halfWidth);
        _taps = 2 * _halfTaps;

        // Phase p (p/phases of an input sample), tap m reads input q − halfTaps + 1 + m.
        var rows = _phases + 1;
        _table = new float[rows * _taps];
        var norm = BesselI0(beta);
        for (var p = 0; p < rows; p++)
        {
            var fraction = p / (double)_phases;
            for (var m = 0; m < _taps; m++)
            {
                var u = fraction + _halfTaps - 1 - m;
                var x = u / halfWidth;
                var window = Math.Abs(x) >= 1 ? 0 : BesselI0(beta * Math.Sqrt(1 - x * x)) / norm;
                _table[p * _taps + m] = (float)(2 * cutoff * Sinc(2 * cutoff * u) * window);
            }
        }
    }

    public int FromRate { get; }

    public int ToRate { get; }

    /// <summary>Input samples each output sample reads.</summary>
    public int Taps => _taps;

    public long OutputLength(long inputLength) => (inputLength * _up + _down - 1) / _down;

    public static float[] Resample(ReadOnlySpan<float> input, int fromRate, int toRate) =>
        fromRate == toRate ? input.ToArray() : new SincResampler(fromRate, toRate).Process(input);

    public float[] Process(ReadOnlySpan<float> input)
    {
        var outputLength = OutputLength(input.Length);
        if (outputLength > Array.MaxLength)
        {
            throw new ArgumentException($"{input.Length} samples at {FromRate} Hz give too many at {ToRate} Hz");
        }
        var output = new float[outputLength];
        // Zero context on both sides so every window is in range.
        var padded = new float[input.Length + 2 * _taps];
        input.CopyTo(padded.AsSpan(_taps));
        var mixed = new float[_taps];
        var exact = _phases == _up;
        for (long n = 0; n < output.Length; n++)
        {
            var position = n * _down;
            var q = position / _up;
            var r = position % _up;
            var window = padded.AsSpan((int)(q + _taps - _halfTaps + 1), _taps);
            ReadOnlySpan<float> coefficients;
            if (exact)
            {
                coefficients = _table.AsSpan((int)r * _taps, _taps);
            }
            else
            {
                var phase = r * (double)_phases / _up;
                var p0 = (int)phase;
                var a = (float)(phase - p0);
                System.Numerics.Tensors.TensorPrimitives.Lerp(_table.AsSpan(p0 * _taps, _taps), _table.AsSpan((p0 + 1) * _taps, _taps), a, mixed);
                coefficients = mixed;
            }
            output[n] = System.Numerics.Tensors.TensorPrimitives.Dot(window, coefficients);
        }
        return output;
    }

    private static double Sinc(double x) => x == 0 ? 1 : Math.Sin(Math.PI * x) / (Math.PI * x);

    /// <summary>The modified Bessel function I0 by its power series (all terms positive; 1e-16 relative).</summary>
    private static double BesselI0(double x)
    {
        double sum = 1, term = 1;
        var quarter = x * x / 4;
        for (var k = 1; k < 500 && term > 1e-17 * sum; k++)
        {
            term *= quarter / (k * (double)k);
            sum += term;
        }
        return sum;
    }

    private static int Gcd(int a, int b)
    {
        while (b != 0)
        {
            (a, b) = (b, a % b);
        }
        return a;
    }
}
