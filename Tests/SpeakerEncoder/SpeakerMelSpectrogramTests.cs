using System.Numerics;
using Qwen3Tts.Inference.Codec.SpeakerEncoder;
using Qwen3Tts.Tests.Oracle;

namespace Qwen3Tts.Tests.SpeakerEncoder;

/// <summary>The speaker encoder's mel front end against librosa's filterbank values and the plain reference.</summary>
public sealed class SpeakerMelSpectrogramTests
{
    // librosa.filters.mel(sr=24000, n_fft=1024, n_mels=128, fmin=0, fmax=12000) (Slaney scale and norm,
    // float32), evaluated independently with numpy 1.24 from librosa's definition: (band, bin, weight).
    public static TheoryData<int, int, double> LibrosaWeights => new()
    {
        { 0, 1, 0.03355042636394501 },
        { 0, 2, 0.00856908317655325 },
        { 1, 3, 0.012853624299168587 },
        { 5, 7, 0.029991790652275085 },
        { 10, 12, 0.02425544150173664 },
        { 21, 25, 0.03144359961152077 },
        { 30, 36, 0.0029036165215075016 },
        { 40, 47, 0.02084614336490631 },
        { 64, 89, 0.01410350389778614 },
        { 100, 233, 0.0007543469546362758 },
        { 100, 235, 0.002797854132950306 },
        { 127, 485, 3.851602741633542e-05 },
        { 127, 511, 0.0002281783672515303 },
        { 80, 145, 0 },
        { 115, 371, 0 },
    };

    [Theory]
    [MemberData(nameof(LibrosaWeights))]
    public void TheFilterbankHasLibrosasValues(int band, int bin, double expected)
    {
        var bank = SpeakerMelSpectrogram.Shared.Filterbank;

        Assert.Equal(expected, bank[band, bin], Math.Abs(expected) * 1e-6);
    }

    [Fact]
    public void TheFilterbankHasLibrosasSupportAndEdges()
    {
        var bank = SpeakerMelSpectrogram.Shared.Filterbank;

        // (band, first non-zero bin, one past the last) from the same librosa evaluation.
        foreach (var (band, first, end) in new[] { (0, 1, 3), (1, 2, 4), (20, 23, 25), (64, 88, 92), (100, 233, 246) })
        {
            Assert.Equal((first, end), (bank.First[band], bank.End[band]));
        }
        // The top edge is mel_to_hz(hz_to_mel(12000)): numpy's vectorised log/exp make it 12000.000000000002 Hz
        // (a 1.8e-17 weight on the Nyquist bin, End 513), libm's make it 12000 exactly (End 512). Either is librosa.
        Assert.Equal(485, bank.First[127]);
        Assert.InRange(bank.End[127], 512, 513);
        Assert.InRange(bank[127, 512], 0f, 1e-16f);
        var edges = SlaneyMelFilterbank.BandEdgesHz(128, 0, 12000);
        Assert.Equal(26.430574832410883, edges[1], 1e-9);
        Assert.Equal(1829.7099131300638, edges[60], 1e-9);
        Assert.Equal(5443.633908073437, edges[100], 1e-9);
        Assert.InRange(bank.Weights.ToArray().Count(w => w != 0f), 1008, 1009);
        Assert.Equal(5.459415810865721, bank.Weights.ToArray().Sum(w => (double)w), 1e-9);
        Assert.Equal(1000.0, SlaneyMelFilterbank.MelToHz(SlaneyMelFilterbank.HzToMel(1000.0)), 1e-9);
        Assert.Equal(15.0, SlaneyMelFilterbank.HzToMel(1000.0), 1e-12);
    }

    [Fact]
    public void TheFilterbankEqualsTheReferences()
    {
        var bank = SpeakerMelSpectrogram.Shared.Filterbank;
        var reference = SpeakerMelReference.LibrosaMel(24000, 1024, 128, 0, 12000);

        for (var b = 0; b < 128; b++)
        {
            for (var k = 0; k < 513; k++)
            {
                Assert.Equal(reference[b, k], bank[b, k], Math.Abs(reference[b, k]) * 1e-6);
            }
        }
    }

    [Fact]
    public void TheRealFftEqualsADirectDft()
    {
        var fft = new RealFft(64);
        var frame = Enumerable.Range(0, 64).Select(n => Math.Sin(0.3 * n * n) + 0.1 * n).ToArray();
        var spectrum = new Complex[33];

        fft.Forward(frame, spectrum, new Complex[32]);

        for (var k = 0; k <= 32; k++)
        {
            var expected = Complex.Zero;
            for (var n = 0; n < 64; n++)
            {
                expected += frame[n] * Complex.FromPolarCoordinates(1, -2 * Math.PI * k * n / 64);
            }
            Assert.True(Complex.Abs(spectrum[k] - expected) < 1e-10, $"bin {k}: {spectrum[k]} vs {expected}");
        }
    }

    [Theory]
    [InlineData(72000)]  // 3 s
    [InlineData(24321)]  // a partial last hop
    [InlineData(385)]    // the shortest clip reflect padding allows: one frame
    public void LogMelFramesEqualThePlainReference(int samples)
    {
        var (audio, reference) = ReferenceClips.Get(samples, 1);
        var frames = SpeakerMelSpectrogram.FrameCount(samples);
        var mel = new float[frames * 128];

        SpeakerMelSpectrogram.Shared.Compute(audio, mel);

        Assert.Equal(reference.Length, frames);
        Assert.Equal(samples / 256, frames);
        var worst = 0.0;
        for (var t = 0; t < frames; t++)
        {
            for (var m = 0; m < 128; m++)
            {
                worst = Math.Max(worst, Math.Abs(mel[t * 128 + m] - reference[t][m]));
            }
        }
        // ln-domain absolute error: float32 rounding of the mel sums (|ln| <= 12), nothing more.
        Assert.True(worst < 2e-5, $"worst |engine - reference| = {worst}");
        Assert.Contains(mel, v => v > -5f);
    }

    [Fact]
    public void SilenceSitsOnTheLogFloor()
    {
        var mel = new float[SpeakerMelSpectrogram.FrameCount(4096) * 128];

        SpeakerMelSpectrogram.Shared.Compute(new float[4096], mel);

        // sqrt(1e-9) per bin times a band's weights (sum <= 0.043) stays under the 1e-5 clamp.
        Assert.All(mel, v => Assert.Equal(MathF.Log(1e-5f), v));
    }

    [Fact]
    public void TooShortAClipIsAClearError()
    {
        var error = Assert.Throws<ArgumentException>(() => SpeakerMelSpectrogram.FrameCount(384));

        Assert.Contains("needs at least 385 samples", error.Message);
    }
}
