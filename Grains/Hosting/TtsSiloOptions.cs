using Qwen3Tts.Grains.Admission;
using Qwen3Tts.Inference.Checkpoints;
using Qwen3Tts.Inference.Predictor;
using Qwen3Tts.Inference.Sampling;
using Qwen3Tts.Inference.Talker;
using Qwen3Tts.Inference.Vocoder;

namespace Qwen3Tts.Grains.Hosting;

/// <summary>What one silo hosts and where its models are (bound from cluster.json / command line / environment).</summary>
public sealed class TtsSiloOptions
{
    /// <summary>Roles this silo declares (<see cref="GrainRoles"/>); the default is all of them (the single-machine mode).</summary>
    public List<string> Roles { get; set; } = [GrainRoles.Talker, GrainRoles.Predictor, GrainRoles.Vocoder, GrainRoles.Gateway];

    /// <summary>Models directory; null = the store default (<c>QWEN3_TTS_MODELS</c> or the XDG data dir).</summary>
    public string? ModelsDirectory { get; set; }

    /// <summary>
    /// Precision of an official snapshot's talker runtime GGUF and predictor weights (cluster.json <c>quant</c>,
    /// <c>--quant</c>): f32, bf16, f16, q8_0 (default) or q4_0.
    /// </summary>
    public WeightPrecision Quant { get; set; } = WeightPrecisionNames.Default;

    /// <summary>The EOS mode of requests that name none (cluster.json <c>eos</c>); null = official (seed with the seed's sampling).</summary>
    public EosMode? Eos { get; set; }

    public TalkerOptions Talker { get; set; } = new();

    public VocoderOptions Vocoder { get; set; } = new();

    /// <summary>How many requests may wait for a free talker KV sequence, and for how long.</summary>
    public TalkerQueueOptions TalkerQueue { get; set; } = new();

    public PredictorOptions Predictor { get; set; } = new();

    /// <summary>How long a shutting-down silo lets the requests under way finish.</summary>
    public TimeSpan DrainTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How the synthesis grains of this silo split long texts (cluster.json <c>longText</c>).</summary>
    public Inference.Pipeline.LongTextOptions LongText { get; set; } = new();

    public bool Has(string role) => Roles.Any(r => string.Equals(r.Trim(), role, StringComparison.OrdinalIgnoreCase));
}
