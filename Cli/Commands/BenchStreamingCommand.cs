using System.CommandLine;
using Qwen3Tts.Cli.Benchmarks;
using Qwen3Tts.Inference.Benchmarks;

namespace Qwen3Tts.Cli.Commands;

/// <summary>
/// `qwen3-tts bench streaming`: audio chunks from a grain to an external client over TCP, through an
/// IAsyncEnumerable grain method (what ISynthesisGrain uses) and through an Orleans memory stream.
/// </summary>
internal static class BenchStreamingCommand
{
    private const int SamplesPerFrame = 1920; // 80 ms of 24 kHz audio

    /// <summary>One frame (what the vocoder emits per step) and one 64-frame window, as float32 bytes.</summary>
    private static readonly (string Name, int Bytes)[] ChunkSizes =
    [
        ("1 frame", SamplesPerFrame * sizeof(float)),
        ("64 frames", 64 * SamplesPerFrame * sizeof(float)),
    ];

    public static Command Create()
    {
        var chunks = new Option<int>("--chunks") { Description = "Chunks per run", DefaultValueFactory = _ => 40 };
        var interval = new Option<int>("--interval-ms") { Description = "Milliseconds the producer waits before each chunk (80 mimics real-time generation)", DefaultValueFactory = _ => 0 };
        var runs = new Option<int>("--runs") { Description = "Timed runs per mode and chunk size, after one warm-up run", DefaultValueFactory = _ => 3 };
        var command = new Command("streaming", "Grain-to-client audio chunks: IAsyncEnumerable grain method vs Orleans memory stream, one silo and one client over localhost TCP")
        {
            chunks, interval, runs,
        };
        chunks.Validators.Add(result => AtLeast(result, 1));
        runs.Validators.Add(result => AtLeast(result, 1));
        interval.Validators.Add(result => AtLeast(result, 0));
        command.SetAction(async (parse, cancellationToken) =>
        {
            var (chunkCount, intervalMs, runCount) = (parse.GetValue(chunks), parse.GetValue(interval), parse.GetValue(runs));
            var output = parse.InvocationConfiguration.Output;
            output.WriteLine($"machine: {BenchMachine.Describe()}");
            output.WriteLine($"streaming: {chunkCount} chunks per run, producer interval {intervalMs} ms, {runCount} timed runs after 1 warm-up; one silo + one external client over TCP on 127.0.0.1 (Orleans memory stream with default pulling-agent settings)");
            output.WriteLine("  gap = arrival minus previous arrival minus the producer interval (the delay the transport adds)");

            await using var cluster = await StreamingBenchCluster.StartAsync(cancellationToken);
            var benchmark = new StreamingBenchmark(cluster.Client);
            foreach (var (name, bytes) in ChunkSizes)
            {
                output.WriteLine($"chunk {bytes / 1024.0:F1} KiB ({name}):");
                output.WriteLine($"  {"mode",-26} {"delivered",10} {"first ms",9} {"gap mean ms",12} {"gap p95 ms",11} {"MB/s",9}");
                var stats = new Dictionary<StreamingMode, StreamingStats>();
                foreach (var mode in Enum.GetValues<StreamingMode>())
                {
                    await benchmark.RunAsync(mode, chunkCount, bytes, intervalMs, cancellationToken);
                    var timed = new List<StreamingRun>();
                    for (var run = 0; run < runCount; run++)
                    {
                        timed.Add(await benchmark.RunAsync(mode, chunkCount, bytes, intervalMs, cancellationToken));
                    }
                    var s = stats[mode] = StreamingStats.From(timed, chunkCount, intervalMs);
                    output.WriteLine($"  {Label(mode),-26} {$"{s.Delivered}/{s.Expected}",10} {s.FirstChunkMs,9:F2} {s.GapMeanMs,12:F3} {s.GapP95Ms,11:F3} {s.MegabytesPerSecond,9:F1}");
                }
                var (a, b) = (stats[StreamingMode.AsyncEnumerable], stats[StreamingMode.OrleansStream]);
                output.WriteLine($"  {"ratio stream/enumerable",-26} {"",10} {Ratio(b.FirstChunkMs, a.FirstChunkMs),9} {Ratio(b.GapMeanMs, a.GapMeanMs),12} {Ratio(b.GapP95Ms, a.GapP95Ms),11} {Ratio(b.MegabytesPerSecond, a.MegabytesPerSecond),9}");
            }
            return 0;
        });
        return command;
    }

    private static void AtLeast(System.CommandLine.Parsing.OptionResult result, int minimum)
    {
        if (result.GetValueOrDefault<int>() < minimum)
        {
            result.AddError($"{result.Option.Name} must be at least {minimum}");
        }
    }

    private static string Label(StreamingMode mode) => mode switch
    {
        StreamingMode.AsyncEnumerable => "IAsyncEnumerable<byte[]>",
        _ => "Orleans memory stream",
    };

    private static string Ratio(double b, double a) =>
        double.IsFinite(b) && double.IsFinite(a) && a != 0 ? $"x{b / a:F2}" : "-";
}
