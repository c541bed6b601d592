namespace Qwen3Tts.Gateway.Security;

/// <summary>
/// Which other web origins may send state-changing requests (POST, PUT, DELETE, ...) to the gateway from a browser.
/// The default (<see cref="SameOriginOnlyPolicy"/>) allows none; a configured CORS allow-list replaces it by
/// registering its own implementation, so the guard and the CORS answers always agree.
/// </summary>
public interface ICrossOriginPolicy
{
    /// <param name="origin">The request's <c>Origin</c> header, e.g. <c>https://app.example</c>.</param>
    bool IsAllowed(string origin);
}

/// <summary>No cross-origin browser request may change anything: pages on other sites cannot start syntheses.</summary>
public sealed class SameOriginOnlyPolicy : ICrossOriginPolicy
{
    public bool IsAllowed(string origin) => false;
}
