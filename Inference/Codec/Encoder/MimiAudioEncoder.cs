namespace Qwen3Tts.Inference.Codec.Encoder;

/// <summary>How the audio encoder runs: threads, and the SEANet chunk that bounds its memory.</summary>
public sealed record MimiEncoderOptions
{
    /// <summary>Threads for the products (1 = the calling thread only).</summary>
    public int Threads { get; init; } = Environment.ProcessorCount;

    /// <summary>
    /// Samples per SEANet chunk, a multiple of the SEANet hop (960). The causal convs carry their left context
    /// across chunks, so the result does not depend on it; 16 hops (0.64 s) keep the widest activation (64
    /// channels at 24 kHz) at ~4 MB instead of ~370 MB for a 60 s clip in one piece.
    /// </summary>
    public int ChunkSamples { get; init; } = 960 * 16;
}

/// <summary>Codes of one clip: [Frames][Codebooks] row-major, and the pre-quantisation latents [Frames][hidden].</summary>
public sealed record EncodedAudio(int[] Codes, int Frames, int Codebooks, float[] Latents, int LatentWidth);

/// <summary>
/// The speech tokenizer's audio encoder (Qwen3TTSTokenizerV2Model.encode on its MimiModel): 24 kHz mono samples
/// → SEANet (streamed in chunks) → 8-layer causal transformer → learned stride-2 downsample (replicate padding)
/// → split RVQ, first <c>encoder_valid_num_quantizers</c> codebooks, cut to ceil(samples / 1920) frames.
/// Weights are read once into memory (~185 MB for the release; the 16 codebooks never used are not read).
/// Thread-safe: each call has its own buffers.
/// </summary>
public sealed class MimiAudioEncoder
{
    private readonly SeanetEncoder _seanet;
    private readonly EncoderTransformer _transformer;
    private readonly CausalConv? _downsample;
    private readonly EncoderQuantizer _quantizer;
    private readonly MimiEncoderOptions _options;

    private MimiAudioEncoder(MimiEncoderConfig config, SeanetEncoder seanet, EncoderTransformer transformer, CausalConv? downsample,
        EncoderQuantizer quantizer, MimiEncoderOptions options, string path)
    {
        Config = config;
        _seanet = seanet;
        _transformer = transformer;
        _downsample = downsample;
        _quantizer = quantizer;
        _options = options;
        Path = path;
    }

    public MimiEncoderConfig Config { get; }

    /// <summary>The safetensors file the weights came from.</summary>
    public string Path { get; }

    public int SampleRate => Config.SampleRate;

    public int SamplesPerFrame => Config.SamplesPerFrame;

    public int Codebooks => Config.ValidQuantizers;

    /// <summary>Multiply-adds per second of audio (for the benchmark's GFLOP/s line).</summary>
    public double MultiplyAddsPerSecond =>
        _seanet.MultiplyAddsPerSample * SampleRate
        + _transformer.MultiplyAddsPerRow * (double)SampleRate / _seanet.Hop
        + (_downsample?.MultiplyAddsPerOutputRow ?? 0) * Config.FrameRate
        + _quantizer.MultiplyAddsPerFrame * Config.FrameRate;

    /// <summary>Frames the official encode keeps for a clip: ceil(samples / samples per frame), the partial last one included.</summary>
    public int FramesFor(long samples) => (int)((samples + SamplesPerFrame - 1) / SamplesPerFrame);

    public static MimiAudioEncoder Load(string safetensorsPath, MimiEncoderOptions? options = null)
    {
        using var checkpoint = MimiEncoderCheckpoint.Open(safetensorsPath);
        return Load(checkpoint, options);
    }

