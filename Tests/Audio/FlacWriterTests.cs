using System.Text;
using Qwen3Tts.Inference.Audio;

namespace Qwen3Tts.Tests.Audio;

public class FlacWriterTests
{
    private const int Rate = 24_000;

    private static short[] Speechy(int length, int seed)
    {
        var random = new Random(seed);
        var samples = new short[length];
        for (var i = 0; i < length; i++)
        {
            var t = (double)i / Rate;
            var value = 9000 * Math.Sin(2 * Math.PI * 140 * t) * (0.6 + 0.4 * Math.Sin(2 * Math.PI * 2 * t))
                + 3000 * Math.Sin(2 * Math.PI * 420 * t) + random.Next(-20, 21);
            samples[i] = (short)Math.Round(value);
        }
        return samples;
    }

    private static FlacTestDecoder.DecodedFlac RoundTrip(short[] samples, int sampleRate = Rate)
    {
        var flac = FlacWriter.Encode(samples, sampleRate);
        var decoded = FlacTestDecoder.Decode(flac);
        Assert.Equal(samples, decoded.Samples);
        return decoded;
    }

    [Fact]
    public void Speech_round_trips_exactly_with_a_correct_streaminfo()
    {
        var samples = Speechy(3 * FlacWriter.BlockSize + 1234, seed: 1);
        var decoded = RoundTrip(samples);

        var info = decoded.Info;
        Assert.Equal(Rate, info.SampleRate);
        Assert.Equal(1, info.Channels);
        Assert.Equal(16, info.BitsPerSample);
        Assert.Equal(samples.Length, info.TotalSamples);
        Assert.Equal(FlacWriter.BlockSize, info.MinBlockSize);
        Assert.Equal(FlacWriter.BlockSize, info.MaxBlockSize);
        Assert.Equal(decoded.Frames.Min(f => f.Length), info.MinFrameSize);
        Assert.Equal(decoded.Frames.Max(f => f.Length), info.MaxFrameSize);
        Assert.Equal([FlacWriter.BlockSize, FlacWriter.BlockSize, FlacWriter.BlockSize, 1234], decoded.Frames.Select(f => f.BlockSize));
        Assert.Equal([0L, 1, 2, 3], decoded.Frames.Select(f => f.Number));
    }

    [Fact]
    public void Smooth_audio_uses_fixed_predictors_and_compresses()
    {
        var samples = Speechy(5 * FlacWriter.BlockSize, seed: 2);
        var flac = FlacWriter.Encode(samples, Rate);
        var decoded = FlacTestDecoder.Decode(flac);

        Assert.All(decoded.Frames, f => Assert.InRange(f.SubframeType, 0b001001, 0b001100)); // FIXED, order 1..4
        Assert.True(flac.Length < samples.Length * 2 * 0.6, $"{flac.Length} bytes for {samples.Length * 2} bytes of PCM");
    }

    [Fact]
    public void Silence_becomes_constant_subframes()
    {
        var samples = new short[2 * FlacWriter.BlockSize + 100];
        var decoded = RoundTrip(samples);

        Assert.All(decoded.Frames, f => Assert.Equal(0, f.SubframeType));
        Assert.All(decoded.Frames, f => Assert.True(f.Length < 16, $"a silent frame took {f.Length} bytes"));
    }

    [Fact]
    public void Full_scale_noise_and_extremes_round_trip_exactly()
    {
        var random = new Random(3);
        var noise = Enumerable.Range(0, FlacWriter.BlockSize + 77).Select(_ => (short)random.Next(short.MinValue, short.MaxValue + 1)).ToArray();
        var decodedNoise = RoundTrip(noise);
        // Random full-scale noise cannot be predicted: verbatim is the smallest honest encoding.
        Assert.Equal(1, decodedNoise.Frames[0].SubframeType);

        var square = Enumerable.Range(0, 3000).Select(i => i / 7 % 2 == 0 ? short.MaxValue : short.MinValue).ToArray();
        RoundTrip(square);
    }

