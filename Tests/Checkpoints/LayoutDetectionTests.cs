using Qwen3Tts.Inference.Models;
using Qwen3Tts.Inference.Models.Store;

namespace Qwen3Tts.Tests.Checkpoints;

/// <summary>Which layout a models directory is: a root config.json alone does not make a seed tree official.</summary>
public sealed class LayoutDetectionTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("qwen3-tts-layout-").FullName;

    private ModelSetLayout LayoutOf(string? configJson, bool seedTalkerDirectory)
    {
        if (seedTalkerDirectory)
        {
            Directory.CreateDirectory(Path.Combine(_dir, "talker"));
        }
        if (configJson is not null)
        {
            File.WriteAllText(Path.Combine(_dir, "config.json"), configJson);
        }
        return new ModelStore(new ModelStoreOptions { ModelsDirectory = _dir }).Layout;
    }

    [Fact]
    public void ASeedTreeHasNoConfigJson() => Assert.Equal(ModelSetLayout.Seed, LayoutOf(null, seedTalkerDirectory: true));

    [Fact]
    public void ASeedTreeWithASpeakerEncoderBesideItStaysSeed() =>
        Assert.Equal(ModelSetLayout.Seed, LayoutOf("""{"speaker_encoder_config": {"enc_dim": 32}}""", seedTalkerDirectory: true));

    [Fact]
    public void AConfigDescribingATalkerIsOfficialEvenBesideATalkerDirectory() =>
        Assert.Equal(ModelSetLayout.Official, LayoutOf("""{"talker_config": {}}""", seedTalkerDirectory: true));

    [Fact]
    public void WithoutASeedTreeABrokenConfigIsStillOfficialSoItsLoaderNamesTheFault() =>
        Assert.Equal(ModelSetLayout.Official, LayoutOf("{ not json", seedTalkerDirectory: false));

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
