using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using Microsoft.OpenApi;
using Qwen3Tts.Gateway.Admission;
using Qwen3Tts.Gateway.Voices;
using Qwen3Tts.Grains;
using Qwen3Tts.Grains.Lifetime;
using Qwen3Tts.Inference.Audio.Encoders;
using Qwen3Tts.Inference.Voices.Cloning;

namespace Qwen3Tts.Gateway;

/// <summary><c>POST /v1/audio/speech</c>: OpenAI's text-to-speech endpoint, served by the cluster.</summary>
public static class SpeechEndpoints
{
    public static IEndpointRouteBuilder MapSpeechEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/v1/audio/speech", SpeakAsync)
            .WithName("createSpeech")
            .WithTags("Audio")
            .WithSummary("Generate audio from text")
            .WithDescription("OpenAI-compatible. Fields: model, input, voice, response_format (mp3, opus, aac, flac, wav, pcm), speed (0.25-4.0), stream_format (\"audio\" streams " +
                             "the audio as it is generated, \"sse\" streams speech.audio.delta events with base64 audio), instructions (1.7B CustomVoice, VoiceDesign), plus language, seed and eos " +
                             "(official, seed, never). A CustomVoice model's speakers are voice names. 24 kHz mono; complete responses carry x-audio-duration (seconds).")
            .AddOpenApiOperationTransformer(DescribeBodyAsync)
            .Produces(StatusCodes.Status200OK, contentType: SpeechFormat.Mp3.ContentType(),
                additionalContentTypes: [.. SpeechFormats.All.Where(f => f != SpeechFormat.Mp3).Select(f => f.ContentType()), ServerSentAudioStream.ContentType])
            .Produces<OpenAiError>(StatusCodes.Status400BadRequest)
            .Produces<OpenAiError>(StatusCodes.Status401Unauthorized)
            .Produces<OpenAiError>(StatusCodes.Status404NotFound)
            .Produces<OpenAiError>(StatusCodes.Status413PayloadTooLarge)
            .Produces<OpenAiError>(StatusCodes.Status415UnsupportedMediaType)
            .Produces<OpenAiError>(StatusCodes.Status429TooManyRequests)
            .Produces<OpenAiError>(StatusCodes.Status500InternalServerError)
            .Produces<OpenAiError>(StatusCodes.Status503ServiceUnavailable);
        return routes;
    }

    // The body is documented here rather than with Accepts<T>(), whose routing-level 415 would not come in
    // OpenAI's error shape; the reader refuses a body that is not declared as JSON itself.
    private static async Task DescribeBodyAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var schema = await context.GetOrCreateSchemaAsync(typeof(SpeechRequest), null, cancellationToken);
        operation.RequestBody = new OpenApiRequestBody
        {
            Required = true,
            Content = new Dictionary<string, OpenApiMediaType> { ["application/json"] = new() { Schema = schema } },
        };
    }

    /// <summary>The log category of the one line per synthesis (shown at Information even where the rest logs warnings only).</summary>
    public const string RequestLogCategory = "Qwen3Tts.Requests";

    private static async Task SpeakAsync(
        HttpContext context, GatewayOptions options, SpeechRequestValidator validator, ClusterReadiness readiness,
        GatewayAdmission admission, SiloDrain drain, AudioEncoderOptions encoders, IGrainFactory grains, IVoiceEncoding encoding,
        ILoggerFactory logging)
    {
        var logger = logging.CreateLogger(typeof(SpeechEndpoints).FullName!);
        var requests = logging.CreateLogger(RequestLogCategory);
        var aborted = context.RequestAborted;
        var body = await SpeechRequestReader.ReadAsync(context.Request, options.MaxRequestBytes, aborted, options.Cloning.MaxUploadBytes);
        var speech = validator.Validate(body);
        var oneOff = OneOffVoice.Read(body, speech, options.Cloning);
        readiness.EnsureReady();
        speech = validator.ForModel(speech, await LoadedModel.GetAsync(grains, readiness, aborted));
        // A gateway shutting down finishes the requests it has (shutdown.drainTimeout) and sends new ones elsewhere.
        using var work = drain.TryStart() ?? throw new OpenAiErrorException(StatusCodes.Status503ServiceUnavailable,
            "this gateway is shutting down; retry (another gateway of the cluster, or this one once it is back)", OpenAiErrorTypes.ServiceUnavailable,
            code: "shutting_down") { RetryAfter = TimeSpan.FromSeconds(2) };
        // Held until the response is written, streamed or not: the queue bounds what runs, not what starts.
        using var place = await admission.EnterAsync(aborted);
        if (oneOff is not null)
        {
            try
            {
                speech = await oneOff.ApplyAsync(speech, encoding, aborted);
            }
            catch (Exception e) when (VoiceRequestErrors.Translate(e, readiness, OneOffVoice.AudioField) is { } error)
            {
                throw error;
            }
        }

        var requestId = Guid.NewGuid().ToString("N");
        var tally = new SpeechTally();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var status = "failed";
        // The aborted token reaches the grain iterator: a client that hangs up stops the synthesis.
        var chunks = grains.GetGrain<ISynthesisGrain>(requestId).SynthesizeAsync(speech.Request, aborted);
        var audio = SpeechAudio.ApplySpeed(SpeechAudio.SamplesOf(chunks, tally, aborted), speech.Speed);
        try
        {
            if (speech.Stream)
            {
                await AudioResponseWriter.WriteStreamingAsync(context.Response, speech.Format, speech.Events, audio, encoders, aborted);
            }
            else
            {
                await AudioResponseWriter.WriteBufferedAsync(context.Response, speech.Format, audio, encoders, aborted);
            }
            status = "ok";
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            status = "cancelled by the client";
            throw;
        }
        catch (Exception e) when (!context.Response.HasStarted && SynthesisFailures.Translate(e, readiness, requestId) is { } error)
        {
            status = $"{error.StatusCode} {error.Message}";
            if (error.StatusCode >= StatusCodes.Status500InternalServerError)
            {
                logger.LogError(e, "speech {RequestId} failed: {Status} {Message}", requestId, error.StatusCode, error.Message);
            }
            throw error;
        }
        finally
        {
            var seconds = tally.Samples / (double)Inference.Models.CodecAudio.SampleRate;
            requests.LogInformation(
                "speech {RequestId}: voice {Voice}, {Characters} chars, {Frames} frames, {AudioSeconds:F2} s audio in {ElapsedSeconds:F2} s (RTF {Rtf:F2}), {Format}{Streamed}, {Status}",
                requestId, body.Voice ?? "default", speech.Request.Text.Length, tally.Frames, seconds, clock.Elapsed.TotalSeconds,
                seconds > 0 ? clock.Elapsed.TotalSeconds / seconds : double.NaN, speech.Format.Name(), speech.Stream ? " streamed" : "", status);
        }
    }
}
