using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Qwen3Tts.Inference.Codec.Encoder;
using Qwen3Tts.Inference.Voices.Cloning;

namespace Qwen3Tts.Gateway.Voices;

/// <summary>An upload that passed the reader: the name asked for, the prepared clip (24 kHz mono) and its text.</summary>
public sealed record VoiceUpload(string Name, ReferenceAudio Clip, string ReferenceText);

/// <summary>
/// Reads <c>POST /v1/voices</c>: a multipart form with the fields <c>name</c>, <c>audio</c> (a file) and
/// <c>ref_text</c>, under the gateway's limits. Every refusal is an <see cref="OpenAiErrorException"/> naming the
/// field (400), the whole body (413) or the content type (415); nothing here touches the library.
/// </summary>
public static class VoiceUploadReader
{
    public const string NameField = "name";
    public const string AudioField = "audio";
    public const string TextField = "ref_text";

    private const string Example = "send multipart/form-data with name, audio (a WAV file) and ref_text, e.g. " +
        "curl -F name=anna -F audio=@anna.wav -F ref_text=\"What she says in it.\" http://HOST/v1/voices";

    public static async Task<VoiceUpload> ReadAsync(HttpRequest request, GatewayOptions options, CancellationToken cancellationToken)
    {
        if (!request.HasFormContentType || !(request.ContentType ?? "").StartsWith("multipart/form-data", StringComparison.OrdinalIgnoreCase))
        {
            var declared = string.IsNullOrEmpty(request.ContentType) ? "no Content-Type" : $"Content-Type '{request.ContentType}'";
            throw new OpenAiErrorException(StatusCodes.Status415UnsupportedMediaType, $"a voice upload is a multipart form; this request has {declared}: {Example}",
                OpenAiErrorTypes.InvalidRequest, code: "unsupported_media_type");
        }
        var limit = options.MaxBodyWithClipBytes;
        if (request.ContentLength > limit)
        {
            throw OpenAiErrorMiddleware.TooLarge($"the upload is {request.ContentLength} bytes; the limit is {limit} (a clip of at most {options.Cloning.MaxUploadBytes} bytes)");
        }
        var form = await ReadFormAsync(request, options, limit, cancellationToken);

        var name = Single(form, NameField, "the voice's name (letters, digits, '-', '_', '.')");
        var text = VoiceRequestErrors.Guard(TextField, () => ReferenceClips.RequireText(Single(form, TextField, "the words spoken in the clip"), options.Cloning));
        var files = form.Files.GetFiles(AudioField);
        if (files.Count == 0)
        {
            var why = form.ContainsKey(AudioField) ? "'audio' must be a file field, not text" : "the upload has no 'audio' file";
            throw OpenAiErrorException.InvalidRequest($"{why}: {Example}", AudioField);
        }
        if (files.Count > 1)
        {
            throw OpenAiErrorException.InvalidRequest("the upload has more than one 'audio' file; send one clip per voice", AudioField);
        }
        var file = files[0];
        if (file.Length > options.Cloning.MaxUploadBytes)
        {
            throw OpenAiErrorException.InvalidRequest($"'audio' is {file.Length} bytes; a reference clip may have at most {options.Cloning.MaxUploadBytes}", AudioField, "file_too_large");
        }
        var bytes = new byte[file.Length];
        await using (var stream = file.OpenReadStream())
        {
            await stream.ReadExactlyAsync(bytes, cancellationToken);
        }
        var clip = VoiceRequestErrors.Guard(AudioField, () => ReferenceClips.FromBytes(bytes, AudioField, options.Cloning));
        return new VoiceUpload(name, clip, text);
    }

    private static async Task<IFormCollection> ReadFormAsync(HttpRequest request, GatewayOptions options, long limit, CancellationToken cancellationToken)
    {
        var formOptions = new FormOptions
        {
            MultipartBodyLengthLimit = limit,
            // Three fields, each small but the file; a form with hundreds of parts is not an upload.
            ValueCountLimit = 16,
            ValueLengthLimit = Math.Max(4096, options.Cloning.MaxReferenceTextCharacters * 4),
            MultipartHeadersLengthLimit = 16 * 1024,
        };
        try
        {
            return await request.ReadFormAsync(formOptions, cancellationToken);
        }
        catch (InvalidDataException e) when (e.Message.Contains("limit", StringComparison.OrdinalIgnoreCase))
        {
            throw OpenAiErrorMiddleware.TooLarge($"the upload is over a limit of this server: {e.Message}");
        }
        catch (InvalidDataException e)
        {
            throw OpenAiErrorException.InvalidRequest($"the upload is not a well-formed multipart form ({e.Message}): {Example}", null);
        }
        catch (IOException e) when (!cancellationToken.IsCancellationRequested && e is not BadHttpRequestException)
        {
            throw OpenAiErrorException.InvalidRequest($"the upload ended before its form was complete ({e.Message})", null);
        }
    }

    private static string Single(IFormCollection form, string field, string what)
    {
        var values = form[field];
        if (values.Count == 0 || string.IsNullOrWhiteSpace(values[0]))
        {
            throw OpenAiErrorException.InvalidRequest($"the upload has no '{field}' ({what}): {Example}", field);
        }
        if (values.Count > 1)
        {
            throw OpenAiErrorException.InvalidRequest($"the upload has '{field}' {values.Count} times; send it once", field);
        }
        return values[0]!.Trim();
    }
}
