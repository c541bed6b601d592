using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Qwen3Tts.Gateway.Admission;
using Qwen3Tts.Gateway.Security;
using Qwen3Tts.Gateway.Voices;
using Qwen3Tts.Grains.Cloning;
using Qwen3Tts.Inference.Audio.Encoders;
using Qwen3Tts.Inference.Voices;
using Qwen3Tts.Inference.Voices.Cloning;

namespace Qwen3Tts.Gateway;

/// <summary>Wires the HTTP API into a silo's web host: <see cref="AddTtsGateway"/> on the services, <see cref="MapTtsGateway"/> on the app.</summary>
public static class GatewayApplicationExtensions
{
    public static IServiceCollection AddTtsGateway(this IServiceCollection services, GatewayOptions options)
    {
        options.Validate();
        services.AddSingleton(options);
        services.AddSingleton(new VoiceLibrary(options.ResolveVoicesDirectory(), options.VoiceLibrary, options.VoiceAliases));
        // Clips are encoded by the cluster (the codes on a vocoder silo, the x-vector on a talker silo), so a gateway-only board takes uploads.
        services.AddSingleton<IVoiceEncoding, GrainVoiceEncoding>();
        services.AddSingleton<VoiceCloner>();
        services.AddSingleton(new AudioEncoderOptions { Ffmpeg = options.FfmpegPath is { Length: > 0 } ffmpeg ? new FfmpegLocator(ffmpeg) : FfmpegLocator.Default });
        services.AddSingleton<SpeechRequestValidator>();
        if (options.CorsOrigins.Count > 0)
        {
            services.AddCors(cors => cors.AddDefaultPolicy(policy => CrossOrigin.Configure(policy, options.CorsOrigins)));
            // The cross-origin guard lets exactly the origins CORS answers for start a synthesis.
            services.AddSingleton<ICrossOriginPolicy>(new CrossOrigin.AllowList(options.CorsOrigins));
        }
        services.AddSingleton<ClusterReadiness>();
        services.AddSingleton(new GatewayAdmission(options.Admission));
        services.TryAddSingleton<ICrossOriginPolicy, SameOriginOnlyPolicy>();
        services.AddHostedService<NetworkExposureWarning>();
        services.AddOpenApi(o => o.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "qwen3-tts-orleans speech API";
            document.Info.Description = "OpenAI-compatible text to speech on a Qwen3-TTS Orleans cluster.";
            return Task.CompletedTask;
        }));
        return services;
    }

    /// <summary>
    /// The error and API-key middleware, then the routes. It takes the application (not only the route builder)
    /// because the middleware must also cover routes mapped by others on the same host, such as /dashboard.
    /// </summary>
    public static WebApplication MapTtsGateway(this WebApplication app)
    {
        app.UseMiddleware<OpenAiErrorMiddleware>();
        // Before the key check: a browser's preflight never carries the Authorization header it asks permission for.
        if (app.Services.GetRequiredService<GatewayOptions>().CorsOrigins.Count > 0)
        {
            app.UseCors();
        }
        app.UseMiddleware<ApiKeyMiddleware>();
        app.UseMiddleware<OpenDashboardGuard>();
        app.UseMiddleware<CrossOriginGuard>();
        app.MapOpenApi();
        app.MapWebPage();
        app.MapHealthEndpoints();
        app.MapCatalogEndpoints();
        app.MapSpeechEndpoints();
        app.MapVoiceEndpoints();
        return app;
    }
}
