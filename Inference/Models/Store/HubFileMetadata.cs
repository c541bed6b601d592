using System.Net.Http.Headers;

namespace Qwen3Tts.Inference.Models.Store;

/// <summary>
/// What the Hugging Face resolve endpoint tells about a file. LFS files carry their size and
/// sha256 in <c>X-Linked-Size</c>/<c>X-Linked-Etag</c> on the redirect, not on the CDN response,
/// so these are collected across redirect hops.
/// </summary>
internal sealed class HubFileMetadata
{
    public long? LinkedSize { get; private set; }

    public string? Sha256 { get; private set; }

    public void Collect(HttpResponseMessage response)
    {
        if (FirstHeader(response.Headers, "X-Linked-Size") is { } size
            && long.TryParse(size, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var bytes))
        {
            LinkedSize = bytes;
        }

        // The linked etag of an LFS file is its sha256; a plain ETag is only a sha256 for LFS files
        // too (git blobs get a 40-hex sha1), so anything that is not 64 hex digits is ignored.
        var etag = AsSha256(FirstHeader(response.Headers, "X-Linked-Etag"))
            ?? AsSha256(response.Headers.ETag?.Tag);
        if (etag is not null)
        {
            Sha256 ??= etag;
        }
    }

    internal static string? AsSha256(string? etag)
    {
        if (etag is null)
        {
            return null;
        }

        var value = etag.Trim();
        if (value.StartsWith("W/", StringComparison.Ordinal))
        {
            value = value[2..];
        }

        value = value.Trim('"');
        return value.Length == 64 && value.All(char.IsAsciiHexDigit) ? value.ToLowerInvariant() : null;
    }

    private static string? FirstHeader(HttpResponseHeaders headers, string name) =>
        headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;
}
