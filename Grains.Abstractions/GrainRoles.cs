namespace Qwen3Tts.Grains;

/// <summary>The worker roles a silo can host; the names are what cluster.json and --roles use.</summary>
public static class GrainRoles
{
    public const string Talker = "talker";
    public const string Predictor = "predictor";
    public const string Vocoder = "vocoder";
    public const string Gateway = "gateway";
}
