using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Qwen3Tts.Silo;

namespace Qwen3Tts.Cli.Commands;

/// <summary>`qwen3-tts silo --roles talker,predictor`: run this machine as one silo of a cluster until Ctrl-C.</summary>
internal static class SiloCommand
{
    public static Command Create()
    {
        var roles = new Option<string?>("--roles", "-r") { Description = "Roles this silo hosts, comma-separated: talker, predictor, vocoder, gateway (default: the cluster.json entry's roles)" };
        var config = new Option<string?>("--config", "-c") { Description = "cluster.json to join (default: ./cluster.json if present, else one localhost silo)" };
        var silo = new Option<string?>("--silo") { Description = "Which cluster.json silo entry this process is (default: the first)" };
        var models = ModelsListCommand.ModelsDirectoryOption();
        var port = new Option<int?>("--port", "-p") { Description = "HTTP port of the gateway role (keeps the hosts of cluster.json gateway.urls)" };
        var host = new Option<string?>("--host") { Description = "This board's IP address, the one the other silos reach it at (default: the cluster.json entry's host)" };
        var siloPort = SiloPortOption();
        var gatewayPort = GatewayPortOption();
        var vocoder = ModelsListCommand.VocoderOption();
        var talkerEngine = TalkerEngineOption.Create();
        var quant = QuantOverride();
        var eos = EosOverride();
        var command = new Command("silo",
            "Start one silo of a cluster with the given roles and run until Ctrl-C; it loads only its roles' models, and a silo with the gateway role serves the HTTP API and /dashboard")
        {
            roles, config, silo, models, port, vocoder, talkerEngine, quant, eos, host, siloPort, gatewayPort,
        };
        command.SetAction(async (parse, ct) =>
        {
            var args = new List<string>();
            Add(args, "--config", parse.GetValue(config));
            Add(args, "--roles", parse.GetValue(roles));
            Add(args, "--silo", parse.GetValue(silo));
            Add(args, "--models", parse.GetValue(models) is { } directory ? ModelsListCommand.ModelsDirectory(directory) : null);
            Add(args, "--port", parse.GetValue(port)?.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Add(args, "--vocoder", VocoderArgument(parse.GetValue(vocoder)));
            Add(args, "--talker-engine", TalkerEngineOption.Argument(parse.GetValue(talkerEngine)));
            Add(args, "--quant", QuantArgument(parse.GetValue(quant)));
            Add(args, "--eos", EosArgument(parse.GetValue(eos)));
            Add(args, "--host", parse.GetValue(host));
            AddPorts(args, parse.GetValue(siloPort), parse.GetValue(gatewayPort));
            return await RunAsync(SiloHosting.LoadSettings([.. args]), parse.InvocationConfiguration.Error, ct);
        });
        return command;
    }

    /// <summary>`--quant` for a silo: unset keeps cluster.json's <c>quant</c>.</summary>
    internal static Option<string?> QuantOverride() => new("--quant")
    {
        Description = "Precision an official snapshot is loaded in: f32, bf16, f16, q8_0 or q4_0 (default: cluster.json quant, else q8_0)",
    };

    /// <summary>`--eos` for a silo: the mode of requests that name none; unset keeps cluster.json's <c>eos</c>.</summary>
    internal static Option<string?> EosOverride() => new("--eos")
    {
        Description = "How requests that name no EOS mode end: official (default), seed or never",
    };

    /// <summary>`--quant` and `--eos` checked here too: a typo is a usage error naming the accepted values.</summary>
    internal static string? QuantArgument(string? option) =>
        option is null ? null : Inference.Checkpoints.WeightPrecisionNames.Parse(option).ToString();

    internal static string? EosArgument(string? option) =>
        option is null ? null
            : Inference.Sampling.EosModes.TryParse(option, out var mode) ? mode.ToString() : throw new ArgumentException($"unknown --eos '{option}'; use official, seed or never");

    /// <summary>`--vocoder` checked here, so a typo is a usage error rather than a configuration-binding failure.</summary>
    internal static string? VocoderArgument(string? option) => option is null ? null : ModelsListCommand.VocoderEngine(option).ToString();

    internal static Option<int?> SiloPortOption() =>
        new("--silo-port") { Description = "Orleans silo-to-silo port (default: the cluster.json entry's, else 11111)" };

    internal static Option<int?> GatewayPortOption() =>
        new("--gateway-port") { Description = "Orleans client gateway port (clients such as `speak --cluster` take it from cluster.json; default: the entry's there, else 30000)" };

    internal static void AddPorts(List<string> args, int? siloPort, int? gatewayPort)
    {
        Add(args, "--silo-port", siloPort?.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Add(args, "--gateway-port", gatewayPort?.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    internal static void Add(List<string> args, string name, string? value)
    {
        if (value is not null)
        {
            args.Add(name);
            args.Add(value);
        }
    }

    /// <summary>Starts the silo, says where it serves, and stops it cleanly when <paramref name="cancellationToken"/> fires (Ctrl-C).</summary>
    internal static async Task<int> RunAsync(ClusterSettings settings, TextWriter error, CancellationToken cancellationToken)
    {
        var entry = settings.ResolveSilo();
        using var host = SiloApp.Build(settings, ConfigureHost);
        await SiloApp.StartAsync(host, cancellationToken);
        error.WriteLine($"silo '{entry.Name}' is up with roles {string.Join(", ", entry.Roles)} (cluster '{settings.Cluster.ClusterId}', silo port {entry.SiloPort}, gateway port {entry.GatewayPort})");
        foreach (var address in SiloApp.HttpAddresses(host))
        {
            error.WriteLine($"HTTP API: {address}  (web page {address}/, dashboard {address}{SiloApp.DashboardPath}, OpenAPI {address}/openapi/v1.json)");
        }
        error.WriteLine("Press Ctrl-C to stop.");
        await host.WaitForShutdownAsync(cancellationToken);
        return CliExitCodes.Ok;
    }

    internal static void ConfigureHost(IHostApplicationBuilder builder)
    {
        ConfigureLogging(builder.Logging);
        // This program also carries `bench streaming`'s grain; a production silo must not offer it.
        builder.Services.Configure<Orleans.Configuration.GrainTypeOptions>(o => o.Classes.Remove(typeof(Benchmarks.StreamingBenchGrain)));
    }

    // Orleans is chatty at Information; a server on a terminal shows warnings and errors unless QWEN3_TTS_LOG asks for more.
    private static void ConfigureLogging(ILoggingBuilder logging)
    {
        var asked = Environment.GetEnvironmentVariable("QWEN3_TTS_LOG") is { } l && Enum.TryParse<LogLevel>(l, true, out var parsed) ? parsed : (LogLevel?)null;
        var level = asked ?? LogLevel.Warning;
        logging.ClearProviders()
            .SetMinimumLevel(level)
            // Orleans' watchdog starts its platform thread before it stamps the component thread's clock, so its first
            // look often finds the clock at zero and warns "Participant check thread has not completed for 03:51:21 ...
            // deadlock" at every start (that duration is the machine's uptime, measured here). Its real stall warnings
            // still show when QWEN3_TTS_LOG asks for a level; the stalls count in Orleans' health score either way.
            .AddFilter("Orleans.Runtime.Watchdog", asked ?? LogLevel.Error)
            // One line per synthesis (id, voice, characters, frames, RTF, status), even when the rest shows warnings only.
            .AddFilter(Qwen3Tts.Gateway.SpeechEndpoints.RequestLogCategory, level < LogLevel.Information ? level : LogLevel.Information)
            .AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss "; })
            .AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
    }
}
