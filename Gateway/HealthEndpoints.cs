using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Qwen3Tts.Grains.Lifetime;

namespace Qwen3Tts.Gateway;

/// <summary>
/// <c>GET /healthz</c>: the process answers (liveness). <c>GET /readyz</c>: every role a request needs has a live
/// silo (readiness), with the silos per role; 503 lists the missing roles.
/// </summary>
public static class HealthEndpoints
{
    public static IEndpointRouteBuilder MapHealthEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/healthz", () => new HealthStatus("ok"))
            .WithName("health").WithTags("Health")
            .WithSummary("Liveness: 200 while the gateway process is up")
            .Produces<HealthStatus>();
        routes.MapGet("/readyz", (ClusterReadiness readiness, SiloDrain drain) =>
            {
                var report = readiness.Check();
                // A draining gateway answers the requests it has but wants no new ones: load balancers move on.
                var ready = report.Ready && !drain.IsDraining;
                var status = new ReadinessStatus(drain.IsDraining ? "shutting_down" : ready ? "ready" : "not_ready", report.Roles, report.Missing);
                return Results.Json(status, statusCode: ready ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
            })
            .WithName("ready").WithTags("Health")
            .WithSummary("Readiness: 200 when the talker, predictor and vocoder roles each have a live silo with its models loaded")
            .Produces<ReadinessStatus>()
            .Produces<ReadinessStatus>(StatusCodes.Status503ServiceUnavailable);
        return routes;
    }

    public sealed record HealthStatus([property: JsonPropertyName("status")] string Status);

    public sealed record ReadinessStatus(
        [property: JsonPropertyName("status")] string Status,
        [property: JsonPropertyName("roles")] IReadOnlyDictionary<string, IReadOnlyList<SiloDescription>> Roles,
        [property: JsonPropertyName("missing")] IReadOnlyList<string> Missing);
}
