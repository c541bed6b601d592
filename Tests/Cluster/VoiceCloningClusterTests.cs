using Qwen3Tts.Grains;
using Qwen3Tts.Inference.Codec.Encoder;
using Qwen3Tts.Inference.Voices.Cloning;
using Qwen3Tts.Tests.Pipeline;
using Qwen3Tts.Tests.Voices;

namespace Qwen3Tts.Tests.Cluster;

/// <summary>
/// Voice encoding across boards: a client reaches a gateway-only silo, the codes come from the vocoder silo and the
/// x-vector from the talker silo, and the voice is the one this process encodes from the same clip.
/// </summary>
public sealed class VoiceCloningClusterTests(TinyModelsFixture models) : IClassFixture<TinyModelsFixture>, IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(120);
    private static readonly string[] GatewayBoard = [GrainRoles.Gateway];
    private static readonly string[] VocoderBoard = [GrainRoles.Vocoder];
    private static readonly string[] TalkerBoard = [GrainRoles.Talker, GrainRoles.Predictor];

    private readonly string _dir = Directory.CreateTempSubdirectory("qwen3-clone-cluster-").FullName;

    private static ReferenceAudio Clip() => ReferenceClips.FromBytes(CloneFixtures.ReferenceWav(), "ref.wav", new CloneLimits());

    [Fact]
    public async Task TheCodesComeFromTheVocoderBoardAndTheXVectorFromTheTalkerBoard()
    {
        var set = CloneFixtures.ModelsWithSpeakerEncoder(models, Path.Combine(_dir, "base"));
        await using var cluster = await FailoverCluster.StartAsync(set, GatewayBoard, VocoderBoard, TalkerBoard);
        var clip = Clip();

        var encoded = await cluster.Client.GetGrain<IVoiceCloneGrain>(0).EncodeAsync(clip.ToDto()).WaitAsync(Bound);
        var voice = encoded.ToEncodedVoice(clip, "Some reference words.");
        var local = await new LocalVoiceEncoding(models.Store(set)).EncodeAsync(clip, "Some reference words.");

        Assert.Equal(local.Codes, voice.Codes);
        Assert.Equal(local.SpeakerEmbedding, voice.SpeakerEmbedding);
        Assert.Equal(VoiceProfileJson.Render(local), VoiceProfileJson.Render(voice));
        Assert.Equal(["Silo_1"], (await cluster.ActivationsAsync<VoiceEncoderGrain>()).Keys);
        Assert.Equal(["Silo_2"], (await cluster.ActivationsAsync<SpeakerEncoderGrain>()).Keys);
        Assert.Equal(["Silo_0"], (await cluster.ActivationsAsync<VoiceCloneGrain>()).Keys);
    }

    [Fact]
    public async Task WithoutASpeakerEncoderTheVoiceHasCodesOnly()
    {
        await using var cluster = await FailoverCluster.StartAsync(models.Directory, GatewayBoard, VocoderBoard, TalkerBoard);

        var encoded = await cluster.Client.GetGrain<IVoiceCloneGrain>(0).EncodeAsync(Clip().ToDto()).WaitAsync(Bound);

        Assert.Null(encoded.Speaker.Embedding);
        Assert.Equal(17, encoded.Codes.Frames);
    }

    [Fact]
    public async Task WithoutAVocoderBoardEncodingFailsNamingTheRole()
    {
        await using var cluster = await FailoverCluster.StartAsync(models.Directory, GatewayBoard, TalkerBoard);

        var error = await Assert.ThrowsAsync<RoleFailureException>(() => cluster.Client.GetGrain<IVoiceCloneGrain>(0).EncodeAsync(Clip().ToDto()).WaitAsync(Bound));

        Assert.Equal(GrainRoles.Vocoder, error.Role);
        Assert.Equal(RoleFailure.Unavailable, error.Failure);
        Assert.Contains("no live silo hosts the 'vocoder' role", error.Message);
    }

    [Fact]
    public async Task AClipTheSiloCannotEncodeIsRefusedAsBadInput()
    {
        await using var cluster = await FailoverCluster.StartAsync(models.Directory, GatewayBoard, VocoderBoard, TalkerBoard);
        var grain = cluster.Client.GetGrain<IVoiceCloneGrain>(0);

        var wrongRate = await Assert.ThrowsAnyAsync<ArgumentException>(() => grain.EncodeAsync(new ReferenceClipDto(TensorBytes.FromFloats(new float[4800]), 16000)).WaitAsync(Bound));
        var empty = await Assert.ThrowsAnyAsync<ArgumentException>(() => grain.EncodeAsync(new ReferenceClipDto([], 24000)).WaitAsync(Bound));

        Assert.Contains("the encoder takes 24000 Hz", wrongRate.Message);
        Assert.Contains("no samples", empty.Message);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
