using System.Buffers;
using Qwen3Tts.Inference.Audio;

namespace Qwen3Tts.Tests.Audio;

public class TimeStretcherTests
{
    private const int Rate = 24_000;

    private static float[] Sine(double hz, int length, float amplitude = 0.5f) =>
        Enumerable.Range(0, length).Select(i => amplitude * (float)Math.Sin(2 * Math.PI * hz * i / Rate)).ToArray();

    // A rough voiced-speech stand-in: a 130 Hz harmonic stack under a slow envelope, plus a little noise.
    private static float[] SpeechLike(int length, int seed)
    {
        var random = new Random(seed);
        var samples = new float[length];
        for (var i = 0; i < length; i++)
        {
            var t = (double)i / Rate;
            var envelope = 0.5 + 0.5 * Math.Sin(2 * Math.PI * 3 * t);
            var voiced = Math.Sin(2 * Math.PI * 130 * t) + 0.5 * Math.Sin(2 * Math.PI * 260 * t) + 0.25 * Math.Sin(2 * Math.PI * 390 * t);
            samples[i] = (float)(0.3 * envelope * voiced + 0.01 * (random.NextDouble() - 0.5));
        }
        return samples;
    }

    /// <summary>Rising zero crossings, interpolated between samples, over the middle of the signal.</summary>
    private static double FrequencyByZeroCrossings(float[] samples)
    {
        var from = samples.Length / 4;
        var to = samples.Length * 3 / 4;
        double? first = null;
        double last = 0;
        var crossings = 0;
        for (var i = from; i < to; i++)
        {
            if (samples[i - 1] < 0 && samples[i] >= 0)
            {
                var at = i - 1 + samples[i - 1] / (double)(samples[i - 1] - samples[i]);
                first ??= at;
                last = at;
                crossings++;
            }
        }
        Assert.True(crossings > 10, $"only {crossings} zero crossings in the output");
        return (crossings - 1) * Rate / (last - first!.Value);
    }

    private static double Rms(ReadOnlySpan<float> samples)
    {
        double sum = 0;
        foreach (var s in samples)
        {
            sum += s * (double)s;
        }
        return Math.Sqrt(sum / samples.Length);
    }

    [Fact]
    public void Speed_one_is_an_exact_pass_through_even_in_chunks()
    {
        var input = SpeechLike(10_007, seed: 1);
        var stretcher = new TimeStretcher(Rate, 1.0);
        var output = new List<float>();
        output.AddRange(stretcher.Process(input.AsSpan(0, 333)));
        output.AddRange(stretcher.Process(input.AsSpan(333)));
        output.AddRange(stretcher.Flush());

        Assert.Equal(input, output);
        Assert.Equal(input, TimeStretcher.Stretch(input, Rate, 1.0));
    }

    [Theory]
    [InlineData(0.25)]
    [InlineData(0.5)]
    [InlineData(0.8)]
    [InlineData(1.5)]
    [InlineData(2.0)]
    [InlineData(4.0)]
    public void Output_length_is_the_input_length_over_the_speed(double speed)
    {
        var input = SpeechLike(31_213, seed: 2);
        var output = TimeStretcher.Stretch(input, Rate, speed);

        Assert.Equal((long)Math.Round(input.Length / speed), output.Length);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(299)]
    [InlineData(300)]
    [InlineData(601)]
    [InlineData(1500)]
    public void Inputs_shorter_than_a_frame_still_get_the_exact_length(int length)
    {
        var input = SpeechLike(length, seed: 3);
        foreach (var speed in new[] { 0.25, 0.7, 2.5, 4.0 })
        {
            Assert.Equal((long)Math.Round(length / speed), TimeStretcher.Stretch(input, Rate, speed).Length);
        }
    }

