using Qwen3Tts.Grains;
using Qwen3Tts.Inference;
using Qwen3Tts.Inference.Models;
using Qwen3Tts.Inference.Prompt;
using Qwen3Tts.Inference.Sampling;
using Qwen3Tts.Inference.Voices;

namespace Qwen3Tts.Gateway;

/// <summary>
/// Checks a <see cref="SpeechRequest"/> field by field; every refusal is an <see cref="OpenAiErrorException"/>
/// whose <c>param</c> names the field, so a client can point at what to fix.
/// </summary>
public sealed class SpeechRequestValidator(GatewayOptions options, VoiceLibrary voices)
{
    public const double MinSpeed = Inference.Audio.TimeStretcher.MinSpeed;
    public const double MaxSpeed = Inference.Audio.TimeStretcher.MaxSpeed;

    /// <summary>Formats OpenAI defines that need an encoder this server does not ship.</summary>
    private static readonly string[] UnservedFormats = ["mp3", "opus", "aac"];

    private static readonly string ServedFormats = StrictEnum.LowerNames<SpeechAudioFormat>();

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

        var text = ValidateInput(request.Input);
        var format = ValidateFormat(request.ResponseFormat);
        var speed = ValidateSpeed(request.Speed);
        var (stream, events) = ValidateStreamFormat(request.StreamFormat);
        if (stream && format == SpeechAudioFormat.Flac)
        {
            throw OpenAiErrorException.InvalidRequest(
                "response_format 'flac' is served as one complete response only (its header holds the length and checksum); leave out stream_format, or stream wav or pcm", "stream_format");
        }
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
                speaker = Guard("voice", () => ModelRequestRules.Check(model, name, request.Instructions, null, false, officialPrompt: true));
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

    private static SpeechAudioFormat ValidateFormat(string? format)
    {
        if (format is null)
        {
            // OpenAI defaults to mp3, which is not served; wav is the closest thing every player opens.
            return SpeechAudioFormat.Wav;
        }
        if (StrictEnum.TryParse<SpeechAudioFormat>(format, out var parsed))
        {
            return parsed;
        }
        var why = UnservedFormats.Contains(format, StringComparer.OrdinalIgnoreCase) ? "is not served" : "is not a known format";
        throw OpenAiErrorException.InvalidRequest($"response_format '{format}' {why}; use one of: {ServedFormats}", "response_format", "unsupported_format");
    }

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
