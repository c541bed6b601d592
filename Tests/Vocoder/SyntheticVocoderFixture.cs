using Qwen3Tts.Inference.Vocoder;

namespace Qwen3Tts.Tests.Vocoder;

/// <summary>One Tiny synthetic vocoder (window 64) written and loaded once for a test class.</summary>
public sealed class SyntheticVocoderFixture : IDisposable
{
    public const int Seed = 1234;

    public SyntheticVocoderFixture()
    {
        Directory = Path.Combine(Path.GetTempPath(), "qwen3tts-vocoder-tests-" + Guid.NewGuid().ToString("N"));
        ModelPath = Path.Combine(Directory, "vocoder.onnx");
        SyntheticVocoderWriter.Write(ModelPath, SyntheticVocoderSize.Tiny, Seed);
        Model = VocoderModel.Load(ModelPath, new VocoderOptions { IntraOpThreads = 1 });
    }

    public string Directory { get; }

    public string ModelPath { get; }

    public VocoderModel Model { get; }

    /// <summary>Deterministic pseudo-random codes, frame-major.</summary>
    public static long[] RandomCodes(int frames, int seed)
    {
        var random = new Random(seed);
        var codes = new long[frames * 16];
        for (var i = 0; i < codes.Length; i++)
        {
            codes[i] = random.Next(0, 2048);
        }
        return codes;
    }

    public float[] DecodeOneWindow(long[] codes)
    {
        var window = new long[Model.WindowFrames * 16];
        codes.AsSpan(0, Math.Min(codes.Length, window.Length)).CopyTo(window);
        var audio = new float[Model.WindowSamples];
        Model.DecodeWindow(window, audio);
        return audio;
    }

    public void Dispose()
    {
        Model.Dispose();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
