using System.CommandLine;
using System.Globalization;
using Qwen3Tts.Grains;
using Qwen3Tts.Silo;

namespace Qwen3Tts.Cli.Commands;

/// <summary>
/// `qwen3-tts serve`: the single-machine server. One process hosts every role and the OpenAI-compatible HTTP
/// API (plus the web page and /dashboard) until Ctrl-C.
/// </summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        var port = new Option<int>("--port", "-p") { Description = "HTTP port", DefaultValueFactory = _ => 8080 };
        var host = new Option<string>("--host") { Description = "Address to listen on (0.0.0.0 for every interface; the default serves this machine only)", DefaultValueFactory = _ => "127.0.0.1" };
        var config = new Option<string?>("--config", "-c") { Description = "cluster.json for cluster ids, ports, model and gateway settings (default: ./cluster.json if present)" };
        var models = ModelsListCommand.ModelsDirectoryOption();
        var vocoder = ModelsListCommand.VocoderOption();
        var talkerEngine = TalkerEngineOption.Create();
        var quant = SiloCommand.QuantOverride();
        var eos = SiloCommand.EosOverride();
        var siloPort = SiloCommand.SiloPortOption();
        var gatewayPort = SiloCommand.GatewayPortOption();
        var voices = new Option<string?>("--voices") { Description = "Directory of named voices (NAME.json / NAME.npy) requests may use (default: ~/.local/share/qwen3-tts/voices)" };
        var command = new Command("serve",
            "Run the OpenAI-compatible speech server on this machine (POST /v1/audio/speech, a web page at /, /dashboard), every model in this process, until Ctrl-C")
        {
            port, host, config, models, voices, vocoder, talkerEngine, quant, eos, siloPort, gatewayPort,
        };
        command.SetAction(async (parse, ct) =>
        {
            var args = new List<string>();
            SiloCommand.Add(args, "--config", parse.GetValue(config));
            SiloCommand.Add(args, "--models", parse.GetValue(models) is { } directory ? ModelsListCommand.ModelsDirectory(directory) : null);
            SiloCommand.Add(args, "--voices", parse.GetValue(voices));
            SiloCommand.Add(args, "--vocoder", SiloCommand.VocoderArgument(parse.GetValue(vocoder)));
            SiloCommand.Add(args, "--talker-engine", TalkerEngineOption.Argument(parse.GetValue(talkerEngine)));
            SiloCommand.Add(args, "--quant", SiloCommand.QuantArgument(parse.GetValue(quant)));
            SiloCommand.Add(args, "--eos", SiloCommand.EosArgument(parse.GetValue(eos)));
            SiloCommand.Add(args, "--roles", string.Join(',', GrainRoles.Talker, GrainRoles.Predictor, GrainRoles.Vocoder, GrainRoles.Gateway));
            SiloCommand.Add(args, "--urls", Url(parse.GetValue(host)!, parse.GetValue(port)));
            SiloCommand.AddPorts(args, parse.GetValue(siloPort), parse.GetValue(gatewayPort));
            return await SiloCommand.RunAsync(SiloHosting.LoadSettings([.. args]), parse.InvocationConfiguration.Error, ct);
        });
        return command;
    }

    private static string Url(string host, int port)
    {
        if (port is < 0 or > 65535)
        {
            throw new ArgumentException($"--port {port} is not a TCP port (0..65535)");
        }
        var bracketed = host.Contains(':') && !host.StartsWith('[') ? $"[{host}]" : host;
        return string.Create(CultureInfo.InvariantCulture, $"http://{bracketed}:{port}");
    }
}
