using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace Qwen3Tts.Inference.Talker;

/// <summary>
/// KV states of prompt prefixes, keyed by the prefix rows themselves (a SHA-256 of their bits, then compared row
/// for row on a hit), so a changed voice, language or model can never be served a stale state. Bounded by bytes;
/// the least recently used entry is dropped first. Thread-safe.
/// </summary>
internal sealed class TalkerPrefixCache(long capacityBytes)
{
    private readonly Dictionary<string, LinkedListNode<Entry>> _entries = new(StringComparer.Ordinal);
    private readonly LinkedList<Entry> _recency = new();
    private long _bytes;
    private long _hits;
    private long _misses;

    public bool Enabled => capacityBytes > 0;

    /// <summary>Bytes held (states and the rows that key them).</summary>
    public long Bytes
    {
        get
        {
            lock (_entries)
            {
                return _bytes;
            }
        }
    }

    public int Count
    {
        get
        {
            lock (_entries)
            {
                return _entries.Count;
            }
        }
    }

    public long Hits => Interlocked.Read(ref _hits);

    public long Misses => Interlocked.Read(ref _misses);

    /// <summary>The state saved for exactly these rows, or null (counted as a miss).</summary>
    public byte[]? Find(ReadOnlySpan<float> rows)
    {
        var key = Key(rows);
        lock (_entries)
        {
            if (_entries.TryGetValue(key, out var node) && MemoryMarshal.AsBytes(node.Value.Rows.AsSpan()).SequenceEqual(MemoryMarshal.AsBytes(rows)))
            {
                _recency.Remove(node);
                _recency.AddFirst(node);
                Interlocked.Increment(ref _hits);
                return node.Value.State;
            }
        }
        Interlocked.Increment(ref _misses);
        return null;
    }

    /// <summary>Keeps the state of these rows (a state larger than the whole cache is not kept).</summary>
    public void Add(ReadOnlySpan<float> rows, byte[] state)
    {
        var entry = new Entry(Key(rows), rows.ToArray(), state);
        if (entry.Bytes > capacityBytes)
        {
            return;
        }
        lock (_entries)
        {
            if (_entries.Remove(entry.Key, out var old))
            {
                Drop(old);
            }
            while (_bytes + entry.Bytes > capacityBytes && _recency.Last is { } last)
            {
                _entries.Remove(last.Value.Key);
                Drop(last);
            }
            _entries[entry.Key] = _recency.AddFirst(entry);
            _bytes += entry.Bytes;
        }
    }

    public void Clear()
    {
        lock (_entries)
        {
            _entries.Clear();
            _recency.Clear();
            _bytes = 0;
        }
    }

    private void Drop(LinkedListNode<Entry> node)
    {
        _recency.Remove(node);
        _bytes -= node.Value.Bytes;
    }

    private static string Key(ReadOnlySpan<float> rows) => Convert.ToHexString(SHA256.HashData(MemoryMarshal.AsBytes(rows)));

    private sealed record Entry(string Key, float[] Rows, byte[] State)
    {
        public long Bytes => State.LongLength + Rows.LongLength * sizeof(float);
    }
}
