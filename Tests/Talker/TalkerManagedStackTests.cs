using Qwen3Tts.Inference.Formats.Gguf;
using Qwen3Tts.Inference.Models;
using Qwen3Tts.Inference.Qwen3;
using Qwen3Tts.Inference.Talker;
using Qwen3Tts.Tests.Pipeline;

namespace Qwen3Tts.Tests.Talker;

/// <summary>
/// The talker's runtime GGUF read into the managed Qwen3 engine (what `bench talker` times beside llama.cpp) computes the
/// same network as llama.cpp: RoPE type and base, per-head Q/K norms, GQA and the final norm all agree, so the benchmark
/// compares like with like. They round differently (llama.cpp's own kernels, its f32 KV cache here), so the hidden
/// states agree to a relative error, not bit for bit.
/// </summary>
public sealed class TalkerManagedStackTests(TinyModelsFixture fixture) : IClassFixture<TinyModelsFixture>
{
    [Fact]
    public async Task TheManagedStackGivesLlamaCppsHiddenStatesOnTheSameGguf()
    {
        var files = fixture.Store(null).ResolveTalker();
        var runtime = TalkerRuntimeGguf.Prepare(files.Gguf, files.CodecHead);
        using var model = TalkerModel.Load(runtime, new TalkerOptions { Engine = TalkerBackend.Llama, MaxSequences = 1, ContextPerSequence = 256, Threads = 1, FullPrecisionKvCache = true });
        using var gguf = GgufFile.Open(runtime);
        var config = Qwen3GgufLayout.ReadConfig(gguf, "qwen3");
        var forward = new Qwen3Forward(Qwen3GgufStack.Load(gguf, "blk", "output_norm.weight", config), 8, 64, RowParallelism.Sequential);
        var cache = forward.CreateCache();
        var hidden = model.HiddenSize;
        Assert.Equal(config.HiddenSize, hidden);
        var prompt = RandomRows.Of(6, hidden, seed: 3);
        var steps = RandomRows.Of(4, hidden, seed: 4);

        await using var session = await model.OpenSessionAsync();
        var managed = new float[hidden];
        await session.PrefillAsync(prompt, 6);
        forward.Forward(prompt, 6, 0, cache, managed);
        AssertClose(session.Output.Hidden.ToArray(), managed, "prompt");
        for (var s = 0; s < 4; s++)
        {
            var row = steps.AsMemory(s * hidden, hidden);
            await session.StepAsync(row);
            forward.Forward(row.Span, 1, 6 + s, cache, managed);
            AssertClose(session.Output.Hidden.ToArray(), managed, $"step {s}");
        }
    }

    private static void AssertClose(float[] llama, float[] managed, string where)
    {
        double difference = 0, norm = 0;
        for (var i = 0; i < llama.Length; i++)
        {
            difference += (llama[i] - managed[i]) * (double)(llama[i] - managed[i]);
            norm += llama[i] * (double)llama[i];
        }
        var relative = Math.Sqrt(difference / norm);
        // Both quantize activations to Q8_0 blocks against the same Q8_0 weights; what is left is accumulation order.
        Assert.True(relative < 2e-2, $"{where}: relative L2 error {relative:E2} between llama.cpp and the managed stack");
    }
}
