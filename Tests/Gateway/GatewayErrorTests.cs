using System.Net;
using System.Text;

namespace Qwen3Tts.Tests.Gateway;

/// <summary>Every refusal of the speech endpoint and the router, in OpenAI's error shape with the right status and param.</summary>
[Collection(GatewayCollection.Name)]
public sealed class GatewayErrorTests(GatewayFixture fixture)
{
    public static TheoryData<string, HttpStatusCode, string?, string?, string> BadRequests => new()
    {
        { """{"input":"hi"}""", HttpStatusCode.BadRequest, "model", null, "model" },
        { """{"model":"whisper-1","input":"hi"}""", HttpStatusCode.NotFound, "model", "model_not_found", "whisper-1" },
        { """{"model":"tts-1"}""", HttpStatusCode.BadRequest, "input", null, "input" },
        { """{"model":"tts-1","input":"   "}""", HttpStatusCode.BadRequest, "input", null, "empty" },
        { """{"model":"tts-1","input":"hi","voice":"zork"}""", HttpStatusCode.BadRequest, "voice", null, "available: default, narrator, or an OpenAI voice name (alloy, " },
        { """{"model":"tts-1","input":"hi","instructions":"Speak cheerfully."}""", HttpStatusCode.BadRequest, "instructions", null, "taken by 1.7B CustomVoice and VoiceDesign models" },
        { """{"model":"tts-1","input":"hi","ref_audio":"data:audio/wav;base64,UklGRg=="}""", HttpStatusCode.BadRequest, "ref_text", null, "reference text" },
        { """{"model":"tts-1","input":"hi","ref_text":"words"}""", HttpStatusCode.BadRequest, "ref_text", null, "goes with 'ref_audio'" },
        { """{"model":"tts-1","input":"hi","voice_data":"x"}""", HttpStatusCode.BadRequest, "voice_data", "unsupported_parameter", "'ref_audio'" },
        { """{"model":"tts-1","input":"hi","temperature":0.3}""", HttpStatusCode.BadRequest, "temperature", "unsupported_parameter", "seed" },
        { """{"model":"tts-1","input":"hi","colour":"blue"}""", HttpStatusCode.BadRequest, "colour", "unknown_parameter", "unrecognized request argument supplied: colour" },
        { """{"model":"tts-1","input":"hi","voice":"../voices/narrator"}""", HttpStatusCode.BadRequest, "voice", null, "not a voice name" },
        { """{"model":"tts-1","input":"hi","voice":"/etc/passwd"}""", HttpStatusCode.BadRequest, "voice", null, "not a voice name" },
        { """{"model":"tts-1","input":"hi","language":"klingon"}""", HttpStatusCode.BadRequest, "language", null, "english" },
        { """{"model":"tts-1","input":"hi","response_format":"ogg"}""", HttpStatusCode.BadRequest, "response_format", "unsupported_format", "not a known format" },
        // Enum parsing would read these as flags or numbers (Wav|Pcm = Pcm, 1 = Pcm) and serve raw PCM.
        { """{"model":"tts-1","input":"hi","response_format":"Wav, Pcm"}""", HttpStatusCode.BadRequest, "response_format", "unsupported_format", "not a known format; use one of: wav, pcm, flac, opus, mp3, aac" },
        { """{"model":"tts-1","input":"hi","response_format":"wav,flac"}""", HttpStatusCode.BadRequest, "response_format", "unsupported_format", "not a known format" },
        { """{"model":"tts-1","input":"hi","response_format":"1"}""", HttpStatusCode.BadRequest, "response_format", "unsupported_format", "not a known format" },
        { """{"model":"tts-1","input":"hi","response_format":" wav"}""", HttpStatusCode.BadRequest, "response_format", "unsupported_format", "not a known format" },
        { """{"model":"tts-1","input":"hi","speed":5}""", HttpStatusCode.BadRequest, "speed", null, "0.25 to 4" },
        { """{"model":"tts-1","input":"hi","speed":0.1}""", HttpStatusCode.BadRequest, "speed", null, "0.25 to 4" },
        { """{"model":"tts-1","input":"hi","speed":"fast"}""", HttpStatusCode.BadRequest, "speed", null, "'speed'" },
        { """{"model":"tts-1","input":"hi","stream_format":"video"}""", HttpStatusCode.BadRequest, "stream_format", null, "unknown stream_format" },
        { """{"model":"tts-1","input":"hi","seed":"seven"}""", HttpStatusCode.BadRequest, "seed", null, "'seed'" },
        { """{"model":"tts-1","input":"hi","seed":-1}""", HttpStatusCode.BadRequest, "seed", null, "'seed'" },
        { """{"model":"tts-1","input":"hi""", HttpStatusCode.BadRequest, "input", null, "not a valid speech request" },
        { "input=hi", HttpStatusCode.BadRequest, null, null, "not a valid speech request" },
        { "null", HttpStatusCode.BadRequest, null, null, "JSON object" },
        { "", HttpStatusCode.BadRequest, null, null, "empty" },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task ABadRequestIsRefusedNamingTheField(string body, HttpStatusCode status, string? param, string? code, string messagePart)
    {
        using var response = await fixture.Http.PostAsync("/v1/audio/speech", new StringContent(body, Encoding.UTF8, "application/json"));

        var message = await OpenAiErrorAssert.IsErrorAsync(response, status, "invalid_request_error", param, code);
        Assert.Contains(messagePart, message);
    }

    [Fact]
    public async Task InputOverTheCharacterLimitIsRefused()
    {
        var input = new string('a', GatewayFixture.MaxInputCharacters + 1);
        using var response = await SpeechRequests.PostAsync(fixture.Http, new { model = "tts-1", input });

        var message = await OpenAiErrorAssert.IsErrorAsync(response, HttpStatusCode.BadRequest, "invalid_request_error", "input", "string_above_max_length");
        Assert.Contains($"the maximum is {GatewayFixture.MaxInputCharacters}", message);
    }

    [Fact]
    public async Task ABodyOverTheByteLimitIs413WithOrWithoutContentLength()
    {
        var body = $$"""{"model":"tts-1","input":"hi","instructions":"{{new string('x', (int)GatewayFixture.MaxRequestBytes)}}"}""";
        using var declared = await fixture.Http.PostAsync("/v1/audio/speech", new StringContent(body, Encoding.UTF8, "application/json"));
        // A chunked body announces no length; the limit must hold while reading it.
        var chunked = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(body)));
        chunked.Headers.ContentType = new("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/audio/speech") { Content = chunked };
        request.Headers.TransferEncodingChunked = true;
        using var streamed = await fixture.Http.SendAsync(request);

