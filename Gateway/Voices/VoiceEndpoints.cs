using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using Qwen3Tts.Inference.Voices;
using Qwen3Tts.Inference.Voices.Cloning;

namespace Qwen3Tts.Gateway.Voices;

/// <summary>
/// The voice library over HTTP: <c>POST /v1/voices</c> clones a voice from an uploaded clip (multipart
/// <c>name</c>, <c>audio</c>, <c>ref_text</c>) on the cluster's boards and saves it; <c>GET /v1/voices/{name}</c>
/// describes one voice; <c>DELETE /v1/voices/{name}</c> removes it. The listing (<c>GET /v1/voices</c>) is
/// <see cref="CatalogEndpoints"/>'. Every route sits under <c>/v1</c>, so API keys cover it.
/// </summary>
public static class VoiceEndpoints
{
    public static IEndpointRouteBuilder MapVoiceEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/v1/voices", AddAsync)
            .WithName("createVoice").WithTags("Voices")
            .WithSummary("Clone a voice from a reference clip and save it in the voice library")
            .WithDescription("multipart/form-data with name (letters, digits, '-', '_', '.'), audio (a WAV file: any PCM or float format, " +
                             "any rate, mono or stereo, at most gateway.cloning.maxSeconds) and ref_text (the words spoken in it). " +
                             "Answers 201 with the saved voice; every refused upload is a 400 naming the field.")
            .DisableAntiforgery()
            .Produces<VoiceEntry>(StatusCodes.Status201Created)
            .Produces<OpenAiError>(StatusCodes.Status400BadRequest)
            .Produces<OpenAiError>(StatusCodes.Status401Unauthorized)
            .Produces<OpenAiError>(StatusCodes.Status413PayloadTooLarge)
            .Produces<OpenAiError>(StatusCodes.Status415UnsupportedMediaType)
            .Produces<OpenAiError>(StatusCodes.Status503ServiceUnavailable);
        routes.MapGet("/v1/voices/{name}", (string name, VoiceLibrary library) => Describe(library, name))
            .WithName("retrieveVoice").WithTags("Voices")
            .WithSummary("Describe one voice of the library (frames, reference text, x-vector, source length, encoders)")
            .Produces<VoiceEntry>()
            .Produces<OpenAiError>(StatusCodes.Status404NotFound);
        routes.MapDelete("/v1/voices/{name}", (string name, VoiceLibrary library, ILoggerFactory logging) => Remove(library, name, logging))
            .WithName("deleteVoice").WithTags("Voices")
            .WithSummary("Remove a voice from the library")
            .Produces<DeletedVoice>()
            .Produces<OpenAiError>(StatusCodes.Status404NotFound);
        return routes;
    }

    private static async Task<IResult> AddAsync(
        HttpContext context, GatewayOptions options, VoiceCloner cloner, ClusterReadiness readiness, ILoggerFactory logging)
    {
        var aborted = context.RequestAborted;
        var upload = await VoiceUploadReader.ReadAsync(context.Request, options, aborted);
        VoiceRequestErrors.Guard("name", () => cloner.Check(upload.Name));
        VoiceCloningReadiness.EnsureReady(readiness);
        VoiceEntry entry;
        try
        {
            entry = await cloner.AddAsync(upload.Name, upload.Clip, upload.ReferenceText, aborted);
        }
        catch (Exception e) when (VoiceRequestErrors.Translate(e, readiness, "audio") is { } error)
        {
            throw error;
        }
        logging.CreateLogger(typeof(VoiceEndpoints).FullName!).LogInformation(
            "voice '{Name}' added: {Seconds:F2} s clip, {Frames} frames, x-vector {XVector}", entry.Name, upload.Clip.Source.DurationSeconds, entry.Frames,
            entry.SpeakerEmbeddingSize is null ? "none" : "yes");
        return Results.Created($"/v1/voices/{Uri.EscapeDataString(entry.Name)}", entry);
    }

    private static VoiceEntry Describe(VoiceLibrary library, string name) =>
        VoiceEntry.Of(name, VoiceRequestErrors.Guard("name", () => library.Read(name)));

    private static DeletedVoice Remove(VoiceLibrary library, string name, ILoggerFactory logging)
    {
        VoiceRequestErrors.Guard("name", () => library.Remove(name));
        logging.CreateLogger(typeof(VoiceEndpoints).FullName!).LogInformation("voice '{Name}' removed", name);
        return new DeletedVoice(name);
    }

    /// <summary>OpenAI's answer to a DELETE.</summary>
    public sealed record DeletedVoice([property: JsonPropertyName("id")] string Id)
    {
        [JsonPropertyName("object")]
        public string Object => "voice";

        [JsonPropertyName("deleted")]
        public bool Deleted => true;
    }
}
