using Microsoft.Extensions.Hosting;
using Qwen3Tts.Silo;

// dotnet run --project Silo -- [--config cluster.json] [--silo NAME] [--roles talker,predictor] [--models DIR]
// With no cluster.json and no arguments: one localhost silo hosting every role.
try
{
    var settings = SiloHosting.LoadSettings(args);
    var builder = Host.CreateApplicationBuilder();
    builder.UseOrleans(silo => silo.UseTtsCluster(settings));
    await builder.Build().RunAsync();
    return 0;
}
catch (Exception e) when (SiloStartupErrors.ExitCode(e) is { } code)
{
    // A board that lacks its models or has a bad cluster.json says so in one message, not a crash dump.
    Console.Error.WriteLine($"qwen3-tts-silo: {e.Message}");
    return code;
}