    [Fact]
    public void Partitions_with_huge_residuals_switch_to_five_bit_rice_parameters()
    {
        // A smooth half and a full-scale alternating half: order-1 prediction wins overall, and the second half's
        // residuals (about ±65000) need Rice parameters above 14, which only the 5-bit method can carry.
        var random = new Random(8);
        var samples = Enumerable.Range(0, FlacWriter.BlockSize).Select(i => i < FlacWriter.BlockSize / 2
            ? (short)(9000 * Math.Sin(i / 40.0))
            : (short)((i % 2 == 0 ? 32000 : -32000) + random.Next(-500, 500))).ToArray();

        var frame = Assert.Single(RoundTrip(samples).Frames);
        Assert.InRange(frame.SubframeType, 0b001001, 0b001100);
        Assert.Equal(1, frame.ResidualMethod);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(5)]
    [InlineData(16)]
    [InlineData(17)]
    [InlineData(255)]
    [InlineData(256)]
    [InlineData(257)]
    [InlineData(4096)]
    [InlineData(4097)]
    public void Any_length_round_trips(int length)
    {
        var decoded = RoundTrip(Speechy(length, seed: length));

        Assert.Equal(length, decoded.Info.TotalSamples);
        var expectedBlock = length >= FlacWriter.BlockSize ? FlacWriter.BlockSize : Math.Max(16, length);
        Assert.Equal(expectedBlock, decoded.Info.MaxBlockSize);
        Assert.Equal(length == 0 ? 0 : decoded.Frames.Max(f => f.Length), decoded.Info.MaxFrameSize);
    }

    [Fact]
    public void Frame_numbers_past_127_use_multi_byte_coding()
    {
        var samples = new short[300 * FlacWriter.BlockSize];
        var random = new Random(4);
        for (var i = 0; i < samples.Length; i += 997)
        {
            samples[i] = (short)random.Next(-1000, 1000);
        }
        var decoded = RoundTrip(samples);

        Assert.Equal(Enumerable.Range(0, 300).Select(i => (long)i), decoded.Frames.Select(f => f.Number));
    }

    [Theory]
    [InlineData(48_000)]
    [InlineData(12_345)]
    [InlineData(100_000)]
    public void Other_sample_rates_are_carried(int sampleRate)
    {
        Assert.Equal(sampleRate, RoundTrip(Speechy(5000, seed: 5), sampleRate).Info.SampleRate);
    }

    [Fact]
    public void Float_input_is_converted_as_pcm16()
    {
        float[] samples = [0f, 0.5f, -0.5f, 1f, -1f, 1.5f, 0.25f, float.NaN];
        var expected = new short[samples.Length];
        PcmConversion.FloatToPcm16(samples, expected);

        Assert.Equal(expected, FlacTestDecoder.Decode(FlacWriter.Encode(samples, Rate)).Samples);
    }

    [Fact]
    public void Crcs_match_the_check_values_and_a_bitwise_implementation()
    {
        var check = Encoding.ASCII.GetBytes("123456789");
        Assert.Equal(0xF4, FlacCrc.Crc8(check));        // CRC-8, poly 0x07, init 0
        Assert.Equal(0xFEE8, FlacCrc.Crc16(check));     // CRC-16/UMTS: poly 0x8005, init 0, not reflected

        var random = new Random(6);
        var data = new byte[1000];
        random.NextBytes(data);
        Assert.Equal(FlacTestDecoder.BitwiseCrc8(data), FlacCrc.Crc8(data));
        Assert.Equal(FlacTestDecoder.BitwiseCrc16(data), FlacCrc.Crc16(data));
    }

    [Fact]
    public void A_flipped_bit_is_caught_by_the_frame_crc()
    {
        var flac = FlacWriter.Encode(Speechy(2000, seed: 7), Rate);
        flac[^5] ^= 0x10;

        var error = Assert.Throws<InvalidDataException>(() => FlacTestDecoder.Decode(flac));
        Assert.Contains("CRC", error.Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(655_351)]
    public void Bad_sample_rates_are_refused(int sampleRate)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => FlacWriter.Encode(new short[10], sampleRate));
        Assert.Contains("1 to 655350 Hz", error.Message);
    }
}