    [Theory]
    [InlineData(0.25)]
    [InlineData(0.5)]
    [InlineData(1.5)]
    [InlineData(2.0)]
    [InlineData(4.0)]
    public void A_sine_keeps_its_pitch_and_loudness(double speed)
    {
        const double hz = 220;
        var input = Sine(hz, 2 * Rate);
        var output = TimeStretcher.Stretch(input, Rate, speed);

        var measured = FrequencyByZeroCrossings(output);
        Assert.InRange(measured, hz * 0.98, hz * 1.02);
        var middle = output.AsSpan(output.Length / 4, output.Length / 2);
        Assert.InRange(Rms(middle), 0.5 / Math.Sqrt(2) * 0.95, 0.5 / Math.Sqrt(2) * 1.05);
    }

    [Fact]
    public void The_start_is_copied_unchanged()
    {
        var input = SpeechLike(24_000, seed: 4);
        var output = TimeStretcher.Stretch(input, Rate, 1.7);

        // The first half frame (12.5 ms) is the input itself, not faded in.
        Assert.Equal(input.AsSpan(0, Rate / 80).ToArray(), output.AsSpan(0, Rate / 80).ToArray());
    }

    [Theory]
    [InlineData(0.25, 11)]
    [InlineData(0.6, 12)]
    [InlineData(1.3, 13)]
    [InlineData(3.0, 14)]
    [InlineData(4.0, 15)]
    public void Streaming_in_random_chunks_gives_the_one_call_output_bit_for_bit(double speed, int seed)
    {
        var input = SpeechLike(40_000, seed);
        var whole = TimeStretcher.Stretch(input, Rate, speed);

        var random = new Random(seed);
        var stretcher = new TimeStretcher(Rate, speed);
        var streamed = new ArrayBufferWriter<float>();
        for (var offset = 0; offset < input.Length;)
        {
            // From single samples to chunks far longer than the internal buffer.
            var size = Math.Min(input.Length - offset, random.Next(3) switch { 0 => random.Next(0, 8), 1 => random.Next(1, 2000), _ => random.Next(1, 12_000) });
            stretcher.Process(input.AsSpan(offset, size), streamed);
            offset += size;
        }
        stretcher.Flush(streamed);

        Assert.Equal(whole.Length, streamed.WrittenCount);
        Assert.True(whole.AsSpan().SequenceEqual(streamed.WrittenSpan), "streamed output differs from the one-call output");
    }

    [Fact]
    public void Output_arrives_while_the_input_streams()
    {
        var input = SpeechLike(48_000, seed: 5);
        var stretcher = new TimeStretcher(Rate, 2.0);

        var early = stretcher.Process(input.AsSpan(0, 24_000));

        // 24000 samples at speed 2 make 12000 output samples; all but a few frames must be out already.
        Assert.InRange(early.Length, 12_000 - 4 * (Rate / 80), 12_000);
    }

    [Theory]
    [InlineData(0.25)]
    [InlineData(1.5)]
    [InlineData(4.0)]
    public void Silence_stays_silence(double speed)
    {
        var output = TimeStretcher.Stretch(new float[20_000], Rate, speed);

        Assert.Equal((long)Math.Round(20_000 / speed), output.Length);
        Assert.All(output, s => Assert.Equal(0f, s));
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.2499)]
    [InlineData(4.0001)]
    [InlineData(-1.0)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void Speeds_outside_the_range_are_refused_naming_it(double speed)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new TimeStretcher(Rate, speed));

        Assert.Equal("speed", error.ParamName);
        Assert.Contains("from 0.25 to 4", error.Message);
    }

    [Fact]
    public void The_range_limits_themselves_are_accepted()
    {
        Assert.Equal(0.25, new TimeStretcher(Rate, 0.25).Speed);
        Assert.Equal(4.0, new TimeStretcher(Rate, 4.0).Speed);
    }

    [Fact]
    public void A_flushed_stretcher_takes_no_more_input()
    {
        var stretcher = new TimeStretcher(Rate, 1.5);
        stretcher.Process(new float[1000]);
        stretcher.Flush();

        Assert.Throws<InvalidOperationException>(() => stretcher.Process(new float[10]));
        Assert.Throws<InvalidOperationException>(() => stretcher.Flush());
    }
}
