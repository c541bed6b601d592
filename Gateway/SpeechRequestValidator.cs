using Qwen3Tts.Grains;
using Qwen3Tts.Inference;
using Qwen3Tts.Inference.Models;
using Qwen3Tts.Inference.Audio.Encoders;
using Qwen3Tts.Inference.Prompt;
using Qwen3Tts.Inference.Sampling;
using Qwen3Tts.Inference.Voices;

namespace Qwen3Tts.Gateway;

/// <summary>
/// Checks a <see cref="SpeechRequest"/> field by field; every refusal is an <see cref="OpenAiErrorException"/>
/// whose <c>param</c> names the field, so a client can point at what to fix.
/// </summary>
public sealed class SpeechRequestValidator(GatewayOptions options, VoiceLibrary voices, AudioEncoderOptions encoders)
{
    public const double MinSpeed = Inference.Audio.TimeStretcher.MinSpeed;
    public const double MaxSpeed = Inference.Audio.TimeStretcher.MaxSpeed;

    public ValidatedSpeech Validate(SpeechRequest request)
    {
        var model = request.Model;
        if (string.IsNullOrWhiteSpace(model))
        {
            throw OpenAiErrorException.InvalidRequest($"you must provide a model parameter; available models: {string.Join(", ", SpeechModels.Ids)}", "model");
        }
        if (!SpeechModels.IsKnown(model))
        {
            throw SpeechModels.NotFound(model);
        }

        ForeignSpeechFields.Refuse(request);
        var text = ValidateInput(request.Input);
        var format = ValidateFormat(request.ResponseFormat);
        var speed = ValidateSpeed(request.Speed);
        var (stream, events) = ValidateStreamFormat(request.StreamFormat ?? (request.Stream == true ? "audio" : null));
        var language = Guard("language", () => TtsLanguage.Normalize(request.Language));
        var eos = ValidateEos(request.Eos);
        // A valid name the library lacks may be a built-in speaker of the loaded model; ForModel decides.
        var speakerName = request.Voice is { } name && !string.Equals(name, VoiceLibrary.DefaultVoice, StringComparison.OrdinalIgnoreCase) && VoiceLibrary.IsValidName(name) && !voices.Contains(name) ? name : null;
        var voice = speakerName is null ? Guard("voice", () => voices.Load(request.Voice)?.ToDto()) : null;
        var instructions = string.IsNullOrWhiteSpace(request.Instructions) ? null : request.Instructions.Trim();
        var dto = new SynthesisRequestDto(text, language, request.Seed, Voice: voice) { Eos = eos, Instructions = instructions };
        return new ValidatedSpeech(dto, format, speed, stream, events, speakerName);
    }

    /// <summary>
    /// Checks the voice and the instructions against what the loaded model can honour (<see cref="ModelRequestRules"/>):
    /// a CustomVoice speaker by name, instructions only where the model takes them (required by VoiceDesign), voice
    /// profiles only on Base. Each refusal names the field and what the model supports.
    /// </summary>
    public ValidatedSpeech ForModel(ValidatedSpeech speech, ModelCapabilities model)
    {
        ArgumentNullException.ThrowIfNull(speech);
        ArgumentNullException.ThrowIfNull(model);
        var request = speech.Request;
        Guard("instructions", () => ModelRequestRules.Check(model, null, request.Instructions, null, false, officialPrompt: true));
        string? speaker = null;
        if (speech.VoiceName is { } name)
        {
            if (model.Speakers.Count > 0)
            {
                // OpenAI's names (a client's default "alloy") speak as their alias says: a speaker, or the model's default one.
                var spoken = !model.Speakers.Contains(name, StringComparer.OrdinalIgnoreCase) && voices.Aliases.TryGetValue(name, out var target) ? target : name;
                speaker = VoiceLibrary.IsDefault(spoken) ? null
                    : Guard("voice", () => ModelRequestRules.Check(model, spoken, request.Instructions, null, false, officialPrompt: true));
            }
            else
            {
                // Without built-in speakers it is a library voice after all, or unknown: the library's message lists its voices.
                request = request with { Voice = Guard("voice", () => voices.Load(name)?.ToDto()) };
            }
        }
        var voice = request.Voice?.ToInference();
        Guard("voice", () => ModelRequestRules.Check(model, speaker, request.Instructions, voice?.FrameCount, voice?.ReferenceText is not null, officialPrompt: true));
        return speech with { Request = request with { Speaker = speaker }, VoiceName = null };
    }

