namespace Qwen3Tts.Grains.Lifetime;

/// <summary>The refusal of new work by a silo that is draining for shutdown.</summary>
public static class SiloShutdown
{
    public static RoleFailureException Refusal(string role) =>
        new(role, RoleFailure.Unavailable, $"the {role} silo is shutting down; retry, and another {role} silo takes the request if one is up", TimeSpan.FromSeconds(2));
}
