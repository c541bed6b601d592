using Microsoft.Extensions.Hosting;
using Qwen3Tts.Grains;
using Qwen3Tts.Grains.Hosting;
using Qwen3Tts.Inference.Models.Store;

namespace Qwen3Tts.Tests.Cluster;

public sealed class RoleWiringTests
{
    [Fact]
    public void A_declared_role_without_its_model_files_stops_the_silo_with_the_missing_files_message()
    {
        var empty = Directory.CreateTempSubdirectory("qwen3tts-empty-").FullName;
        try
        {
            var error = Assert.Throws<ModelFilesMissingException>(() =>
                Host.CreateApplicationBuilder().UseOrleans(silo => silo.AddTtsRoles(new TtsSiloOptions { Roles = [GrainRoles.Vocoder], ModelsDirectory = empty })));
            Assert.Contains("vocoder", error.Message);
            Assert.Contains(empty, error.Message);
        }
        finally
        {
            Directory.Delete(empty, recursive: true);
        }
    }

    [Fact]
    public void A_gateway_only_silo_needs_no_model_files()
    {
        var empty = Directory.CreateTempSubdirectory("qwen3tts-empty-").FullName;
        try
        {
            Host.CreateApplicationBuilder().UseOrleans(silo => silo.AddTtsRoles(new TtsSiloOptions { Roles = [GrainRoles.Gateway], ModelsDirectory = empty }));
        }
        finally
        {
            Directory.Delete(empty, recursive: true);
        }
    }
}
