using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Qwen3Tts.Silo.Clustering;
using Qwen3Tts.Tests.Formats;

namespace Qwen3Tts.Tests.Cluster;

/// <summary>
/// The localhost membership file's own rules, without silos: Orleans' version and etag checks, and a row whose silo
/// process is gone from this machine turning dead at once (a silo killed with every other one of its cluster left a
/// row Orleans believed active for minutes, and the next silo started could not accept clients until then).
/// </summary>
public sealed class FileMembershipTableTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    private FileMembershipTable Table(LocalProcessIdentity? process = null) => new(new FileMembershipTableOptions { Directory = _dir.Path, Process = process ?? LocalProcessIdentity.Current },
        Options.Create(new ClusterOptions { ClusterId = "c", ServiceId = "s" }), NullLogger<FileMembershipTable>.Instance);

    private static MembershipEntry Entry(int port) => new()
    {
        SiloAddress = SiloAddress.New(new IPEndPoint(IPAddress.Loopback, port), 1),
        Status = SiloStatus.Active,
        SiloName = $"silo-{port}",
        HostName = "localhost",
        StartTime = DateTime.UtcNow,
        IAmAliveTime = DateTime.UtcNow,
    };

    [Fact]
    public async Task WritesFollowTheVersionAndEtagRules()
    {
        var table = Table();
        await table.InitializeMembershipTable(true);
        var empty = await table.ReadAll();
        Assert.True(await table.InsertRow(Entry(1001), empty.Version.Next()));
        Assert.False(await table.InsertRow(Entry(1002), empty.Version.Next()), "a stale table version must be refused");

        var read = await table.ReadAll();
        var (entry, etag) = Assert.Single(read.Members);
        entry.Status = SiloStatus.ShuttingDown;
        Assert.False(await table.UpdateRow(entry, etag + "x", read.Version.Next()), "a stale row etag must be refused");
        Assert.True(await table.UpdateRow(entry, etag, read.Version.Next()));
        Assert.Equal(SiloStatus.ShuttingDown, Assert.Single((await table.ReadAll()).Members).Item1.Status);
    }

    [Fact]
    public async Task ARowWhoseProcessIsGoneIsDeadAndALiveOneIsNot()
    {
        var table = Table();
        await table.InitializeMembershipTable(true);
        Assert.True(await table.InsertRow(Entry(2001), (await table.ReadAll()).Version.Next()));

        // A second silo's row, inserted by a process that was killed since (as a crash leaves it).
        using (var other = Process.Start(new ProcessStartInfo("sleep", "60") { UseShellExecute = false })!)
        {
            var identity = OfRunning(other.Id);
            var otherTable = Table(identity);
            Assert.True(await otherTable.InsertRow(Entry(2002), (await otherTable.ReadAll()).Version.Next()));
            Assert.All((await table.ReadAll()).Members, m => Assert.Equal(SiloStatus.Active, m.Item1.Status));
            other.Kill();
            await other.WaitForExitAsync();
        }

        var before = (await table.ReadAll()).Version.Version;
        var read = await table.ReadAll();
        var members = read.Members.ToDictionary(m => m.Item1.SiloName, m => m.Item1.Status);
        Assert.Equal(SiloStatus.Active, members["silo-2001"]);
        Assert.Equal(SiloStatus.Dead, members["silo-2002"]);
        Assert.Equal(before, read.Version.Version);
    }

    private static LocalProcessIdentity OfRunning(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return new LocalProcessIdentity(pid, long.Parse(fields[19], System.Globalization.CultureInfo.InvariantCulture), LocalProcessIdentity.Current!.PidNamespace);
    }

    public void Dispose() => _dir.Dispose();
}
