using Qwen3Tts.Inference.Codec.SpeakerEncoder;
using Qwen3Tts.Inference.Synthetic;

namespace Qwen3Tts.Tests.SpeakerEncoder;

/// <summary>The engine against outputs recorded from the official PyTorch modules (<see cref="OfficialPyTorchOutputs"/>).</summary>
public sealed class OfficialPyTorchTests
{
    [Fact]
    public void TinyNetworkMatchesTheOfficialCode() =>
        Check(SpeakerEncoderConfig.Tiny(32), OfficialPyTorchOutputs.Tiny.WeightsSeed, OfficialPyTorchOutputs.Tiny.Samples, OfficialPyTorchOutputs.Tiny.SignalSeed,
            OfficialPyTorchOutputs.Tiny.Frames, OfficialPyTorchOutputs.Tiny.MelFrames, OfficialPyTorchOutputs.Tiny.Mel, OfficialPyTorchOutputs.Tiny.XVector);

    [Fact]
    public void PublishedWidthsMatchTheOfficialCode() =>
        Check(SpeakerEncoderConfig.Official(1024), OfficialPyTorchOutputs.Published.WeightsSeed, OfficialPyTorchOutputs.Published.Samples, OfficialPyTorchOutputs.Published.SignalSeed,
            OfficialPyTorchOutputs.Published.Frames, OfficialPyTorchOutputs.Published.MelFrames, OfficialPyTorchOutputs.Published.Mel, OfficialPyTorchOutputs.Published.XVector);

    private static void Check(SpeakerEncoderConfig config, int weightsSeed, int samples, int signalSeed, int frames, int[] melFrames, float[] mel, float[] xvector)
    {
        var audio = SpeechLikeSignal.Create(samples, signalSeed);
        Assert.Equal(frames, SpeakerMelSpectrogram.FrameCount(samples));
        var ours = new float[frames * 128];
        SpeakerMelSpectrogram.Shared.Compute(audio, ours);
        for (var j = 0; j < melFrames.Length; j++)
        {
            for (var m = 0; m < 128; m++)
            {
                // torch.stft and the mel product run in float32 there; |ln mel| <= 12.
                Assert.Equal(mel[j * 128 + m], ours[melFrames[j] * 128 + m], 1e-4f);
            }
        }

        var extractor = new SpeakerEmbeddingExtractor(SyntheticSpeakerEncoderWriter.Create(config, new SyntheticWeights(weightsSeed)));
        var result = extractor.Extract(audio);

        EcapaTdnnTests.AssertClose(xvector.Select(v => (double)v).ToArray(), result, 1e-4);
    }
}
