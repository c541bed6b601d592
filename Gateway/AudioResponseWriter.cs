using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Qwen3Tts.Inference.Audio.Encoders;

namespace Qwen3Tts.Gateway;

/// <summary>
/// Writes synthesized audio (24 kHz mono) to the HTTP response in the requested format, with OpenAI's content types.
/// Complete responses are encoded while the utterance is generated and sent once it is whole, so a failure still gets
/// a JSON error and a success gets a Content-Length and <see cref="DurationHeader"/>. Streamed responses start at the
/// first audio and flush every chunk; formats whose header holds totals write them as "unknown", and the duration goes
/// in a trailer where the client accepts trailers.
/// </summary>
public static class AudioResponseWriter
{
    /// <summary>Seconds of audio in the body, e.g. <c>2.560</c>; sent wherever the length is known before the body ends.</summary>
    public const string DurationHeader = "x-audio-duration";

    public static async Task WriteBufferedAsync(HttpResponse response, SpeechFormat format, IAsyncEnumerable<float[]> audio, AudioEncoderOptions options, CancellationToken cancellationToken)
    {
        await using var encoded = new PooledResponseBuffer();
        long samples;
        await using (var encoder = AudioEncoders.Create(format, encoded, options with { Streaming = false }))
        {
            await foreach (var chunk in audio.WithCancellation(cancellationToken))
            {
                await encoder.WriteAsync(chunk, cancellationToken);
            }
            await encoder.CompleteAsync(cancellationToken);
            samples = encoder.SamplesWritten;
        }
        response.ContentType = format.ContentType();
        response.ContentLength = encoded.Length;
        response.Headers[DurationHeader] = Seconds(samples, options.SampleRate);
        await encoded.WriteToAsync(response.Body, cancellationToken);
    }

    /// <summary>Chunked audio as it is generated: the encoded bytes, or OpenAI's server-sent events with <paramref name="events"/>.</summary>
    public static async Task WriteStreamingAsync(HttpResponse response, SpeechFormat format, bool events, IAsyncEnumerable<float[]> audio, AudioEncoderOptions options, CancellationToken cancellationToken)
    {
        await using var chunks = audio.GetAsyncEnumerator(cancellationToken);
        // Wait for the first audio before committing to 200: a request that fails before any sound still gets a JSON error.
        var hasAudio = await chunks.MoveNextAsync();
        response.ContentType = events ? ServerSentAudioStream.ContentType : format.ContentType();
        response.HttpContext.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        await using var sink = events ? new ServerSentAudioStream(response) : null;
        long samples;
        await using (var encoder = AudioEncoders.Create(format, sink ?? response.Body, options with { Streaming = true }))
        {
            while (hasAudio)
            {
                await encoder.WriteAsync(chunks.Current, cancellationToken);
                hasAudio = await chunks.MoveNextAsync();
            }
            await encoder.CompleteAsync(cancellationToken);
            samples = encoder.SamplesWritten;
        }
        if (sink is not null)
        {
            await sink.CompleteAsync(cancellationToken);
        }
        if (response.SupportsTrailers())
        {
            response.AppendTrailer(DurationHeader, Seconds(samples, options.SampleRate));
        }
    }

    private static string Seconds(long samples, int sampleRate) =>
        (samples / (double)sampleRate).ToString("0.000", CultureInfo.InvariantCulture);
}
