using Qwen3Tts.Tests.Gateway;
using Qwen3Tts.Tests.Voices;

namespace Qwen3Tts.Tests.Browser;

/// <summary>
/// The page on a server with API keys (and no models): the key typed in the page goes with the voice upload too,
/// so without it the server's 401 is shown next to the clone form, and with it the request gets past the key check
/// to the next refusal (no silo to encode on, a 503).
/// </summary>
public sealed class WebPageApiKeyBrowserTests(GatewayOnlyFixture fixture) : IClassFixture<GatewayOnlyFixture>, IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private readonly string _files = Directory.CreateTempSubdirectory("qwen3-page-keyed-").FullName;

    [ChromiumFact]
    public async Task TheVoiceUploadCarriesThePagesApiKey()
    {
        var clip = CloneFixtures.WriteReferenceWav(_files, "keyed.wav");
        await using var page = await ChromiumPage.OpenAsync(fixture.Server.BaseAddress, Timeout);
        await page.WaitUntilAsync("document.getElementById('status').textContent.startsWith('Could not list voices')", Timeout);
        await page.SetFileInputFilesAsync("#clone-file", [clip]);
        await page.WaitUntilAsync("document.getElementById('clone-form').dataset.state === 'ready'", Timeout);

        var withoutKey = await SaveAsync(page);
        Assert.Contains("didn't provide an API key", withoutKey);

        await page.EvaluateAsync($"""
            const key = document.getElementById('key');
            key.value = '{GatewayOnlyFixture.ApiKey}';
            key.dispatchEvent(new Event('change'));
            """);
        await page.WaitUntilAsync("document.getElementById('status').textContent === ''", Timeout);
        var withKey = await SaveAsync(page);
        Assert.Contains("no live silo hosts the", withKey);
        Assert.Equal(GatewayOnlyFixture.ApiKey, (string?)await page.EvaluateAsync("sessionStorage.getItem('qwen3-tts-key')"));
        // The browser logs each refused request; nothing else went wrong.
        Assert.All(page.Errors, e => Assert.Matches("status of (401|503)", e));
    }

    private static async Task<string> SaveAsync(ChromiumPage page)
    {
        await page.EvaluateAsync("""
            document.getElementById('clone-text').value = 'Some reference words.';
            document.getElementById('clone-name').value = 'keyed';
            document.getElementById('clone-form').dataset.state = 'sending';
            document.getElementById('clone-save').click();
            """);
        await page.WaitUntilAsync("['error', 'saved'].includes(document.getElementById('clone-form').dataset.state)", Timeout);
        return (string)(await page.EvaluateAsync("document.getElementById('clone-status').textContent"))!;
    }

    public void Dispose() => Directory.Delete(_files, recursive: true);
}
