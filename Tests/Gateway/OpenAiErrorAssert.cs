using System.Net;
using System.Text.Json;

namespace Qwen3Tts.Tests.Gateway;

/// <summary>Checks a response is OpenAI's error shape with the expected status, type, param and code.</summary>
internal static class OpenAiErrorAssert
{
    public static async Task<string> IsErrorAsync(HttpResponseMessage response, HttpStatusCode status, string type, string? param = null, string? code = null)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var document = JsonDocument.Parse(body);
        var error = document.RootElement.GetProperty("error");
        Assert.Equal(type, error.GetProperty("type").GetString());
        Assert.Equal(param, error.GetProperty("param").GetString());
        Assert.Equal(code, error.GetProperty("code").GetString());
        var message = error.GetProperty("message").GetString();
        Assert.False(string.IsNullOrWhiteSpace(message));
        Assert.DoesNotContain("   at ", message); // never a stack trace
        return message!;
    }
}
