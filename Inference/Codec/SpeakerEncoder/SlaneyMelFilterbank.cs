namespace Qwen3Tts.Inference.Codec.SpeakerEncoder;

/// <summary>
/// The mel filterbank the official speaker-encoder front end builds with librosa's `filters.mel` defaults:
/// Slaney mel scale (linear below 1 kHz at 200/3 Hz per mel, logarithmic above with step ln(6.4)/27),
/// triangles between n_mels + 2 points evenly spaced in mel, and Slaney area normalisation
/// (each triangle scaled by 2 / its width in Hz). Computed in double and rounded to float32 where
/// librosa rounds: the triangle into its float32 array, then the in-place normalisation.
/// </summary>
public sealed class SlaneyMelFilterbank
{
    private readonly float[] weights;

    public SlaneyMelFilterbank(int sampleRate, int fftSize, int melBands, double minHz, double maxHz)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(fftSize, 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(melBands, 1);
        if (!(minHz >= 0 && maxHz > minHz && maxHz <= sampleRate / 2.0))
        {
            throw new ArgumentOutOfRangeException(nameof(maxHz), $"need 0 <= fmin < fmax <= sr/2, got {minHz}..{maxHz} at {sampleRate} Hz");
        }
        Bands = melBands;
        Bins = fftSize / 2 + 1;
        weights = new float[Bands * Bins];
        First = new int[Bands];
        End = new int[Bands];

        var binHz = new double[Bins];
        for (var k = 0; k < Bins; k++)
        {
            binHz[k] = k * (double)sampleRate / fftSize;
        }
        var edges = BandEdgesHz(melBands, minHz, maxHz);
        for (var b = 0; b < Bands; b++)
        {
            var lowerWidth = edges[b + 1] - edges[b];
            var upperWidth = edges[b + 2] - edges[b + 1];
            var norm = 2.0 / (edges[b + 2] - edges[b]);
            First[b] = Bins;
            for (var k = 0; k < Bins; k++)
            {
                var rising = -(edges[b] - binHz[k]) / lowerWidth;
                var falling = (edges[b + 2] - binHz[k]) / upperWidth;
                var triangle = (float)Math.Max(0.0, Math.Min(rising, falling));
                var w = (float)(triangle * norm);
                weights[b * Bins + k] = w;
                if (w != 0f)
                {
                    First[b] = Math.Min(First[b], k);
                    End[b] = k + 1;
                }
            }
            if (End[b] == 0)
            {
                First[b] = 0;
            }
        }
    }

    public int Bands { get; }

    /// <summary>FFT bins 0..fftSize/2.</summary>
    public int Bins { get; }

    /// <summary>Per band, the first bin with a non-zero weight (0 for an empty band).</summary>
    public int[] First { get; }

    /// <summary>Per band, one past the last bin with a non-zero weight (0 for an empty band).</summary>
    public int[] End { get; }

    /// <summary>Row-major [Bands, Bins], as librosa returns it.</summary>
    public ReadOnlySpan<float> Weights => weights;

    public float this[int band, int bin] => weights[band * Bins + bin];

    /// <summary>Slaney mel of a frequency (librosa `hz_to_mel`, htk=False).</summary>
    public static double HzToMel(double hz) =>
        hz >= MinLogHz ? MinLogMel + Math.Log(hz / MinLogHz) / LogStep : (hz - 0.0) / LinearHzPerMel;

    /// <summary>Inverse of <see cref="HzToMel"/> (librosa `mel_to_hz`, htk=False).</summary>
    public static double MelToHz(double mel) =>
        mel >= MinLogMel ? MinLogHz * Math.Exp(LogStep * (mel - MinLogMel)) : 0.0 + LinearHzPerMel * mel;

    /// <summary>The n_mels + 2 triangle corners in Hz: evenly spaced mels, spaced as numpy's linspace spaces them.</summary>
    public static double[] BandEdgesHz(int melBands, double minHz, double maxHz)
    {
        var count = melBands + 2;
        var low = HzToMel(minHz);
        var high = HzToMel(maxHz);
        var step = (high - low) / (count - 1);
        var edges = new double[count];
        for (var i = 0; i < count; i++)
        {
            edges[i] = MelToHz(i == count - 1 ? high : i * step + low);
        }
        return edges;
    }

    private const double LinearHzPerMel = 200.0 / 3;
    private const double MinLogHz = 1000.0;
    private const double MinLogMel = (MinLogHz - 0.0) / LinearHzPerMel;
    private static readonly double LogStep = Math.Log(6.4) / 27.0;
}