    private static string? ValidateEos(string? eos)
    {
        if (eos is null)
        {
            return null;
        }
        return StrictEnum.TryParse<EosMode>(eos, out var mode)
            ? mode.ToString()
            : throw OpenAiErrorException.InvalidRequest($"unknown eos '{eos}'; use one of: {StrictEnum.LowerNames<EosMode>()}", "eos");
    }

    private string ValidateInput(string? input)
    {
        if (input is null)
        {
            throw OpenAiErrorException.InvalidRequest("you must provide the text to speak in 'input'", "input");
        }
        if (string.IsNullOrWhiteSpace(input))
        {
            throw OpenAiErrorException.InvalidRequest("'input' is empty; give the text to speak", "input");
        }
        if (input.Length > options.MaxInputCharacters)
        {
            throw OpenAiErrorException.InvalidRequest(
                $"'input' has {input.Length} characters; the maximum is {options.MaxInputCharacters}", "input", "string_above_max_length");
        }
        return input;
    }

    private SpeechFormat ValidateFormat(string? name)
    {
        var format = DefaultFormat;
        if (name is not null && !SpeechFormats.TryParse(name, out format))
        {
            throw OpenAiErrorException.InvalidRequest($"response_format '{name}' is not a known format; use one of: {SpeechFormats.NameList}", "response_format", "unsupported_format");
        }
        if (encoders.Ffmpeg.WhyUnavailable(format) is { } why)
        {
            throw OpenAiErrorException.InvalidRequest($"response_format '{format.Name()}' is not available on this server: {why}", "response_format", "encoder_unavailable");
        }
        return format;
    }

    /// <summary>
    /// Without response_format OpenAI answers mp3, and clients save it as such; so does this server when it can encode
    /// mp3 (ffmpeg with libmp3lame), else wav, unless gateway.defaultResponseFormat says otherwise.
    /// </summary>
    public SpeechFormat DefaultFormat =>
        options.DefaultResponseFormat is { } configured && SpeechFormats.TryParse(configured, out var format) ? format
        : encoders.Ffmpeg.WhyUnavailable(SpeechFormat.Mp3) is null ? SpeechFormat.Mp3
        : SpeechFormat.Wav;

    private static double ValidateSpeed(double? speed)
    {
        var value = speed ?? 1.0;
        if (!double.IsFinite(value) || value < MinSpeed || value > MaxSpeed)
        {
            throw OpenAiErrorException.InvalidRequest($"speed {value} is out of range; use a value from {MinSpeed} to {MaxSpeed}", "speed");
        }
        return value;
    }

    private static (bool Stream, bool Events) ValidateStreamFormat(string? streamFormat) => streamFormat switch
    {
        null => (false, false),
        "audio" => (true, false),
        "sse" => (true, true),
        _ => throw OpenAiErrorException.InvalidRequest($"unknown stream_format '{streamFormat}'; use 'audio' or 'sse', or leave it out for one complete response", "stream_format"),
    };

    // Language and voice lookups report bad names as ArgumentException with the accepted names in the message.
    private static T Guard<T>(string param, Func<T> resolve)
    {
        try
        {
            return resolve();
        }
        catch (ArgumentException e)
        {
            throw OpenAiErrorException.InvalidRequest(MessageOf(e), param);
        }
    }

    internal static string MessageOf(Exception exception) =>
        exception is ArgumentException { ParamName: { } name } argument
            ? argument.Message.Replace($" (Parameter '{name}')", "", StringComparison.Ordinal)
            : exception.Message;
}
