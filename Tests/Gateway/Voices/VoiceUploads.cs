using System.Net.Http.Headers;

namespace Qwen3Tts.Tests.Gateway.Voices;

/// <summary>Builds voice uploads the way curl -F or a browser's FormData sends them.</summary>
internal static class VoiceUploads
{
    public static MultipartFormDataContent Form(string? name, byte[]? audio, string? referenceText, string fileName = "clip.wav")
    {
        var form = new MultipartFormDataContent();
        if (name is not null)
        {
            form.Add(new StringContent(name), "name");
        }
        if (audio is not null)
        {
            var file = new ByteArrayContent(audio);
            file.Headers.ContentType = new MediaTypeHeaderValue("audio/wav");
            form.Add(file, "audio", fileName);
        }
        if (referenceText is not null)
        {
            form.Add(new StringContent(referenceText), "ref_text");
        }
        return form;
    }

    public static Task<HttpResponseMessage> PostAsync(HttpClient http, HttpContent content) => http.PostAsync("/v1/voices", content);

    public static Task<HttpResponseMessage> PostAsync(HttpClient http, string? name, byte[]? audio, string? referenceText) =>
        PostAsync(http, Form(name, audio, referenceText));
}
