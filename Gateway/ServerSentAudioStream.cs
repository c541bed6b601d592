using System.Text;
using Microsoft.AspNetCore.Http;

namespace Qwen3Tts.Gateway;

/// <summary>
/// A write-only stream that turns every write into one OpenAI <c>speech.audio.delta</c> server-sent event
/// (<c>data: {"type":"speech.audio.delta","audio":"BASE64"}</c>), so the same <see cref="Inference.Audio.WavWriter"/>
/// that streams plain audio also streams events. <see cref="CompleteAsync"/> sends <c>speech.audio.done</c>.
/// </summary>
public sealed class ServerSentAudioStream(HttpResponse response) : Stream
{
    public const string ContentType = "text/event-stream";

    private static readonly byte[] DeltaStart = Encoding.ASCII.GetBytes("data: {\"type\":\"speech.audio.delta\",\"audio\":\"");
    private static readonly byte[] DeltaEnd = Encoding.ASCII.GetBytes("\"}\n\n");
    private static readonly byte[] Done = Encoding.ASCII.GetBytes("data: {\"type\":\"speech.audio.done\"}\n\n");

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.IsEmpty)
        {
            return;
        }
        await response.Body.WriteAsync(DeltaStart, cancellationToken);
        await response.Body.WriteAsync(Encoding.ASCII.GetBytes(Convert.ToBase64String(buffer.Span)), cancellationToken);
        await response.Body.WriteAsync(DeltaEnd, cancellationToken);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public Task CompleteAsync(CancellationToken cancellationToken) => response.Body.WriteAsync(Done, cancellationToken).AsTask();

    public override Task FlushAsync(CancellationToken cancellationToken) => response.Body.FlushAsync(cancellationToken);

    // ASP.NET forbids synchronous I/O on the response; the writer only uses the async paths.
    public override void Flush() => throw new NotSupportedException("use FlushAsync");

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException("use WriteAsync");

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}
