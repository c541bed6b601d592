using System.Numerics;

namespace Qwen3Tts.Inference.Codec.SpeakerEncoder;

/// <summary>
/// Forward DFT of a real frame of power-of-two length N in double precision: an N/2-point complex
/// radix-2 FFT of the even/odd samples packed as re/im, then the split step that yields bins 0..N/2.
/// At N = 1024 one frame is ~2.5k butterflies; the tables are built once and shared read-only.
/// </summary>
public sealed class RealFft
{
    private readonly int half;
    private readonly int[] bitReversed;
    private readonly Complex[] twiddles;      // e^{-2 pi i j / half}, j < half / 2
    private readonly Complex[] splitTwiddles; // e^{-2 pi i k / N}, k <= half

    public RealFft(int size)
    {
        if (size < 4 || !BitOperations.IsPow2(size))
        {
            throw new ArgumentOutOfRangeException(nameof(size), size, "the FFT size must be a power of two, at least 4");
        }
        Size = size;
        half = size / 2;
        var bits = BitOperations.Log2((uint)half);
        bitReversed = new int[half];
        for (var i = 0; i < half; i++)
        {
            var r = 0;
            for (var b = 0; b < bits; b++)
            {
                r |= ((i >> b) & 1) << (bits - 1 - b);
            }
            bitReversed[i] = r;
        }
        twiddles = new Complex[Math.Max(1, half / 2)];
        for (var j = 0; j < twiddles.Length; j++)
        {
            twiddles[j] = Complex.FromPolarCoordinates(1.0, -2.0 * Math.PI * j / half);
        }
        splitTwiddles = new Complex[half + 1];
        for (var k = 0; k <= half; k++)
        {
            splitTwiddles[k] = Complex.FromPolarCoordinates(1.0, -2.0 * Math.PI * k / size);
        }
    }

    public int Size { get; }

    public int Bins => half + 1;

    /// <summary>
    /// <paramref name="spectrum"/>[k] = sum_n frame[n] e^{-2 pi i k n / N} for k = 0..N/2;
    /// <paramref name="work"/> holds N/2 values and is overwritten.
    /// </summary>
    public void Forward(ReadOnlySpan<double> frame, Span<Complex> spectrum, Span<Complex> work)
    {
        if (frame.Length != Size || spectrum.Length < Bins || work.Length < half)
        {
            throw new ArgumentException($"need a frame of {Size}, a spectrum of {Bins} and work of {half}");
        }
        for (var i = 0; i < half; i++)
        {
            var j = bitReversed[i];
            work[j] = new Complex(frame[2 * i], frame[2 * i + 1]);
        }
        for (var length = 2; length <= half; length <<= 1)
        {
            var step = half / length;
            var span = length / 2;
            for (var start = 0; start < half; start += length)
            {
                for (var j = 0; j < span; j++)
                {
                    var odd = work[start + j + span] * twiddles[j * step];
                    var even = work[start + j];
                    work[start + j] = even + odd;
                    work[start + j + span] = even - odd;
                }
            }
        }
        for (var k = 0; k <= half; k++)
        {
            var z = work[k == half ? 0 : k];
            var mirror = Complex.Conjugate(work[k == 0 ? 0 : half - k]);
            var even = (z + mirror) * 0.5;
            var odd = (z - mirror) * new Complex(0, -0.5);
            spectrum[k] = even + splitTwiddles[k] * odd;
        }
    }
}
