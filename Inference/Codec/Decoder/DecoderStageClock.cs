using System.Diagnostics;

namespace Qwen3Tts.Inference.Codec.Decoder;

/// <summary>
/// Wall and process-CPU time of a decode pass, split by stage, for <c>qwen3-tts bench vocoder --layers</c>. A pass
/// calls <see cref="Lap"/> after each stage; the time since the previous lap goes to that stage's bucket. Only a
/// benchmark attaches one (<see cref="SpeechTokenizerDecoder.AttachStageClock"/>): in production the workspace has
/// none and a lap is one null check. CPU time is the whole process's (every decoder worker), so the ratio
/// CPU / wall of a stage says how many threads it kept busy.
/// </summary>
internal sealed class DecoderStageClock
{
    private readonly double[] _wallMs;
    private readonly double[] _cpuMs;
    private long _lastWall;
    private TimeSpan _lastCpu;

    public DecoderStageClock(DecoderNetwork network)
    {
        var names = new List<string> { "rvq + pre_conv", "transformer: matmuls", "transformer: norms, rope, attention" };
        UpsampleBase = names.Count;
        for (var s = 0; s < network.Upsample.Length; s++)
        {
            names.Add($"upsample {s}: transposed conv");
            names.Add($"upsample {s}: pointwise convs");
            names.Add($"upsample {s}: depthwise, norm, gelu");
        }
        InputConv = names.Count;
        names.Add("decoder.0 conv k7");
        BlockBase = names.Count;
        for (var b = 0; b < network.Blocks.Length; b++)
        {
            var block = network.Blocks[b];
            names.Add($"block {b}: snake ({block.InChannels} ch)");
            names.Add($"block {b}: transposed conv x{block.Rate}");
            names.Add($"block {b}: unit snakes ({block.OutChannels} ch)");
            names.Add($"block {b}: unit convs");
        }
        Output = names.Count;
        names.Add("output snake + conv k7");
        Names = names;
        _wallMs = new double[names.Count];
        _cpuMs = new double[names.Count];
    }

    public const int Rvq = 0;
    public const int TransformerConvs = 1;
    public const int TransformerOther = 2;

    /// <summary>First bucket of upsample stage 0; three per stage (transposed conv, pointwise convs, the rest).</summary>
    public int UpsampleBase { get; }

    public int InputConv { get; }

    /// <summary>First bucket of block 0; four per block (snake, transposed conv, unit snakes, unit convs).</summary>
    public int BlockBase { get; }

    public int Output { get; }

    public IReadOnlyList<string> Names { get; }

    public IReadOnlyList<double> WallMs => _wallMs;

    public IReadOnlyList<double> CpuMs => _cpuMs;

    /// <summary>Starts a pass: the next lap is measured from here.</summary>
    public void Start()
    {
        _lastCpu = Environment.CpuUsage.TotalTime;
        _lastWall = Stopwatch.GetTimestamp();
    }

    /// <summary>Charges the time since the previous lap (or <see cref="Start"/>) to <paramref name="bucket"/>.</summary>
    public void Lap(int bucket)
    {
        var wall = Stopwatch.GetTimestamp();
        var cpu = Environment.CpuUsage.TotalTime;
        _wallMs[bucket] += Stopwatch.GetElapsedTime(_lastWall, wall).TotalMilliseconds;
        _cpuMs[bucket] += (cpu - _lastCpu).TotalMilliseconds;
        _lastWall = wall;
        _lastCpu = cpu;
    }

    public void Reset()
    {
        Array.Clear(_wallMs);
        Array.Clear(_cpuMs);
    }
}
