using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Qwen3Tts.Tests.Gateway;

/// <summary>Builds speech request bodies the way a client would send them.</summary>
internal static class SpeechRequests
{
    public static StringContent Json(object body) => Raw(JsonSerializer.Serialize(body));

    public static StringContent Raw(string body) => new(body, Encoding.UTF8, new MediaTypeHeaderValue("application/json"));

    public static Task<HttpResponseMessage> PostAsync(HttpClient http, object body, HttpCompletionOption completion = HttpCompletionOption.ResponseContentRead) =>
        http.SendAsync(new HttpRequestMessage(HttpMethod.Post, "/v1/audio/speech") { Content = Json(body) }, completion);

    /// <summary>The PCM data of a 44-byte-header WAV (what the gateway writes).</summary>
    public static byte[] PcmOf(byte[] wav) => wav[44..];
}
