using Qwen3Tts.Inference.Models.Store;
using Qwen3Tts.Inference.Pipeline;
using Qwen3Tts.Inference.Synthetic;

namespace Qwen3Tts.Tests.Pipeline;

/// <summary>A tiny synthetic model set written once into a temp directory, and loaded once on first use.</summary>
public sealed class TinyModelsFixture : IAsyncLifetime
{
    public const int WeightSeed = 4242;

    private LocalTtsModels? _models;

    public string Directory { get; } = Path.Combine(Path.GetTempPath(), $"qwen3tts-tiny-{Guid.NewGuid():N}");

    /// <summary>The loaded set, shared by the tests; <see cref="SpeechSynthesizer"/> is thread-safe.</summary>
    public LocalTtsModels Models => _models ??= Load();

    public ModelStore Store(string? directory = null) => new(new ModelStoreOptions { ModelsDirectory = directory ?? Directory });

    public LocalTtsModels Load(Inference.Talker.TalkerOptions? talker = null) => LocalTtsModels.Load(Store(), talker);

    /// <summary>A full copy of the set, for tests that damage files.</summary>
    public string CopyTo(string target)
    {
        foreach (var file in System.IO.Directory.EnumerateFiles(Directory, "*", SearchOption.AllDirectories))
        {
            var destination = Path.Combine(target, Path.GetRelativePath(Directory, file));
            System.IO.Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(file, destination);
        }
        return target;
    }

    public Task InitializeAsync() => SyntheticModelKit.WriteAsync(Directory, SyntheticPreset.Tiny, WeightSeed);

    public Task DisposeAsync()
    {
        _models?.Dispose();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
        return Task.CompletedTask;
    }
}

[CollectionDefinition(Name)]
public sealed class TinyModelsCollection : ICollectionFixture<TinyModelsFixture>
{
    public const string Name = "tiny synthetic models";
}
