using Qwen3Tts.Inference.Kernels.Float;

namespace Qwen3Tts.Inference.Codec.Decoder;

/// <summary>
/// Qwen3TTSTokenizerV2Decoder.forward for the next n frames of a stream: every causal layer reads its carried
/// history in front of the new rows, so the pass computes exactly what a one-shot decode computes for those
/// frames, with no recomputed context and no padding. Layer by layer, each over all rows of the pass (weights
/// are read once per pass, which is why passes of several frames are cheaper per frame).
/// </summary>
internal static class DecoderPass
{
    /// <summary>
    /// Decodes <paramref name="frames"/> frames of 16 codes; writes frames × 1920 samples to
    /// <paramref name="audio"/>, or only advances the state when it is empty (priming).
    /// </summary>
    public static void Run(DecoderNetwork net, DecoderState state, DecoderWorkspace ws, ReadOnlySpan<long> codes, int frames, Span<float> audio)
    {
        var c = net.Config;
        var S = PackedConv.Stride;
        var conv = ws.Conv;
        var clock = ws.Clock;
        clock?.Start();

        // Split RVQ: [codebook 0 row | sum of codebooks 1..15 rows], then both output projections in one product.
        var rowDim = c.CodebookRowDim;
        var quantizedStride = S(2 * rowDim);
        for (var t = 0; t < frames; t++)
        {
            var row = ws.Quantized.AsSpan(t * quantizedStride, 2 * rowDim);
            row.Clear();
            for (var book = 0; book < c.Quantizers; book++)
            {
                var entry = net.Codebooks[book].AsSpan((int)codes[t * c.Quantizers + book] * rowDim, rowDim);
                var target = book < c.SemanticQuantizers ? row[..rowDim] : row[rowDim..];
                for (var i = 0; i < rowDim; i++)
                {
                    target[i] += entry[i];
                }
            }
        }
        var codebookStride = S(c.CodebookDim);
        net.QuantizerProjection.Run(conv, ws.Quantized, quantizedStride, frames,
            ws.PreConvInput.AsSpan(net.PreConv.HistoryRows * codebookStride), codebookStride, residual: false);

        RunConv(conv, net.PreConv, state.PreConv, ws.PreConvInput, codebookStride, frames, ws.Latent, S(c.LatentDim));
        clock?.Lap(DecoderStageClock.Rvq);

        Transformer(net, state, ws, frames);
        var latentStride = S(c.LatentDim);
        var rows = frames;
        for (var s = 0; s < net.Upsample.Length; s++)
        {
            var stage = net.Upsample[s];
            var next = s + 1 < net.Upsample.Length
                ? ws.UpsampleInput.AsSpan(net.Upsample[s + 1].Conv.HistoryRows * latentStride)
                : ws.View.AsSpan(net.InputConv.HistoryRows * latentStride);
            rows = ConvNeXtStage(stage, state.UpsampleConv[s], state.Depthwise[s], ws, rows, c.LatentDim, next, s);
        }

        // The k7 convs pair their output rows by stream position (Winograd F(2, 7)): rows per frame × frames done.
        var rowsPerFrame = rows / frames;
        state.InputConv.Restore(ws.View);
        net.InputConv.Run(ws.Winograd, ws.View, latentStride, rows, ws.StateA, S(c.DecoderDim), state.Position * rowsPerFrame);
        state.InputConv.Advance(ws.View, rows);
        clock?.Lap(clock.InputConv);
        var x = ws.StateA;
        var y = ws.StateB;
        for (var b = 0; b < net.Blocks.Length; b++)
        {
            var block = net.Blocks[b];
            var inStride = S(block.InChannels);
            var outStride = S(block.OutChannels);
            var history = state.BlockConv[b];
            history.Restore(ws.View);
            ws.Snake.Run(x, ws.View.AsSpan(history.Rows * inStride), rows, block.InChannels, inStride, block.Snake);
            clock?.Lap(clock.BlockBase + 4 * b);
            block.Conv.Run(conv, ws.View, inStride, rows, y, block.Rate * outStride, residual: false);
            history.Advance(ws.View, rows);
            clock?.Lap(clock.BlockBase + 4 * b + 1);
            rows *= block.Rate;
            rowsPerFrame *= block.Rate;
            (x, y) = (y, x);
            for (var u = 0; u < block.Units.Length; u++)
            {
                var unit = block.Units[u];
                var unitHistory = state.UnitConv[b][u];
                unitHistory.Restore(ws.View);
                ws.Snake.Run(x, ws.View.AsSpan(unitHistory.Rows * outStride), rows, block.OutChannels, outStride, unit.First);
                clock?.Lap(clock.BlockBase + 4 * b + 2);
                unit.Dilated.Run(ws.Winograd, ws.View, outStride, rows, ws.Inner, outStride, state.Position * rowsPerFrame);
                unitHistory.Advance(ws.View, rows);
                clock?.Lap(clock.BlockBase + 4 * b + 3);
                ws.Snake.Run(ws.Inner, ws.Inner, rows, block.OutChannels, outStride, unit.Second);
                clock?.Lap(clock.BlockBase + 4 * b + 2);
                unit.Pointwise.Run(conv, ws.Inner, outStride, rows, x, outStride, residual: true);
                clock?.Lap(clock.BlockBase + 4 * b + 3);
            }
        }

        var lastChannels = net.Blocks[^1].OutChannels;
        var lastStride = S(lastChannels);
        state.OutputConv.Restore(ws.View);
        ws.Snake.Run(x, ws.View.AsSpan(state.OutputConv.Rows * lastStride), rows, lastChannels, lastStride, net.OutputSnake);
        if (!audio.IsEmpty)
        {
            var lanes = net.OutputConv.OutLanes;
            net.OutputConv.Run(conv, ws.View, lastStride, rows, ws.Output, lanes, residual: false);
            for (var t = 0; t < rows; t++)
            {
                audio[t] = Math.Clamp(ws.Output[t * lanes], -1f, 1f);
            }
        }
        state.OutputConv.Advance(ws.View, rows);
        state.Position += frames;
        clock?.Lap(clock.Output);
    }

