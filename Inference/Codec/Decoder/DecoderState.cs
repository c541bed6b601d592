using Qwen3Tts.Inference.Kernels.Float;

namespace Qwen3Tts.Inference.Codec.Decoder;

/// <summary>
/// Everything a stream carries between calls: each causal layer's history and the frame position. For the
/// 12 Hz codec that is 2 × 8 × 71 keys/values of 1024 floats plus the conv tails, about 5 MB.
/// </summary>
internal sealed class DecoderState
{
    public DecoderState(DecoderNetwork network)
    {
        var c = network.Config;
        var S = PackedConv.Stride;
        PreConv = new CausalHistory(network.PreConv.HistoryRows, S(c.CodebookDim));
        Keys = new CausalHistory[c.HiddenLayers];
        Values = new CausalHistory[c.HiddenLayers];
        for (var layer = 0; layer < c.HiddenLayers; layer++)
        {
            Keys[layer] = new CausalHistory(c.SlidingWindow - 1, S(c.KeyValueWidth));
            Values[layer] = new CausalHistory(c.SlidingWindow - 1, S(c.KeyValueWidth));
        }
        UpsampleConv = network.Upsample.Select(s => new CausalHistory(s.Conv.HistoryRows, S(c.LatentDim))).ToArray();
        Depthwise = network.Upsample.Select(_ => new CausalHistory(6, S(c.LatentDim))).ToArray();
        InputConv = new CausalHistory(network.InputConv.HistoryRows, S(c.LatentDim));
        BlockConv = network.Blocks.Select(b => new CausalHistory(b.Conv.HistoryRows, S(b.InChannels))).ToArray();
        UnitConv = network.Blocks.Select(b => b.Units.Select(u => new CausalHistory(u.Dilated.HistoryRows, S(b.OutChannels))).ToArray()).ToArray();
        OutputConv = new CausalHistory(network.OutputConv.HistoryRows, S(network.Blocks[^1].OutChannels));
    }

    /// <summary>Frames decoded (or primed) so far: the rotary position of the next frame.</summary>
    public long Position { get; set; }

    public CausalHistory PreConv { get; }
    public CausalHistory[] Keys { get; }
    public CausalHistory[] Values { get; }
    public CausalHistory[] UpsampleConv { get; }
    public CausalHistory[] Depthwise { get; }
    public CausalHistory InputConv { get; }
    public CausalHistory[] BlockConv { get; }
    public CausalHistory[][] UnitConv { get; }
    public CausalHistory OutputConv { get; }

    public void Reset()
    {
        Position = 0;
        foreach (var history in All())
        {
            history.Clear();
        }
    }

    private IEnumerable<CausalHistory> All() =>
        new[] { PreConv, InputConv, OutputConv }.Concat(Keys).Concat(Values).Concat(UpsampleConv).Concat(Depthwise)
            .Concat(BlockConv).Concat(UnitConv.SelectMany(u => u));
}
