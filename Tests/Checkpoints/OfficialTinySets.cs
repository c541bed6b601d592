using System.Collections.Concurrent;
using Qwen3Tts.Inference.Checkpoints;
using Qwen3Tts.Inference.Models;
using Qwen3Tts.Inference.Models.Store;
using Qwen3Tts.Inference.Pipeline;
using Qwen3Tts.Inference.Synthetic;
using Qwen3Tts.Inference.Talker;
using Qwen3Tts.Tests.Oracle;

namespace Qwen3Tts.Tests.Checkpoints;

/// <summary>
/// Tiny official-layout snapshots of every variant, written once: Base, CustomVoice and VoiceDesign with the tiny
/// preset (1.7B-shaped: the predictor is narrower than the talker, so small_to_mtp_projection runs), and a
/// 0.6B-shaped CustomVoice (tts_model_size "0b6", predictor as wide as the talker, no projection).
/// </summary>
public sealed class OfficialTinySets : IAsyncLifetime
{
    public const int Seed = 99;

    private readonly string _root = Path.Combine(Path.GetTempPath(), $"qwen3tts-official-{Guid.NewGuid():N}");
    private readonly ConcurrentDictionary<(string, WeightPrecision), Lazy<LocalTtsModels>> _models = new();
    private readonly ConcurrentDictionary<string, Lazy<OfficialReference>> _oracles = new();

    /// <summary>A set loaded once per precision (f32 also keeps the talker KV cache in f32), shared by the tests.</summary>
    public LocalTtsModels Models(string set, WeightPrecision quant = WeightPrecision.F32) =>
        _models.GetOrAdd((set, quant), key => new Lazy<LocalTtsModels>(() =>
            LocalTtsModels.Load(Store(key.Item1), new TalkerOptions { Quant = key.Item2, MaxSequences = 2, ContextPerSequence = 512 }))).Value;

    /// <summary>The plain reference of the official code on a set's weights.</summary>
    public OfficialReference Oracle(string set) => _oracles.GetOrAdd(set, s => new Lazy<OfficialReference>(() => new OfficialReference(s))).Value;

    public static ModelStore Store(string set) => new(new ModelStoreOptions { ModelsDirectory = set });

    public static OfficialSyntheticPreset Tiny06B { get; } = OfficialSyntheticPreset.Tiny with
    {
        Name = "tiny-0.6b",
        SizeTag = "0b6",
        Predictor = OfficialSyntheticPreset.Tiny.Predictor with { HiddenSize = 64, FeedForwardSize = 128 },
    };

    public string Base => Path.Combine(_root, "base");

    public string CustomVoice => Path.Combine(_root, "custom-voice");

    public string VoiceDesign => Path.Combine(_root, "voice-design");

    public string CustomVoice06B => Path.Combine(_root, "custom-voice-0b6");

    /// <summary>A fresh copy of a set, for tests that change or damage files.</summary>
    public string Copy(string set, string name)
    {
        var target = Path.Combine(_root, "copies", $"{name}-{Guid.NewGuid():N}");
        foreach (var file in Directory.EnumerateFiles(set, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(set, file);
            if (relative.StartsWith(".runtime", StringComparison.Ordinal))
            {
                continue;
            }
            var destination = Path.Combine(target, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(file, destination);
        }
        return target;
    }

    public async Task InitializeAsync()
    {
        await OfficialSyntheticKit.WriteAsync(Base, OfficialSyntheticPreset.Tiny, ModelVariant.Base, Seed);
        await OfficialSyntheticKit.WriteAsync(CustomVoice, OfficialSyntheticPreset.Tiny, ModelVariant.CustomVoice, Seed);
        await OfficialSyntheticKit.WriteAsync(VoiceDesign, OfficialSyntheticPreset.Tiny, ModelVariant.VoiceDesign, Seed);
        await OfficialSyntheticKit.WriteAsync(CustomVoice06B, Tiny06B, ModelVariant.CustomVoice, Seed);
    }

    public Task DisposeAsync()
    {
        foreach (var models in _models.Values.Where(m => m.IsValueCreated))
        {
            models.Value.Dispose();
        }
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
        }
        return Task.CompletedTask;
    }
}

[CollectionDefinition(Name)]
public sealed class OfficialTinySetsCollection : ICollectionFixture<OfficialTinySets>
{
    public const string Name = "tiny official snapshots";
}