    public static MimiAudioEncoder Load(MimiEncoderCheckpoint checkpoint, MimiEncoderOptions? options = null)
    {
        options ??= new MimiEncoderOptions();
        var c = checkpoint.Config;
        if (options.Threads < 1)
        {
            throw new ArgumentException($"encoder threads must be at least 1, got {options.Threads}");
        }
        if (options.ChunkSamples <= 0 || options.ChunkSamples % c.SeanetHop != 0)
        {
            throw new ArgumentException($"the encoder chunk ({options.ChunkSamples} samples) must be a positive multiple of the SEANet hop {c.SeanetHop}");
        }
        var padding = c.PadMode == "replicate" ? ConvPadding.Replicate : ConvPadding.Constant;
        CausalConv Conv(SeanetConv s) => new(checkpoint.Read(s.Prefix + ".weight"), checkpoint.Read(s.Prefix + ".bias"),
            s.InChannels, s.OutChannels, s.Kernel, s.Stride, s.Dilation, padding);

        var seanet = new SeanetEncoder(
            Conv(MimiEncoderTensors.FirstConv(c)),
            MimiEncoderTensors.Stages(c).Select(s => new SeanetStageConvs(
                s.ResidualBlocks.Select(b => (Conv(b.Expand), Conv(b.Project))).ToArray(), Conv(s.Downsample))).ToArray(),
            Conv(MimiEncoderTensors.LastConv(c)));

        var layers = Enumerable.Range(0, c.TransformerLayers).Select(i =>
        {
            float[] R(string t) => checkpoint.Read(MimiEncoderTensors.Layer(i, t));
            float[]? B(string t) => c.AttentionBias ? R(t) : null;
            return new EncoderTransformerLayer(
                R("input_layernorm.weight"), R("input_layernorm.bias"),
                R("self_attn.q_proj.weight"), R("self_attn.k_proj.weight"), R("self_attn.v_proj.weight"), R("self_attn.o_proj.weight"),
                B("self_attn.q_proj.bias"), B("self_attn.k_proj.bias"), B("self_attn.v_proj.bias"), B("self_attn.o_proj.bias"),
                R("self_attn_layer_scale.scale"),
                R("post_attention_layernorm.weight"), R("post_attention_layernorm.bias"),
                R("mlp.fc1.weight"), R("mlp.fc2.weight"),
                R("mlp_layer_scale.scale"));
        }).ToArray();

        var downsample = c.HasDownsample
            ? new CausalConv(checkpoint.Read(MimiEncoderTensors.DownsampleWeight), null, c.HiddenSize, c.HiddenSize,
                c.DownsampleKernel, c.DownsampleStride, 1, ConvPadding.Replicate)
            : null;

        EncoderCodebook Book(bool semantic, int layer) => new(
            checkpoint.Read(MimiEncoderTensors.Codebook(semantic, layer, "embed_sum")),
            checkpoint.Read(MimiEncoderTensors.Codebook(semantic, layer, "cluster_usage")),
            c.CodebookSize, c.CodebookDim);
        float[]? Projection(bool semantic) => MimiEncoderTensors.HasProjections(c)
            ? checkpoint.Read(MimiEncoderTensors.Quantizer(semantic) + ".input_proj.weight")
            : null;
        var semanticKept = Math.Min(c.SemanticQuantizers, c.ValidQuantizers);
        var quantizer = new EncoderQuantizer(
            Projection(true), Projection(false),
            Enumerable.Range(0, semanticKept).Select(l => Book(true, l)).ToArray(),
            Enumerable.Range(0, c.ValidQuantizers - semanticKept).Select(l => Book(false, l)).ToArray(),
            c.HiddenSize, c.VectorQuantizationHiddenDimension);

        return new MimiAudioEncoder(c, seanet, new EncoderTransformer(c, layers), downsample, quantizer, options, checkpoint.Path);
    }

    /// <summary>Encodes 24 kHz mono samples (already resampled; see <c>Audio/Resampling</c>).</summary>
    public EncodedAudio Encode(ReadOnlySpan<float> samples, CancellationToken cancellationToken = default)
    {
        var threads = _options.Threads;
        var stream = _seanet.Open();
        var chunk = _options.ChunkSamples;
        var offset = 0;
        do
        {
            cancellationToken.ThrowIfCancellationRequested();
            var length = Math.Min(chunk, samples.Length - offset);
            stream.Push(samples.Slice(offset, length), offset + length == samples.Length, threads);
            offset += length;
        }
        while (offset < samples.Length);

        var rows = stream.RowCount;
        var hidden = Config.HiddenSize;
        var x = stream.Rows;
        cancellationToken.ThrowIfCancellationRequested();
        _transformer.Forward(x, rows, threads);
        cancellationToken.ThrowIfCancellationRequested();

        float[] latents;
        int frames;
        if (_downsample is null)
        {
            latents = x.AsSpan(0, rows * hidden).ToArray();
            frames = rows;
        }
        else
        {
            var (down, downRows) = new CausalConvStream(_downsample).Push(x.AsSpan(0, rows * hidden), rows, last: true, elu: false, threads);
            latents = down.AsSpan(0, downRows * hidden).ToArray();
            frames = downRows;
        }

        var expected = FramesFor(samples.Length);
        if (frames != expected)
        {
            throw new InvalidOperationException($"the encoder produced {frames} frames for {samples.Length} samples, expected {expected}");
        }
        var codes = _quantizer.Encode(latents, frames, threads);
        return new EncodedAudio(codes, frames, _quantizer.Codebooks, latents, hidden);
    }
}
