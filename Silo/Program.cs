using Microsoft.Extensions.Hosting;
using Qwen3Tts.Silo;

// dotnet run --project Silo -- [--config cluster.json] [--silo NAME] [--roles talker,predictor] [--models DIR]
//                              [--urls http://0.0.0.0:8080 | --port 8080] [--voices DIR]
// With no cluster.json and no arguments: one localhost silo hosting every role and the HTTP gateway.
try
{
    using var host = SiloApp.Build(SiloHosting.LoadSettings(args));
    await SiloApp.StartAsync(host);
    foreach (var address in SiloApp.HttpAddresses(host))
    {
        Console.Error.WriteLine($"qwen3-tts-silo: HTTP API on {address}");
    }
    await host.WaitForShutdownAsync();
    return 0;
}
catch (Exception e) when (SiloStartupErrors.ExitCode(e) is { } code)
{
    // A board that lacks its models or has a bad cluster.json says so in one message, not a crash dump.
    Console.Error.WriteLine($"qwen3-tts-silo: {e.Message}");
    return code;
}
