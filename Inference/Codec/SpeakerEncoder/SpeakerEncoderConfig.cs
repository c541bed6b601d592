using System.Globalization;
using System.Text.Json;

namespace Qwen3Tts.Inference.Codec.SpeakerEncoder;

/// <summary>
/// The ECAPA-TDNN speaker encoder's dimensions: the `speaker_encoder_config` object of a Base
/// checkpoint's config.json (qwen3-tts-model.md §5). The published files only carry `enc_dim` and
/// `sample_rate`; every other field takes the official config class's default, as here.
/// </summary>
public sealed record SpeakerEncoderConfig
{
    /// <summary>The mel bands the official front end computes; the network's input width must equal it.</summary>
    public const int FrontEndMelBands = 128;

    public int MelDim { get; init; } = FrontEndMelBands;

    /// <summary>The x-vector length: the talker's hidden size (1024 for 0.6B-Base, 2048 for 1.7B-Base).</summary>
    public int EncDim { get; init; } = 1024;

    /// <summary>Block 0 (TDNN), the SE-Res2Net blocks, then the multi-layer feature aggregation.</summary>
    public IReadOnlyList<int> Channels { get; init; } = [512, 512, 512, 512, 1536];

    public IReadOnlyList<int> KernelSizes { get; init; } = [5, 3, 3, 3, 1];

    public IReadOnlyList<int> Dilations { get; init; } = [1, 2, 3, 4, 1];

    public int AttentionChannels { get; init; } = 128;

    public int Res2NetScale { get; init; } = 8;

    public int SeChannels { get; init; } = 128;

    public int SampleRate { get; init; } = 24000;

    /// <summary>The published network with the given x-vector length.</summary>
    public static SpeakerEncoderConfig Official(int encDim) => new() { EncDim = encDim };

    /// <summary>The real structure (kernels, dilations, scale 8, 128 mels) at toy widths, for tests.</summary>
    public static SpeakerEncoderConfig Tiny(int encDim) => new()
    {
        EncDim = encDim,
        Channels = [16, 16, 16, 16, 48],
        AttentionChannels = 8,
        SeChannels = 8,
    };

    /// <summary>Number of SE-Res2Net blocks (between block 0 and the aggregation).</summary>
    public int SeRes2NetBlocks => Channels.Count - 2;

