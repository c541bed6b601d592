using System.Text;
using Qwen3Tts.Inference.Models.Store;

namespace Qwen3Tts.Inference.Pipeline;

/// <summary>
/// Several roles lack model files at once: one message with every role's missing files and a single command that
/// fetches them all, instead of one role per attempt.
/// </summary>
public sealed class ModelSetIncompleteException(IReadOnlyList<ModelFilesMissingException> roles) : Exception(Compose(roles))
{
    public IReadOnlyList<ModelFilesMissingException> Roles { get; } = roles;

    /// <summary>Runs every resolver; throws the one role's exception, or this one for several, after trying them all.</summary>
    public static void ThrowIfAnyMissing(params Action[] resolvers)
    {
        var missing = new List<ModelFilesMissingException>();
        foreach (var resolve in resolvers)
        {
            try
            {
                resolve();
            }
            catch (ModelFilesMissingException e)
            {
                missing.Add(e);
            }
        }
        if (missing.Count == 1)
        {
            throw missing[0];
        }
        if (missing.Count > 1)
        {
            throw new ModelSetIncompleteException(missing);
        }
    }

    private static string Compose(IReadOnlyList<ModelFilesMissingException> roles)
    {
        var directory = roles[0].ModelsDirectory;
        var text = new StringBuilder($"The model files of {roles.Count} roles ({string.Join(", ", roles.Select(r => r.Role.CliName()))}) are incomplete in {directory}:");
        foreach (var role in roles)
        {
            foreach (var file in role.Missing)
            {
                text.AppendLine();
                text.Append($"  - {role.Role.CliName()} {file.Name}: tried {string.Join(", ", file.CandidatePaths)}");
            }
        }
        text.AppendLine();
        text.Append($"Fix all at once: `qwen3-tts models pull --role all --models {directory}`, or write a synthetic test set with " +
                    $"`qwen3-tts models synth --preset tiny --out {directory}`. `qwen3-tts models list` shows what is present.");
        return text.ToString();
    }
}
