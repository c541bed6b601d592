using Qwen3Tts.Inference.Vocoder;

namespace Qwen3Tts.Inference.Models.Store;

/// <summary>
/// Finds each role's files in the local models tree using the seed's search orders, and fails
/// with one message that lists everything missing rather than the first file a loader trips on.
/// </summary>
public sealed class ModelStore(ModelStoreOptions options)
{
    public ModelStoreOptions Options { get; } = options;

    /// <summary>Seed tree or official snapshot (decided by a config.json at the root).</summary>
    public ModelSetLayout Layout => OfficialModelLayout.IsOfficial(Options.ModelsDirectory) ? ModelSetLayout.Official : ModelSetLayout.Seed;

    /// <summary>The official snapshot's files; throws listing what is missing (or that this is a seed tree).</summary>
    public OfficialFiles ResolveOfficial()
    {
        if (Layout != ModelSetLayout.Official)
        {
            throw new ModelFormatException("not an official Qwen3-TTS snapshot: there is no config.json", Path.Combine(Options.ModelsDirectory, OfficialModelLayout.Config));
        }
        var talker = Resolve(ModelRole.Talker);
        return new OfficialFiles(
            Options.ModelsDirectory,
            talker.Required(OfficialModelLayout.Config),
            talker.Optional(OfficialModelLayout.GenerationConfig),
            talker.Required(OfficialModelLayout.Weights),
            talker.Required(OfficialModelLayout.Vocab),
            talker.Required(OfficialModelLayout.Merges),
            talker.Required(OfficialModelLayout.TokenizerConfig),
            talker.Required(OfficialModelLayout.SpeechTokenizerWeights));
    }

    public TalkerFiles ResolveTalker()
    {
        RequireSeedLayout();
        var found = Resolve(ModelRole.Talker);
        return new TalkerFiles(
            RoleDirectory(ModelRole.Talker),
            found.Required(ModelLayout.TalkerGguf),
            found.Required(ModelLayout.Tokenizer),
            found.Required(ModelLayout.TextEmbedding),
            found.Required(ModelLayout.TextProjectionFc1Weight),
            found.Required(ModelLayout.TextProjectionFc1Bias),
            found.Required(ModelLayout.TextProjectionFc2Weight),
            found.Required(ModelLayout.TextProjectionFc2Bias),
            found.Required(ModelLayout.CodecEmbedding),
            found.Required(ModelLayout.CodecHead),
            found.Optional(ModelLayout.TtsPadEmbedding),
            found.Optional(ModelLayout.CodePredictorWeights));
    }

    public PredictorFiles ResolvePredictor()
    {
        RequireSeedLayout();
        var found = Resolve(ModelRole.Predictor);
        return new PredictorFiles(
            RoleDirectory(ModelRole.Predictor),
            found.Required(ModelLayout.PredictorGguf),
            found.Required(ModelLayout.CodecEmbedding),
            found.Optional(ModelLayout.TtsPadEmbedding),
            found.Optional(ModelLayout.CodePredictorWeights));
    }

    /// <summary>The vocoder files of <paramref name="engine"/>, whatever this store's options say.</summary>
    public VocoderFiles ResolveVocoder(VocoderEngine engine) =>
        engine == Options.Vocoder ? ResolveVocoder() : new ModelStore(Options.WithVocoder(engine)).ResolveVocoder();

    /// <summary>The vocoder files of <see cref="ModelStoreOptions.Vocoder"/>'s engine.</summary>
    public VocoderFiles ResolveVocoder()
    {
        var found = Resolve(ModelRole.Vocoder);
        return Options.Vocoder == VocoderEngine.Onnx
            ? new VocoderFiles(VocoderEngine.Onnx, found.Required(ModelLayout.VocoderOnnx))
            : new VocoderFiles(VocoderEngine.Native, found.Required(ModelLayout.SpeechTokenizerWeights));
    }

    public SpeechTokenizerFiles ResolveSpeechTokenizer() =>
        new(Resolve(ModelRole.SpeechTokenizer).Required(ModelLayout.SpeechTokenizerWeights));

    /// <summary>Every file the role expects, in load order, with presence and size.</summary>
    public IReadOnlyList<ModelFileStatus> Inspect(ModelRole role)
    {
        var official = Layout == ModelSetLayout.Official;
        var manifest = official ? [] : ModelManifest.FilesFor(role, Options.Quant, Options.Vocoder);
        var statuses = new List<ModelFileStatus>();
        foreach (var slot in official ? OfficialModelLayout.SlotsFor(role, Options.Vocoder) : ModelLayout.SlotsFor(role, Options.Quant, Options.Vocoder))
        {
            var candidates = slot.Candidates.Select(LocalPath).ToArray();
            var foundAt = Array.FindIndex(candidates, File.Exists);
            if (foundAt >= 0)
            {
                var path = candidates[foundAt];
                statuses.Add(new ModelFileStatus(slot.Name, slot.Required, true, path, new FileInfo(path).Length, candidates, slot.WhenMissing));
            }
            else
            {
                // Point at where `models pull` would put it, which is not always the first candidate.
                var pulledAs = slot.Candidates.FirstOrDefault(manifest.Contains) ?? slot.Candidates[0];
                statuses.Add(new ModelFileStatus(slot.Name, slot.Required, false, LocalPath(pulledAs), null, candidates, slot.WhenMissing));
            }
        }

        return statuses;
    }

    /// <summary>True when every required file of the role is present.</summary>
    public bool IsComplete(ModelRole role) => Inspect(role).All(file => file.Present || !file.Required);

    /// <summary>Absolute local path of a repo-relative path (forward slashes).</summary>
    public string LocalPath(string repoPath) => LocalPath(Options.ModelsDirectory, repoPath);

    internal static string LocalPath(string modelsDirectory, string repoPath) =>
        Path.Combine(modelsDirectory, repoPath.Replace('/', Path.DirectorySeparatorChar));

    private void RequireSeedLayout()
    {
        if (Layout == ModelSetLayout.Official)
        {
            throw new InvalidOperationException($"{Options.ModelsDirectory} is an official snapshot; load it with ResolveOfficial()");
        }
    }

    private string RoleDirectory(ModelRole role) => Path.Combine(Options.ModelsDirectory, role.DirectoryName());

    private ResolvedSlots Resolve(ModelRole role)
    {
        var statuses = Inspect(role);
        var missing = statuses.Where(file => file.Required && !file.Present).ToArray();
        if (missing.Length > 0)
        {
            throw new ModelFilesMissingException(role, Options.ModelsDirectory, missing, Options.Quant, Options.Vocoder,
                Layout == ModelSetLayout.Official ? OfficialModelLayout.Fix(Options.ModelsDirectory, missing) : null);
        }

        return new ResolvedSlots(statuses);
    }

    private sealed class ResolvedSlots(IReadOnlyList<ModelFileStatus> statuses)
    {
        public string Required(string name) => Optional(name)
            ?? throw new InvalidOperationException($"model layout has no present slot named '{name}'");

        public string? Optional(string name) =>
            statuses.Single(file => file.Name == name) is { Present: true } file ? file.Path : null;
    }
}
