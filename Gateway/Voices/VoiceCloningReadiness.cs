using Qwen3Tts.Grains;

namespace Qwen3Tts.Gateway.Voices;

/// <summary>Cloning needs the vocoder role (the speech tokenizer's encoder) and the talker role (the speaker encoder), not the predictor.</summary>
public static class VoiceCloningReadiness
{
    public static readonly IReadOnlyList<string> Roles = [GrainRoles.Vocoder, GrainRoles.Talker];

    /// <summary>Refuses (503 naming the roles) when no live silo has one of them, before any clip is sent.</summary>
    public static void EnsureReady(ClusterReadiness readiness)
    {
        var missing = readiness.Check().Missing.Where(Roles.Contains).ToList();
        if (missing.Count > 0)
        {
            throw ClusterReadiness.Unavailable(missing);
        }
    }
}
