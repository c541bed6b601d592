using Microsoft.Extensions.Hosting;
using Qwen3Tts.Silo;

// dotnet run --project Silo -- [--config cluster.json] [--silo NAME] [--roles talker,predictor] [--models DIR]
// With no cluster.json and no arguments: one localhost silo hosting every role.
var settings = SiloHosting.LoadSettings(args);
var builder = Host.CreateApplicationBuilder();
builder.UseOrleans(silo => silo.UseTtsCluster(settings));
await builder.Build().RunAsync();
