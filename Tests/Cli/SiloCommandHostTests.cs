using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Qwen3Tts.Cli.Benchmarks;
using Qwen3Tts.Cli.Commands;
using Qwen3Tts.Silo;

namespace Qwen3Tts.Tests.Cli;

/// <summary>`serve` and `silo` run inside the CLI program, which also holds the streaming benchmark's grain.</summary>
public sealed class SiloCommandHostTests
{
    [Fact]
    public void ASiloStartedByTheCliDoesNotOfferTheBenchmarkGrain()
    {
        var settings = SiloHosting.LoadSettings(["--roles", "gateway", "--port", "0"]);

        using var plain = SiloApp.Build(settings);
        using var fromCli = SiloApp.Build(settings, SiloCommand.ConfigureHost);

        Assert.Contains(typeof(StreamingBenchGrain), plain.Services.GetRequiredService<IOptions<GrainTypeOptions>>().Value.Classes);
        Assert.DoesNotContain(typeof(StreamingBenchGrain), fromCli.Services.GetRequiredService<IOptions<GrainTypeOptions>>().Value.Classes);
    }
}
