using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace Qwen3Tts.Silo.Clustering;

/// <summary>
/// The membership table of localhost clustering: one JSON file per cluster that every silo of the machine reads and
/// writes under an exclusive file lock, with Orleans' version and etag checks. It replaces Orleans' development
/// clustering, whose table lives in the memory of a "primary" silo: when that silo restarted the table came back empty,
/// and Orleans 10 makes every other silo terminate on seeing its version decrease ("The development membership table
/// version decreased ... this silo must terminate"). Here no silo is special; a restarted silo declares its old entry
/// dead and joins again, and the others keep serving. A row whose silo process is gone from this machine (killed,
/// crashed, the board rebooted) is marked dead here at once: Orleans would wait minutes of missed heartbeats before
/// letting a new silo join past it (it must reach every active silo first), and a single silo restarted after a
/// crash would not accept clients until then.
/// </summary>
public sealed class FileMembershipTable(FileMembershipTableOptions options, IOptions<ClusterOptions> cluster, ILogger<FileMembershipTable> logger) : IMembershipTable
{
    private static readonly TimeSpan LockWait = TimeSpan.FromSeconds(10);

    private readonly string _path = options.ResolvePath(cluster.Value.ServiceId, cluster.Value.ClusterId);

    public string FilePath => _path;

    public Task InitializeMembershipTable(bool tryInitTableVersion) => LockedAsync(state =>
    {
        logger.LogInformation("localhost membership table: {Path} (version {Version}, {Count} entries)", _path, state.Version, state.Members.Count);
        return (false, true);
    });

    public Task DeleteMembershipTableEntries(string clusterId) => LockedAsync(state =>
    {
        state.Members.Clear();
        return (true, true);
    });

    public Task CleanupDefunctSiloEntries(DateTimeOffset beforeDate) => LockedAsync(state =>
    {
        var removed = state.Members.RemoveAll(m => m.Status == SiloStatus.Dead && LastUpdate(m) < beforeDate.UtcDateTime);
        return (removed > 0, true);
    });

    public async Task<MembershipTableData> ReadRow(SiloAddress key) =>
        await LockedAsync(state => (false, state.ToData(m => m.SiloAddress == key.ToParsableString())));

    public async Task<MembershipTableData> ReadAll() => await LockedAsync(state => (false, state.ToData(_ => true)));

    public async Task<bool> InsertRow(MembershipEntry entry, TableVersion tableVersion) => await LockedAsync(state =>
    {
        var address = entry.SiloAddress.ToParsableString();
        if (state.Members.Any(m => m.SiloAddress == address) || state.Etag != tableVersion.VersionEtag)
        {
            return (false, false);
        }
        // Only a silo inserts its own row: this process.
        state.Members.Add(MemberRecord.From(entry, state.NextEtag(), options.Process));
        state.Advance(tableVersion.Version);
        return (true, true);
    });

    public async Task<bool> UpdateRow(MembershipEntry entry, string etag, TableVersion tableVersion) => await LockedAsync(state =>
    {
        var address = entry.SiloAddress.ToParsableString();
        var index = state.Members.FindIndex(m => m.SiloAddress == address);
        if (index < 0 || state.Members[index].Etag != etag || state.Etag != tableVersion.VersionEtag)
        {
            return (false, false);
        }
        state.Members[index] = MemberRecord.From(entry, state.NextEtag(), state.Members[index].Process);
        state.Advance(tableVersion.Version);
        return (true, true);
    });

    // A heartbeat changes neither the row's etag nor the table version (Orleans' contract for UpdateIAmAlive).
    public Task UpdateIAmAlive(MembershipEntry entry) => LockedAsync(state =>
    {
        var address = entry.SiloAddress.ToParsableString();
        var member = state.Members.Find(m => m.SiloAddress == address);
        if (member is null)
        {
            return (false, true);
        }
        member.IAmAliveTime = entry.IAmAliveTime;
        return (true, true);
    });

    /// <summary>Marks dead the rows of silos whose process this machine shows is gone; true when any was.</summary>
    private bool ReapGoneProcesses(TableState state)
    {
        var reaped = false;
        foreach (var member in state.Members)
        {
            if (member.Status is SiloStatus.Dead or SiloStatus.None || member.Process?.IsGone() != true)
            {
                continue;
            }
            logger.LogInformation("localhost membership: silo {Silo} ({Name}) is dead, its process {Pid} is gone", member.SiloAddress, member.SiloName, member.Process.ProcessId);
            member.Status = SiloStatus.Dead;
            member.Etag = state.NextEtag();
            reaped = true;
        }
        if (reaped)
        {
            state.Advance(state.Version + 1);
        }
        return reaped;
    }

    private static DateTime LastUpdate(MemberRecord member) => member.IAmAliveTime > member.StartTime ? member.IAmAliveTime : member.StartTime;