    /// <summary>A conv whose input buffer starts with room for its history: restore, run, keep the new tail.</summary>
    private static void RunConv(PackedConv.ConvCall call, PackedConv conv, CausalHistory history, float[] input, int inputStride, int rows, Span<float> output, int outputStride)
    {
        history.Restore(input);
        conv.Run(call, input, inputStride, rows, output, outputStride, residual: false);
        history.Advance(input, rows);
    }

    private static void Transformer(DecoderNetwork net, DecoderState state, DecoderWorkspace ws, int rows)
    {
        var c = net.Config;
        var S = PackedConv.Stride;
        var conv = ws.Conv;
        var hidden = c.HiddenSize;
        var hiddenStride = S(hidden);
        var qkvStride = S(c.QueryWidth + 2 * c.KeyValueWidth);
        var kvStride = S(c.KeyValueWidth);
        var queryStride = S(c.QueryWidth);
        var gateUpStride = S(2 * c.IntermediateSize);
        var half = c.HeadDim / 2;
        var eps = (float)c.RmsNormEps;
        var window = c.SlidingWindow - 1;
        var clock = ws.Clock;

        net.InputProjection.Run(conv, ws.Latent, S(c.LatentDim), rows, ws.Hidden, hiddenStride, residual: false);
        clock?.Lap(DecoderStageClock.TransformerConvs);
        SlidingWindowAttention.RopeTables(c, state.Position, rows, ws.RopeCos, ws.RopeSin);
        for (var l = 0; l < net.Layers.Length; l++)
        {
            var layer = net.Layers[l];
            NormRows(ws.Hidden, ws.Normed, rows, hidden, hiddenStride, layer.AttentionNorm, eps);
            clock?.Lap(DecoderStageClock.TransformerOther);
            layer.Qkv.Run(conv, ws.Normed, hiddenStride, rows, ws.Qkv, qkvStride, residual: false);
            clock?.Lap(DecoderStageClock.TransformerConvs);
            state.Keys[l].Restore(ws.Keys);
            state.Values[l].Restore(ws.Values);
            for (var t = 0; t < rows; t++)
            {
                var cos = ws.RopeCos.AsSpan(t * half, half);
                var sin = ws.RopeSin.AsSpan(t * half, half);
                var qkv = ws.Qkv.AsSpan(t * qkvStride, c.QueryWidth + 2 * c.KeyValueWidth);
                SlidingWindowAttention.Rotate(qkv[..c.QueryWidth], c.AttentionHeads, c.HeadDim, cos, sin);
                var key = ws.Keys.AsSpan((window + t) * kvStride, c.KeyValueWidth);
                qkv.Slice(c.QueryWidth, c.KeyValueWidth).CopyTo(key);
                SlidingWindowAttention.Rotate(key, c.KeyValueHeads, c.HeadDim, cos, sin);
                qkv.Slice(c.QueryWidth + c.KeyValueWidth, c.KeyValueWidth).CopyTo(ws.Values.AsSpan((window + t) * kvStride, c.KeyValueWidth));
            }
            SlidingWindowAttention.Attend(c, ws.Qkv, qkvStride, rows, state.Position, ws.Keys, ws.Values, kvStride, ws.Scores, ws.Attention, queryStride);
            state.Keys[l].Advance(ws.Keys, rows);
            state.Values[l].Advance(ws.Values, rows);
            clock?.Lap(DecoderStageClock.TransformerOther);
            layer.Output.Run(conv, ws.Attention, queryStride, rows, ws.Projected, hiddenStride, residual: false);
            clock?.Lap(DecoderStageClock.TransformerConvs);
            for (var t = 0; t < rows; t++)
            {
                RowOps.AddScaled(ws.Hidden.AsSpan(t * hiddenStride, hidden), layer.AttentionScale, ws.Projected.AsSpan(t * hiddenStride, hidden));
            }

            NormRows(ws.Hidden, ws.Normed, rows, hidden, hiddenStride, layer.MlpNorm, eps);
            clock?.Lap(DecoderStageClock.TransformerOther);
            layer.GateUp.Run(conv, ws.Normed, hiddenStride, rows, ws.GateUp, gateUpStride, residual: false);
            clock?.Lap(DecoderStageClock.TransformerConvs);
            for (var t = 0; t < rows; t++)
            {
                var gateUp = ws.GateUp.AsSpan(t * gateUpStride, 2 * c.IntermediateSize);
                RowOps.SiluMultiply(gateUp[..c.IntermediateSize], gateUp[c.IntermediateSize..]);
            }
            clock?.Lap(DecoderStageClock.TransformerOther);
            layer.Down.Run(conv, ws.GateUp, gateUpStride, rows, ws.Projected, hiddenStride, residual: false);
            clock?.Lap(DecoderStageClock.TransformerConvs);
            for (var t = 0; t < rows; t++)
            {
                RowOps.AddScaled(ws.Hidden.AsSpan(t * hiddenStride, hidden), layer.MlpScale, ws.Projected.AsSpan(t * hiddenStride, hidden));
            }
        }
        NormRows(ws.Hidden, ws.Normed, rows, hidden, hiddenStride, net.FinalNorm, eps);
        clock?.Lap(DecoderStageClock.TransformerOther);
        var latentStride = S(c.LatentDim);
        net.OutputProjection.Run(conv, ws.Normed, hiddenStride, rows,
            ws.UpsampleInput.AsSpan(net.Upsample.Length > 0 ? net.Upsample[0].Conv.HistoryRows * latentStride : 0), latentStride, residual: false);
        clock?.Lap(DecoderStageClock.TransformerConvs);
    }

