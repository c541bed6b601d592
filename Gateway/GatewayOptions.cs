using Qwen3Tts.Gateway.Admission;
using Qwen3Tts.Inference.Voices;
using Qwen3Tts.Inference.Voices.Cloning;

namespace Qwen3Tts.Gateway;

/// <summary>The <c>gateway</c> section of cluster.json: where the HTTP API listens and what it accepts.</summary>
public sealed class GatewayOptions
{
    public const string DefaultUrls = "http://127.0.0.1:8080";

    /// <summary>Kestrel URLs, separated by ';' (loopback by default, so nothing is exposed until asked for).</summary>
    public string Urls { get; set; } = DefaultUrls;

    /// <summary>The named voices (<c>NAME.json</c> / <c>NAME.npy</c>) requests may ask for; a leading <c>~/</c> is the home directory.</summary>
    public string VoicesDirectory { get; set; } = "~/.local/share/qwen3-tts/voices";

    /// <summary>
    /// Accepted API keys (Bearer on /v1, Bearer or the Basic password on /dashboard); with none here and none in
    /// <see cref="ApiKeysVariable"/>, the API and the dashboard are open.
    /// </summary>
    public List<string> ApiKeys { get; set; } = [];

    /// <summary>Environment variable with more keys (comma-separated), so cluster.json need not hold secrets.</summary>
    public string ApiKeysVariable { get; set; } = "QWEN3_TTS_API_KEYS";

    /// <summary>
    /// Other names for voices, such as OpenAI's: <c>{"alloy": "narrator", "nova": "default"}</c>. Every OpenAI voice
    /// name not listed here is the model's own voice, so OpenAI clients work unchanged.
    /// </summary>
    public Dictionary<string, string> VoiceAliases { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Longest input accepted. OpenAI stops at 4096; a local server takes more, because long texts are spoken
    /// sentence by sentence (chunks of bounded length), never cut off.
    /// </summary>
    public int MaxInputCharacters { get; set; } = 16_384;

    /// <summary>
    /// The response_format of a request without one: wav, pcm, flac, opus, mp3 or aac. Unset: mp3 (OpenAI's default)
    /// when ffmpeg with libmp3lame is there, else wav.
    /// </summary>
    public string? DefaultResponseFormat { get; set; }

    /// <summary>
    /// Web origins (<c>https://app.example.com</c>, or <c>*</c>) whose pages may call the API from a browser (CORS):
    /// their preflights are answered and their responses readable. Empty (the default): no cross-origin access.
    /// </summary>
    public List<string> CorsOrigins { get; set; } = [];

    /// <summary>The ffmpeg that encodes mp3 and aac; unset: $QWEN3_TTS_FFMPEG, else ffmpeg on PATH.</summary>
    public string? FfmpegPath { get; set; }

    /// <summary>The bounded queue of speech requests (429 / 503 with Retry-After beyond it).</summary>
    public AdmissionOptions Admission { get; set; } = new();

    /// <summary>
    /// Serve /dashboard (silos, grains and a live stream of the logs) to other machines when no API key is configured.
    /// Off by default: without keys the dashboard answers loopback clients only, so <c>--host 0.0.0.0</c> does not
    /// publish the logs to the LAN.
    /// </summary>
    public bool AllowOpenDashboard { get; set; }

    public long MaxRequestBytes { get; set; } = 1024 * 1024;

    /// <summary>What a reference clip may be, uploaded (POST /v1/voices) or sent as a speech request's ref_audio.</summary>
    public CloneLimits Cloning { get; set; } = new();

    /// <summary>Bounds of the voice library: how many voices, how large a voice file.</summary>
    public VoiceLibraryOptions VoiceLibrary { get; set; } = new();

    /// <summary>
    /// The largest body a request may have: <see cref="MaxRequestBytes"/> plus a clip of
    /// <see cref="CloneLimits.MaxUploadBytes"/> in base64 (ref_audio), which also bounds a multipart upload.
    /// </summary>
    public long MaxBodyWithClipBytes => MaxRequestBytes + ReferenceAudioBytes.MaxEncodedLength(Cloning.MaxUploadBytes);

    /// <summary>
    /// What the HTTP server itself accepts: twice <see cref="MaxRequestBytes"/>, so a body a little over the limit
    /// can be read to its end and answered with a clean 413; beyond this the server stops reading.
    /// </summary>
    public static long ServerBodyLimit(long maxRequestBytes) => maxRequestBytes > long.MaxValue / 2 ? long.MaxValue : maxRequestBytes * 2;

    /// <summary>Every configured key: <see cref="ApiKeys"/> plus the variable's.</summary>
    public IReadOnlySet<string> ResolveApiKeys()
    {
        var fromVariable = Environment.GetEnvironmentVariable(ApiKeysVariable) ?? string.Empty;
        return ApiKeys.Concat(fromVariable.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            .Select(key => key.Trim())
            .Where(key => key.Length > 0)
            .ToHashSet(StringComparer.Ordinal);
    }

    public string ResolveVoicesDirectory() => Inference.Models.Store.ModelStoreOptions.ExpandHome(VoicesDirectory);

    /// <summary>The same URLs on another port (<c>--port</c>): the configured hosts stay, so a board keeps its address.</summary>
    public void UsePort(int port)
    {
        if (port is < 0 or > 65535)
        {
            throw new ArgumentException($"--port {port} is not a TCP port (0..65535)");
        }
        Urls = string.Join(';', Urls.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(url => WithPort(url, port)));
    }

    /// <summary>The configured URLs whose host is not a loopback address (0.0.0.0, *, +, ::, a LAN address): reachable from other machines.</summary>
    public IReadOnlyList<string> NetworkUrls() =>
        [.. Urls.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Where(url => !IsLoopbackUrl(url))];

    private static bool IsLoopbackUrl(string url)
    {
        var schemeEnd = url.IndexOf("://", StringComparison.Ordinal);
        var rest = schemeEnd < 0 ? url : url[(schemeEnd + 3)..];
        var authority = rest.Split('/')[0];
        var portColon = authority.LastIndexOf(':');
        var host = (portColon > authority.LastIndexOf(']') ? authority[..portColon] : authority).Trim('[', ']');
        return string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase)
            || (System.Net.IPAddress.TryParse(host, out var address) && System.Net.IPAddress.IsLoopback(address));
    }

    // Text surgery rather than UriBuilder: Kestrel URLs may use hosts Uri rejects ("http://*:8080", "http://+:8080").
    private static string WithPort(string url, int port)
    {
        var schemeEnd = url.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd < 0)
        {
            throw new ArgumentException($"gateway URL '{url}' has no scheme; write it like http://127.0.0.1:8080");
        }
        var hostStart = schemeEnd + 3;
        var pathStart = url.IndexOf('/', hostStart);
        var authority = pathStart < 0 ? url[hostStart..] : url[hostStart..pathStart];
        var portColon = authority.LastIndexOf(':');
        var host = portColon > authority.LastIndexOf(']') ? authority[..portColon] : authority;
        return $"{url[..hostStart]}{host}:{port}{(pathStart < 0 ? "" : url[pathStart..])}";
    }