    /// <summary>Reads the table under the lock, lets <paramref name="change"/> edit it, and writes it back (atomically) when it says so.</summary>
    private async Task<T> LockedAsync<T>(Func<TableState, (bool Write, T Result)> change)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
        await using var fileLock = await AcquireLockAsync();
        var state = Load();
        var reaped = ReapGoneProcesses(state);
        var (write, result) = change(state);
        if (write || reaped)
        {
            Save(state);
        }
        return result;
    }

    private async Task<FileStream> AcquireLockAsync()
    {
        var deadline = DateTime.UtcNow + LockWait;
        while (true)
        {
            try
            {
                // FileShare.None is an exclusive advisory lock (flock) on Unix, released by the kernel if the process dies.
                return new FileStream(_path + ".lock", FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.None);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(Random.Shared.Next(2, 10));
            }
        }
    }

    private TableState Load()
    {
        if (!File.Exists(_path))
        {
            return new TableState();
        }
        try
        {
            return JsonSerializer.Deserialize(File.ReadAllBytes(_path), MembershipJson.Default.TableState) ?? new TableState();
        }
        catch (JsonException e)
        {
            // Only this class writes the file, atomically; a broken one was edited by hand. Starting over loses no
            // state a running silo needs: each rewrites its own entry, and stale ones are probed and declared dead.
            logger.LogWarning(e, "the localhost membership table {Path} is not valid JSON; starting a new one", _path);
            return new TableState();
        }
    }

    private void Save(TableState state)
    {
        // Once every silo has left, the file goes: a cluster started later begins with an empty table.
        if (state.Members.Count == 0 || state.Members.All(m => m.Status == SiloStatus.Dead))
        {
            File.Delete(_path);
            return;
        }
        var temporary = $"{_path}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
        File.WriteAllBytes(temporary, JsonSerializer.SerializeToUtf8Bytes(state, MembershipJson.Default.TableState));
        File.Move(temporary, _path, overwrite: true);
    }
}

/// <summary>The table as stored: the version, its etag, and a record per silo.</summary>
public sealed class TableState
{
    public int Version { get; set; }

    public string Etag { get; set; } = "0";

    public long EtagCounter { get; set; }

    public List<MemberRecord> Members { get; set; } = [];

    public string NextEtag() => (++EtagCounter).ToString(CultureInfo.InvariantCulture);

    public void Advance(int version)
    {
        Version = version;
        Etag = NextEtag();
    }

    public MembershipTableData ToData(Func<MemberRecord, bool> filter) =>
        new([.. Members.Where(filter).Select(m => Tuple.Create(m.ToEntry(), m.Etag))], new TableVersion(Version, Etag));
}

/// <summary>One <see cref="MembershipEntry"/> with its etag, in plain JSON an operator can read.</summary>
public sealed class MemberRecord
{
    public string SiloAddress { get; set; } = "";

    public string Etag { get; set; } = "";

    public SiloStatus Status { get; set; }

    public string SiloName { get; set; } = "";

    public string HostName { get; set; } = "";

    public string? RoleName { get; set; }

    public int ProxyPort { get; set; }

    public int UpdateZone { get; set; }

    public int FaultZone { get; set; }

    public DateTime StartTime { get; set; }

    public DateTime IAmAliveTime { get; set; }

    public List<SuspectRecord> SuspectTimes { get; set; } = [];

    /// <summary>The process that inserted the row (not part of Orleans' entry).</summary>
    public LocalProcessIdentity? Process { get; set; }

    public static MemberRecord From(MembershipEntry entry, string etag, LocalProcessIdentity? process) => new()
    {
        Process = process,
        SiloAddress = entry.SiloAddress.ToParsableString(),
        Etag = etag,
        Status = entry.Status,
        SiloName = entry.SiloName,
        HostName = entry.HostName,
        RoleName = entry.RoleName,
        ProxyPort = entry.ProxyPort,
        UpdateZone = entry.UpdateZone,
        FaultZone = entry.FaultZone,
        StartTime = entry.StartTime,
        IAmAliveTime = entry.IAmAliveTime,
        SuspectTimes = [.. (entry.SuspectTimes ?? []).Select(s => new SuspectRecord { Silo = s.Item1.ToParsableString(), Time = s.Item2 })],
    };

    public MembershipEntry ToEntry() => new()
    {
        SiloAddress = Orleans.Runtime.SiloAddress.FromParsableString(SiloAddress),
        Status = Status,
        SiloName = SiloName,
        HostName = HostName,
        RoleName = RoleName,
        ProxyPort = ProxyPort,
        UpdateZone = UpdateZone,
        FaultZone = FaultZone,
        StartTime = DateTime.SpecifyKind(StartTime, DateTimeKind.Utc),
        IAmAliveTime = DateTime.SpecifyKind(IAmAliveTime, DateTimeKind.Utc),
        SuspectTimes = [.. SuspectTimes.Select(s => Tuple.Create(Orleans.Runtime.SiloAddress.FromParsableString(s.Silo), DateTime.SpecifyKind(s.Time, DateTimeKind.Utc)))],
    };
}

public sealed class SuspectRecord
{
    public string Silo { get; set; } = "";

    public DateTime Time { get; set; }
}

[System.Text.Json.Serialization.JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = System.Text.Json.Serialization.JsonKnownNamingPolicy.CamelCase,
    UseStringEnumConverter = true)]
[System.Text.Json.Serialization.JsonSerializable(typeof(TableState))]
internal sealed partial class MembershipJson : System.Text.Json.Serialization.JsonSerializerContext;