        // Far over the limit: refused from Content-Length alone; Expect: 100-continue keeps the client from sending it.
        var huge = new ByteArrayContent(new byte[GatewayFixture.MaxRequestBytes * 4]);
        huge.Headers.ContentType = new("application/json");
        using var hugeRequest = new HttpRequestMessage(HttpMethod.Post, "/v1/audio/speech") { Content = huge };
        hugeRequest.Headers.ExpectContinue = true;
        using var refused = await fixture.Http.SendAsync(hugeRequest);

        await OpenAiErrorAssert.IsErrorAsync(declared, HttpStatusCode.RequestEntityTooLarge, "invalid_request_error", null, "request_too_large");
        var message = await OpenAiErrorAssert.IsErrorAsync(refused, HttpStatusCode.RequestEntityTooLarge, "invalid_request_error", null, "request_too_large");
        Assert.Contains($"the limit is {GatewayFixture.MaxRequestBytes}", message);
        await OpenAiErrorAssert.IsErrorAsync(streamed, HttpStatusCode.RequestEntityTooLarge, "invalid_request_error", null, "request_too_large");
    }

    /// <summary>
    /// The unread rest of a refused body ends its connection; the 413 says so, or a client that reused the connection
    /// lost its next request ("the response ended prematurely", found by HttpFuzzTests).
    /// </summary>
    [Fact]
    public async Task A413ClosesItsConnectionOpenlyAndTheNextRequestOnTheClientSucceeds()
    {
        using var http = new HttpClient { BaseAddress = fixture.Server.BaseAddress, Timeout = TimeSpan.FromMinutes(2) };
        var huge = new ByteArrayContent(Encoding.UTF8.GetBytes("{\"input\": \"" + new string('x', (int)GatewayFixture.MaxRequestBytes * 40) + "\"}"));
        huge.Headers.ContentType = new("application/json");
        using (var refused = await http.PostAsync("/v1/audio/speech", huge))
        {
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, refused.StatusCode);
            Assert.True(refused.Headers.ConnectionClose, "the 413 must carry Connection: close");
        }

        using var next = await SpeechRequests.PostAsync(http, new { model = "tts-1", input = "Still here.", seed = 4 });
        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
    }

    /// <summary>
    /// A web page on any origin may POST text/plain or form data without a CORS preflight; were such a body read as
    /// JSON, every page a user visits could make a key-less LAN server synthesize.
    /// </summary>
    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData("multipart/form-data; boundary=x")]
    [InlineData(null)]
    public async Task ABodyNotDeclaredAsJsonIs415(string? contentType)
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes("""{"model":"tts-1","input":"Plain text type.","seed":2}"""));
        if (contentType is not null)
        {
            content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        }
        using var response = await fixture.Http.PostAsync("/v1/audio/speech", content);

        var message = await OpenAiErrorAssert.IsErrorAsync(response, HttpStatusCode.UnsupportedMediaType, "invalid_request_error", null, "unsupported_media_type");
        Assert.Contains("Content-Type: application/json", message);
    }

    [Fact]
    public async Task AJsonBodyWithACharsetOrAJsonSuffixIsServed()
    {
        using var response = await fixture.Http.PostAsync("/v1/audio/speech",
            new StringContent("""{"model":"tts-1","input":"Json suffix.","seed":2}""", Encoding.UTF8, "application/vnd.api+json"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task APostFromAPageOfAnotherOriginIsRefusedAndOneFromTheGatewaysOwnPageIsServed()
    {
        using var foreign = new HttpRequestMessage(HttpMethod.Post, "/v1/audio/speech") { Content = SpeechRequests.Json(new { model = "tts-1", input = "Cross origin.", seed = 2 }) };
        foreign.Headers.Add("Origin", "https://evil.example");
        using var refused = await fixture.Http.SendAsync(foreign);
        var message = await OpenAiErrorAssert.IsErrorAsync(refused, HttpStatusCode.Forbidden, "invalid_request_error", null, "cross_origin_refused");
        Assert.Contains("https://evil.example", message);

        using var own = new HttpRequestMessage(HttpMethod.Post, "/v1/audio/speech") { Content = SpeechRequests.Json(new { model = "tts-1", input = "Same origin.", seed = 2 }) };
        own.Headers.Add("Origin", fixture.Server.BaseAddress.GetLeftPart(UriPartial.Authority));
        using var served = await fixture.Http.SendAsync(own);
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
    }

    [Fact]
    public async Task AnUnknownRouteIs404InOpenAiShape()
    {
        using var response = await fixture.Http.GetAsync("/v1/audio/transcriptions");

        var message = await OpenAiErrorAssert.IsErrorAsync(response, HttpStatusCode.NotFound, "invalid_request_error", null, "unknown_url");
        Assert.Contains("GET /v1/audio/transcriptions", message);
    }

    [Fact]
    public async Task AWrongMethodIs405NamingTheAllowedOne()
    {
        using var response = await fixture.Http.GetAsync("/v1/audio/speech");

        var message = await OpenAiErrorAssert.IsErrorAsync(response, HttpStatusCode.MethodNotAllowed, "invalid_request_error", null, "method_not_allowed");
        Assert.Contains("POST", message);
    }
}