    /// <summary>Fails at startup, not at the first request, when a limit is nonsense.</summary>
    public void Validate()
    {
        if (MaxInputCharacters <= 0)
        {
            throw new ArgumentException($"gateway.maxInputCharacters must be positive, got {MaxInputCharacters}");
        }
        if (MaxRequestBytes <= 0)
        {
            throw new ArgumentException($"gateway.maxRequestBytes must be positive, got {MaxRequestBytes}");
        }
        foreach (var (alias, voice) in VoiceAliases)
        {
            if (!Inference.Voices.VoiceLibrary.IsValidName(alias.Trim()) || !Inference.Voices.VoiceLibrary.IsValidName(voice.Trim()))
            {
                throw new ArgumentException($"gateway.voiceAliases '{alias}': '{voice}' must map a voice name to a voice name (letters, digits, '-', '_', '.')");
            }
        }
        foreach (var origin in CorsOrigins)
        {
            if (origin != "*" && !(Uri.TryCreate(origin, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" && uri.AbsolutePath == "/" && !origin.EndsWith('/')))
            {
                throw new ArgumentException($"gateway.corsOrigins '{origin}' is not an origin; write it as scheme://host[:port] (https://app.example.com) or *");
            }
        }
        if (DefaultResponseFormat is { } format && !Inference.Audio.Encoders.SpeechFormats.TryParse(format, out _))
        {
            throw new ArgumentException($"gateway.defaultResponseFormat '{format}' is not a format; use one of: {Inference.Audio.Encoders.SpeechFormats.NameList}");
        }
        if (string.IsNullOrWhiteSpace(Urls))
        {
            throw new ArgumentException("gateway.urls is empty; give at least one URL such as http://127.0.0.1:8080");
        }
        Admission.Validate();
        Cloning.Validate();
        VoiceLibrary.Validate();
    }
}