    /// <summary>
    /// One ConvNeXt upsampling stage: causal transposed conv (×ratio rows), then depthwise k7 → LayerNorm(1e-6) →
    /// Linear ×4 → GELU → Linear → ·gamma → + input, written to <paramref name="destination"/> (the next layer's input rows).
    /// Returns the output row count.
    /// </summary>
    private static int ConvNeXtStage(UpsampleStage stage, CausalHistory convHistory, CausalHistory depthwiseHistory, DecoderWorkspace ws, int rows,
        int dim, Span<float> destination, int index)
    {
        var stride = PackedConv.Stride(dim);
        var conv = ws.Conv;
        var clock = ws.Clock;
        var bucket = (clock?.UpsampleBase ?? 0) + 3 * index;
        convHistory.Restore(ws.UpsampleInput);
        stage.Conv.Run(conv, ws.UpsampleInput, stride, rows, ws.Depthwise.AsSpan(depthwiseHistory.Rows * stride), stage.Ratio * stride, residual: false);
        convHistory.Advance(ws.UpsampleInput, rows);
        clock?.Lap(bucket);
        rows *= stage.Ratio;

        depthwiseHistory.Restore(ws.Depthwise);
        ws.ConvNeXtRows.Depthwise(stage, ws.Depthwise, ws.DepthwiseOut, rows, dim, stride);
        var wideStride = PackedConv.Stride(4 * dim);
        clock?.Lap(bucket + 2);
        stage.Expand.Run(conv, ws.DepthwiseOut, stride, rows, ws.Wide, wideStride, residual: false);
        clock?.Lap(bucket + 1);
        ws.ConvNeXtRows.Gelu(ws.Wide, rows, 4 * dim, wideStride);
        clock?.Lap(bucket + 2);
        stage.Contract.Run(conv, ws.Wide, wideStride, rows, ws.Narrow, stride, residual: false);
        clock?.Lap(bucket + 1);
        for (var t = 0; t < rows; t++)
        {
            RowOps.ScaledResidual(ws.Depthwise.AsSpan((depthwiseHistory.Rows + t) * stride, dim), stage.Gamma,
                ws.Narrow.AsSpan(t * stride, dim), destination.Slice(t * stride, dim));
        }
        // Kept last: the residual above reads the stage's input rows from this buffer.
        depthwiseHistory.Advance(ws.Depthwise, rows);
        clock?.Lap(bucket + 2);
        return rows;
    }

    private static void NormRows(float[] input, float[] output, int rows, int width, int stride, float[] weight, float eps)
    {
        for (var t = 0; t < rows; t++)
        {
            RowOps.RmsNorm(input.AsSpan(t * stride, width), output.AsSpan(t * stride, width), weight, eps);
        }
    }
}
