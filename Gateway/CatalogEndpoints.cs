using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Qwen3Tts.Inference.Models;
using Qwen3Tts.Inference.Prompt;
using Qwen3Tts.Inference.Voices;

namespace Qwen3Tts.Gateway;

/// <summary><c>GET /v1/models</c> (OpenAI's list shape) and <c>GET /v1/voices</c> (the server's voice library and languages).</summary>
public static class CatalogEndpoints
{
    private const string OwnedBy = "qwen3-tts-orleans";

    // OpenAI reports when a model was created; these names exist from the moment the server starts.
    private static readonly long StartedAt = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

    public static IEndpointRouteBuilder MapCatalogEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/v1/models", () => new ModelList([.. SpeechModels.Ids.Select(Describe)]))
            .WithName("listModels").WithTags("Models")
            .WithSummary("List the model names the speech endpoint accepts (all are the same Qwen3-TTS model)")
            .Produces<ModelList>();
        routes.MapGet("/v1/models/{model}", (string model) => SpeechModels.IsKnown(model) ? Describe(model) : throw SpeechModels.NotFound(model))
            .WithName("retrieveModel").WithTags("Models")
            .WithSummary("Describe one model")
            .Produces<ModelDescription>()
            .Produces<OpenAiError>(StatusCodes.Status404NotFound);
        foreach (var (path, name) in new[] { ("/v1/voices", "listVoices"), ("/v1/audio/voices", "listAudioVoices") })
        {
            routes.MapGet(path, ListVoicesAsync)
                .WithName(name).WithTags("Audio")
                .WithSummary("List the voices a speech request may name (a CustomVoice model's speakers, a Base model's voice library, OpenAI's voice names with what they map to), the languages, and what the loaded model takes")
                .Produces<VoiceList>();
        }
        return routes;
    }

    private static ModelDescription Describe(string id) => new(id, StartedAt);

    private static async Task<VoiceList> ListVoicesAsync(VoiceLibrary voices, IGrainFactory grains, HttpContext context)
    {
        var model = await LoadedModel.TryGetAsync(grains, context.RequestAborted);
        // "default" first: a CustomVoice model's first speaker, a Base model's own voice. Library voices are clones, for Base only.
        IEnumerable<string> names = model is null ? voices.List()
            : model.VoiceCloning ? [VoiceLibrary.DefaultVoice, .. model.Speakers, .. voices.List().Skip(1)]
            : [VoiceLibrary.DefaultVoice, .. model.Speakers];
        var listed = names.ToList();
        var aliases = voices.Aliases.Where(a => !listed.Contains(a.Key, StringComparer.OrdinalIgnoreCase));
        IReadOnlyList<VoiceDescription> data =
            [.. listed.Select(v => new VoiceDescription(v)), .. aliases.Select(a => new VoiceDescription(a.Key) { AliasOf = a.Value })];
        return new VoiceList(data, TtsLanguage.Names) { Model = model is null ? null : LoadedModelDescription.Of(model) };
    }

    public sealed record ModelList([property: JsonPropertyName("data")] IReadOnlyList<ModelDescription> Data)
    {
        [JsonPropertyName("object")]
        public string Object => "list";
    }

    public sealed record ModelDescription([property: JsonPropertyName("id")] string Id, [property: JsonPropertyName("created")] long Created)
    {
        [JsonPropertyName("object")]
        public string Object => "model";

        [JsonPropertyName("owned_by")]
        public string OwnedBy => CatalogEndpoints.OwnedBy;
    }

    public sealed record VoiceList(
        [property: JsonPropertyName("data")] IReadOnlyList<VoiceDescription> Data,
        [property: JsonPropertyName("languages")] IReadOnlyList<string> Languages)
    {
        [JsonPropertyName("object")]
        public string Object => "list";

        /// <summary>The names alone, the shape Kokoro-FastAPI and openedai-speech clients read.</summary>
        [JsonPropertyName("voices")]
        public IReadOnlyList<string> Voices => [.. Data.Select(v => v.Id)];

        /// <summary>The loaded model, when a talker silo answered.</summary>
        [JsonPropertyName("model")]
        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public LoadedModelDescription? Model { get; init; }
    }

    /// <param name="Instructions">accepted, required or refused.</param>
    public sealed record LoadedModelDescription(
        [property: JsonPropertyName("variant")] string Variant,
        [property: JsonPropertyName("size")] string Size,
        [property: JsonPropertyName("layout")] string Layout,
        [property: JsonPropertyName("instructions")] string Instructions,
        [property: JsonPropertyName("voice_cloning")] bool VoiceCloning)
    {
        public static LoadedModelDescription Of(ModelCapabilities model) => new(
            model.Variant.CliName(), model.Size, model.Layout == ModelSetLayout.Official ? "official" : "seed",
            model.RequiresInstructions ? "required" : model.AcceptsInstructions ? "accepted" : "refused", model.VoiceCloning);
    }

    public sealed record VoiceDescription([property: JsonPropertyName("id")] string Id)
    {
        [JsonPropertyName("object")]
        public string Object => "voice";

        /// <summary>For another name of a voice (OpenAI's "alloy", say): the voice it speaks with.</summary>
        [JsonPropertyName("alias_of")]
        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public string? AliasOf { get; init; }
    }
}