    /// <summary>Reads a `speaker_encoder_config` object; absent fields keep the official defaults.</summary>
    public static SpeakerEncoderConfig FromJson(JsonElement element, string sourcePath)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new ModelFormatException("speaker_encoder_config must be a JSON object", sourcePath);
        }
        var config = new SpeakerEncoderConfig();
        int Int(string key, int fallback) => element.TryGetProperty(key, out var v)
            ? v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var i) ? i
                : throw new ModelFormatException($"speaker_encoder_config.{key} must be an integer, found {v.GetRawText()}", sourcePath)
            : fallback;
        IReadOnlyList<int> List(string key, IReadOnlyList<int> fallback)
        {
            if (!element.TryGetProperty(key, out var v))
            {
                return fallback;
            }
            if (v.ValueKind != JsonValueKind.Array)
            {
                throw new ModelFormatException($"speaker_encoder_config.{key} must be a list of integers, found {v.GetRawText()}", sourcePath);
            }
            var list = new List<int>();
            foreach (var item in v.EnumerateArray())
            {
                list.Add(item.ValueKind == JsonValueKind.Number && item.TryGetInt32(out var i) ? i
                    : throw new ModelFormatException($"speaker_encoder_config.{key} must be a list of integers, found {v.GetRawText()}", sourcePath));
            }
            return list;
        }
        config = config with
        {
            MelDim = Int("mel_dim", config.MelDim),
            EncDim = Int("enc_dim", config.EncDim),
            Channels = List("enc_channels", config.Channels),
            KernelSizes = List("enc_kernel_sizes", config.KernelSizes),
            Dilations = List("enc_dilations", config.Dilations),
            AttentionChannels = Int("enc_attention_channels", config.AttentionChannels),
            Res2NetScale = Int("enc_res2net_scale", config.Res2NetScale),
            SeChannels = Int("enc_se_channels", config.SeChannels),
            SampleRate = Int("sample_rate", config.SampleRate),
        };
        config.Validate(sourcePath);
        return config;
    }

    /// <summary>
    /// Writes the `speaker_encoder_config` object as the published config.json has it: `enc_dim` and
    /// `sample_rate`, plus every field that differs from the official default (so a tiny set reads back the same).
    /// </summary>
    public void WriteJson(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        var defaults = new SpeakerEncoderConfig();
        writer.WriteStartObject();
        writer.WriteNumber("enc_dim", EncDim);
        writer.WriteNumber("sample_rate", SampleRate);
        void Int(string key, int value, int fallback)
        {
            if (value != fallback)
            {
                writer.WriteNumber(key, value);
            }
        }
        void List(string key, IReadOnlyList<int> value, IReadOnlyList<int> fallback)
        {
            if (!value.SequenceEqual(fallback))
            {
                writer.WriteStartArray(key);
                foreach (var v in value)
                {
                    writer.WriteNumberValue(v);
                }
                writer.WriteEndArray();
            }
        }
        Int("mel_dim", MelDim, defaults.MelDim);
        List("enc_channels", Channels, defaults.Channels);
        List("enc_kernel_sizes", KernelSizes, defaults.KernelSizes);
        List("enc_dilations", Dilations, defaults.Dilations);
        Int("enc_attention_channels", AttentionChannels, defaults.AttentionChannels);
        Int("enc_res2net_scale", Res2NetScale, defaults.Res2NetScale);
        Int("enc_se_channels", SeChannels, defaults.SeChannels);
        writer.WriteEndObject();
    }

    /// <summary>Refuses dimensions the official network cannot be built with, naming the field.</summary>
    public void Validate(string? sourcePath = null)
    {
        string? problem = null;
        if (Channels.Count != KernelSizes.Count || Channels.Count != Dilations.Count)
        {
            problem = $"enc_channels ({Channels.Count}), enc_kernel_sizes ({KernelSizes.Count}) and enc_dilations ({Dilations.Count}) must have the same length";
        }
        else if (Channels.Count < 3)
        {
            problem = $"enc_channels needs at least 3 entries (block 0, one SE-Res2Net block, the aggregation), found {Channels.Count}";
        }
        else if (MelDim != FrontEndMelBands)
        {
            problem = $"mel_dim is {MelDim}; the speaker encoder's front end computes {FrontEndMelBands} mel bands";
        }
        else if (SampleRate != 24000)
        {
            problem = $"sample_rate is {SampleRate}; the speaker encoder's front end is defined at 24000 Hz";
        }
        else if (EncDim <= 0 || AttentionChannels <= 0 || SeChannels <= 0 || Res2NetScale < 2)
        {
            problem = $"enc_dim ({EncDim}), enc_attention_channels ({AttentionChannels}) and enc_se_channels ({SeChannels}) must be positive and enc_res2net_scale ({Res2NetScale}) at least 2";
        }
        else if (Channels.Any(c => c <= 0) || KernelSizes.Any(k => k <= 0) || Dilations.Any(d => d <= 0))
        {
            problem = $"enc_channels [{Join(Channels)}], enc_dilations [{Join(Dilations)}] and enc_kernel_sizes [{Join(KernelSizes)}] must be positive";
        }
        else
        {
            for (var i = 1; i < Channels.Count - 1; i++)
            {
                if (Channels[i] % Res2NetScale != 0 || Channels[i - 1] != Channels[i])
                {
                    problem = $"SE-Res2Net block {i} maps {Channels[i - 1]} to {Channels[i]} channels; it needs equal widths (residual) divisible by enc_res2net_scale {Res2NetScale}";
                    break;
                }
            }
            var concatenated = Channels.Skip(1).Take(Channels.Count - 2).Sum();
            if (problem is null && concatenated != Channels[^1])
            {
                problem = $"the aggregation takes the {Channels.Count - 2} SE-Res2Net outputs ({concatenated} channels) but enc_channels[-1] is {Channels[^1]}";
            }
        }
        if (problem is not null)
        {
            throw new ModelFormatException("speaker_encoder_config: " + problem, sourcePath);
        }
    }

    /// <summary>Records compare lists by reference; configs compare by value.</summary>
    public bool Equals(SpeakerEncoderConfig? other) =>
        other is not null && MelDim == other.MelDim && EncDim == other.EncDim
        && Channels.SequenceEqual(other.Channels) && KernelSizes.SequenceEqual(other.KernelSizes)
        && Dilations.SequenceEqual(other.Dilations) && AttentionChannels == other.AttentionChannels
        && Res2NetScale == other.Res2NetScale && SeChannels == other.SeChannels && SampleRate == other.SampleRate;

    public override int GetHashCode() => HashCode.Combine(MelDim, EncDim, Channels.Count, Channels[^1], AttentionChannels, Res2NetScale, SeChannels);

    private static string Join(IReadOnlyList<int> values) => string.Join(", ", values.Select(v => v.ToString(CultureInfo.InvariantCulture)));
}
