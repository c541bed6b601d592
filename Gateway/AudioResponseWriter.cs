using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Qwen3Tts.Inference.Audio;
using Qwen3Tts.Inference.Models;

namespace Qwen3Tts.Gateway;

/// <summary>
/// Writes synthesized audio (24 kHz mono) to the HTTP response as 16-bit PCM, in a WAV container or raw.
/// Buffered responses are written only once the whole utterance exists, so a failure still gets a JSON
/// error and a success gets a Content-Length. Streamed responses start at the first audio and flush
/// every chunk; their WAV header carries the unknown-size marker (0xFFFFFFFF) that players read as
/// "until the end of the stream".
/// </summary>
public static class AudioResponseWriter
{
    public const string WavContentType = "audio/wav";
    public const string PcmContentType = "audio/pcm";
    public const string FlacContentType = "audio/flac";

    public static string ContentType(SpeechAudioFormat format) => format switch
    {
        SpeechAudioFormat.Wav => WavContentType,
        SpeechAudioFormat.Flac => FlacContentType,
        _ => PcmContentType,
    };

    public static async Task WriteBufferedAsync(HttpResponse response, SpeechAudioFormat format, IAsyncEnumerable<float[]> audio, CancellationToken cancellationToken)
    {
        if (format == SpeechAudioFormat.Flac)
        {
            await WriteFlacAsync(response, audio, cancellationToken);
            return;
        }
        using var encoded = new MemoryStream();
        await using (var writer = new WavWriter(encoded, CodecAudio.SampleRate, 1, AudioFormatOf(format), leaveOpen: true))
        {
            await foreach (var samples in audio.WithCancellation(cancellationToken))
            {
                await writer.WriteSamplesAsync(samples, cancellationToken);
            }
        }
        response.ContentType = ContentType(format);
        response.ContentLength = encoded.Length;
        await response.Body.WriteAsync(encoded.GetBuffer().AsMemory(0, (int)encoded.Length), cancellationToken);
    }

    /// <summary>Chunked audio as it is generated: plain bytes, or OpenAI's server-sent events with <paramref name="events"/>.</summary>
    public static async Task WriteStreamingAsync(HttpResponse response, SpeechAudioFormat format, bool events, IAsyncEnumerable<float[]> audio, CancellationToken cancellationToken)
    {
        await using var chunks = audio.GetAsyncEnumerator(cancellationToken);
        // Wait for the first audio before committing to 200: a request that fails before any sound still gets a JSON error.
        var hasAudio = await chunks.MoveNextAsync();
        response.ContentType = events ? ServerSentAudioStream.ContentType : ContentType(format);
        response.HttpContext.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        await using var sink = events ? new ServerSentAudioStream(response) : null;
        await using (var writer = new WavWriter(sink ?? response.Body, CodecAudio.SampleRate, 1, AudioFormatOf(format), leaveOpen: true))
        {
            while (hasAudio)
            {
                await writer.WriteSamplesAsync(chunks.Current, cancellationToken);
                await response.Body.FlushAsync(cancellationToken);
                hasAudio = await chunks.MoveNextAsync();
            }
        }
        if (sink is not null)
        {
            await sink.CompleteAsync(cancellationToken);
        }
    }

    private static async Task WriteFlacAsync(HttpResponse response, IAsyncEnumerable<float[]> audio, CancellationToken cancellationToken)
    {
        var samples = new List<float>();
        await foreach (var chunk in audio.WithCancellation(cancellationToken))
        {
            samples.AddRange(chunk);
        }
        var encoded = FlacWriter.Encode(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(samples), CodecAudio.SampleRate);
        response.ContentType = FlacContentType;
        response.ContentLength = encoded.Length;
        await response.Body.WriteAsync(encoded, cancellationToken);
    }

    private static AudioFormat AudioFormatOf(SpeechAudioFormat format) =>
        format == SpeechAudioFormat.Wav ? AudioFormat.WavPcm16 : AudioFormat.RawPcm16;
}
