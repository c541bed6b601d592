using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using Qwen3Tts.Grains;
using Qwen3Tts.Inference.Formats.Npy;
using Qwen3Tts.Tests.Formats;
using Qwen3Tts.Tests.Gateway;
using Qwen3Tts.Tests.Pipeline;
using Qwen3Tts.Tests.Voices;
using Xunit.Abstractions;

namespace Qwen3Tts.Tests.Reliability;

/// <summary>
/// The hostile voice files, end to end: a FIFO, links to /dev/zero and out of the library, a dangling link,
/// a shape overflow and a huge header in .npy, float codes, strings in speaker_embedding. Over HTTP each is a 400
/// naming the voice and the problem, at once (the FIFO starved /healthz, /dev/zero grew the process by 3.7 GB), and
/// never where the server keeps its files or where a link points; from the CLI each is exit code 2 with no output file.
/// </summary>
public sealed class HostileVoiceFileTests(TinyModelsFixture models, ITestOutputHelper output) : IClassFixture<TinyModelsFixture>, IDisposable
{
    private readonly TempDirectory _dir = new();

    private string Voices => _dir.File("voices");

    private static readonly string Frames = "[" + string.Join(",", Enumerable.Range(0, 16)) + "]";

    /// <summary>Name, and what the error must say.</summary>
    private (string Name, string Expected)[] WriteHostileVoices()
    {
        Directory.CreateDirectory(Voices);
        var outside = Directory.CreateDirectory(_dir.File("outside")).FullName;
        File.WriteAllText(Path.Combine(outside, "secret.json"), $$"""{"codec_tokens": [{{Frames}}]}""");
        VoiceLibraryTests.MakeFifo(Path.Combine(Voices, "fifo.json"));
        File.CreateSymbolicLink(Path.Combine(Voices, "zero.json"), "/dev/zero");
        File.CreateSymbolicLink(Path.Combine(Voices, "escape.json"), Path.Combine(outside, "secret.json"));
        File.CreateSymbolicLink(Path.Combine(Voices, "dangling.json"), Path.Combine(Voices, "gone.json"));
        var text = Encoding.ASCII.GetBytes("{'descr': '<i8', 'fortran_order': False, 'shape': (9223372036854775807, 16), }\n");
        File.WriteAllBytes(Path.Combine(Voices, "overflow.npy"), [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0, (byte)text.Length, 0, .. text]);
        byte[] huge = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 2, 0, 0xff, 0xff, 0xff, 0xff, .. new byte[64]];
        File.WriteAllBytes(Path.Combine(Voices, "hugeheader.npy"), huge);
        NpyWriter.Write(Path.Combine(Voices, "floats.npy"), [.. Enumerable.Range(0, 32).Select(i => i + 0.5f)], [2, 16]);
        // Links to each other: resolving them fails with a system error that names the path.
        File.CreateSymbolicLink(Path.Combine(Voices, "loop.json"), Path.Combine(Voices, "loop2.json"));
        File.CreateSymbolicLink(Path.Combine(Voices, "loop2.json"), Path.Combine(Voices, "loop.json"));
        File.WriteAllText(Path.Combine(Voices, "strings.json"), $$"""{"codec_tokens": [{{Frames}}], "speaker_embedding": ["a", "b"]}""");
        return
        [
            ("fifo", "pipe or socket"),
            ("zero", "link out of the voice library"),
            ("escape", "link out of the voice library"),
            ("dangling", "does not exist"),
            ("overflow", "truncated or corrupt"),
            ("hugeheader", "implausibly large"),
            ("loop", "cannot be resolved"),
            ("floats", "expected an integer array"),
            ("strings", "speaker_embedding[0] is a string"),
        ];
    }

    [Fact]
    public async Task EachIsA400NamingTheProblemAndTheGatewayStaysResponsive()
    {
        var hostile = WriteHostileVoices();
        var settings = GatewayServer.Settings([GrainRoles.Talker, GrainRoles.Predictor, GrainRoles.Vocoder, GrainRoles.Gateway], models.Directory, gateway => gateway.VoicesDirectory = Voices);
        await using var server = await GatewayServer.StartAsync(settings);

        // All at once, several times over: a voice read that blocked or grew would starve the rest.
        var requests = hostile.SelectMany(v => Enumerable.Repeat(v, 3)).Select(async voice =>
        {
            var clock = Stopwatch.StartNew();
            using var response = await SpeechRequests.PostAsync(server.Http, new { model = "tts-1", input = "Hello.", voice = voice.Name });
            var body = await response.Content.ReadAsStringAsync();
            return (voice.Name, voice.Expected, response.StatusCode, Body: body, clock.Elapsed);
        }).ToList();
        using (var health = await server.Http.GetAsync("/healthz").WaitAsync(TimeSpan.FromSeconds(30)))
        {
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        }
        var answers = await Task.WhenAll(requests).WaitAsync(TimeSpan.FromSeconds(60));

        foreach (var (name, expected, status, body, elapsed) in answers)
        {
            Assert.True(status == HttpStatusCode.BadRequest, $"voice '{name}': {(int)status} {body}");
            var message = JsonDocument.Parse(body).RootElement.GetProperty("error").GetProperty("message").GetString()!;
            Assert.Contains(name, message);
            Assert.Contains(expected, message, StringComparison.OrdinalIgnoreCase);
            Assert.False(message.Contains(_dir.Path, StringComparison.Ordinal) || message.Contains("/dev/zero", StringComparison.Ordinal),
                $"voice '{name}': the error shows a server path: {message}");
        }
        ReliabilityReport.Record(output, $"hostile voice files over HTTP: {answers.Length} requests ({hostile.Length} kinds), all 400, slowest {answers.Max(a => a.Elapsed).TotalMilliseconds:F0} ms");
    }

    [Fact]
    public async Task EachIsExitCode2FromTheCliWithNoOutputFile()
    {
        // A path named on the command line is the user's own choice, so a link out of the library is followed there.
        foreach (var (name, _) in WriteHostileVoices().Where(v => v.Name != "escape"))
        {
            var path = Directory.GetFileSystemEntries(Voices, name + ".*").Single();
            var wav = _dir.File(name + ".wav");
            var error = new StringWriter();
            var code = await Qwen3Tts.Cli.CliApp.RunAsync(["speak", "Hello.", "--voice", path, "-o", wav, "--models", models.Directory], new StringWriter(), error)
                .WaitAsync(TimeSpan.FromSeconds(60));
            Assert.True(code == 2, $"voice '{name}': exit {code}: {error}");
            Assert.False(File.Exists(wav), $"voice '{name}' left {wav}");
            // The CLI is not the library (a path named on the command line is the user's own), so its words differ; the name is there.
            Assert.Contains(name, error.ToString());
        }
    }

    public void Dispose() => _dir.Dispose();
}
