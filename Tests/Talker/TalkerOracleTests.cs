using Qwen3Tts.Inference.Formats.Gguf;
using Qwen3Tts.Inference.Formats.Npy;
using Qwen3Tts.Inference.Models;
using Qwen3Tts.Inference.Models.Store;
using Qwen3Tts.Inference.Qwen3;
using Qwen3Tts.Inference.Synthetic;
using Qwen3Tts.Inference.Talker;
using Qwen3Tts.Tests.Oracle;

namespace Qwen3Tts.Tests.Talker;

/// <summary>The llama.cpp stack against the reference forward.</summary>
public sealed class LlamaTalkerOracleTests : TalkerOracleTests
{
    protected override TalkerBackend Engine => TalkerBackend.Llama;
}

/// <summary>The managed stack against the reference forward.</summary>
public sealed class ManagedTalkerOracleTests : TalkerOracleTests
{
    protected override TalkerBackend Engine => TalkerBackend.Managed;
}

/// <summary>
/// Each talker stack against the plain reference forward on the tiny synthetic talker: a 12-row
/// prefill, then 20 single-row steps. Both stacks quantize activations to Q8_0 for their Q8_0 matmuls
/// while the oracle keeps them f32 (on the same dequantized weights), so they agree to the
/// activation-quantization error, not to float rounding: over these 32 positions the measured worst
/// case was max |diff| 0.041 and relative RMS 1.8 % (x86-64 AVX2 build of llama.cpp); the bounds
/// leave about 3x headroom, while a wrong RoPE, norm or head layout gives errors of order 1.
/// </summary>
public abstract class TalkerOracleTests : IAsyncLifetime
{
    private const int PrefillRows = 12;
    private const int Steps = 20;
    private const float MaxAbs = 0.12f;
    private const double MaxRelativeRms = 0.05;

    private readonly string _dir = Path.Combine(Path.GetTempPath(), $"qwen3-talker-oracle-{Guid.NewGuid():N}");
    private TalkerFiles? _files;

    protected abstract TalkerBackend Engine { get; }

    private TalkerModel? _model;
    private Qwen3ReferenceForward? _oracle;
    private float[]? _codecHead;
    private int _hidden;

    public async Task InitializeAsync()
    {
        await SyntheticModelKit.WriteAsync(_dir, SyntheticPreset.Tiny, seed: 77);
        _files = new ModelStore(new ModelStoreOptions { ModelsDirectory = _dir }).ResolveTalker();
        var runtime = TalkerRuntimeGguf.Prepare(_files.Gguf, _files.CodecHead);
        _model = TalkerModel.Load(runtime, new TalkerOptions { Engine = Engine, FullPrecisionKvCache = true, MaxSequences = 2, ContextPerSequence = 64 });
        using var gguf = GgufFile.Open(_files.Gguf);
        var config = Qwen3GgufLayout.ReadConfig(gguf, "qwen3");
        _oracle = new Qwen3ReferenceForward(Qwen3GgufStack.Load(gguf, "blk", "output_norm.weight", config));
        _hidden = config.HiddenSize;
        using var head = NpyFile.Open(_files.CodecHead);
        _codecHead = head.ReadAllFloat32();
    }

    [Fact]
    public async Task PrefillAndTwentyStepsMatchTheReferenceForward()
    {
        var inputs = RandomRows(PrefillRows + Steps, seed: 1);
        await using var session = await _model!.OpenSessionAsync();

        var output = await session.PrefillAsync(inputs.AsMemory(0, PrefillRows * _hidden), PrefillRows);
        AssertMatchesOracle(inputs, PrefillRows, output);
        for (var step = 0; step < Steps; step++)
        {
            output = await session.StepAsync(inputs.AsMemory((PrefillRows + step) * _hidden, _hidden));
            AssertMatchesOracle(inputs, PrefillRows + step + 1, output);
        }
    }

    [Fact]
    public async Task InterleavedSessionsAndAReusedSequenceEachMatchAFreshRun()
    {
        var a = RandomRows(PrefillRows + 3, seed: 2);
        var b = RandomRows(PrefillRows + 3, seed: 3);
        await using (var first = await _model!.OpenSessionAsync())
        await using (var second = await _model.OpenSessionAsync())
        {
            await first.PrefillAsync(a.AsMemory(0, PrefillRows * _hidden), PrefillRows);
            await second.PrefillAsync(b.AsMemory(0, PrefillRows * _hidden), PrefillRows);
            for (var step = 0; step < 3; step++)
            {
                var offset = (PrefillRows + step) * _hidden;
                await _model.DecodeAsync([new TalkerDecodeItem(first, a.AsMemory(offset, _hidden), 1), new TalkerDecodeItem(second, b.AsMemory(offset, _hidden), 1)]);
                AssertMatchesOracle(a, PrefillRows + step + 1, first.Output);
                AssertMatchesOracle(b, PrefillRows + step + 1, second.Output);
            }
        }

        // Both sequences were released: a new session starts again from position 0 on a clean cache.
        await using var again = await _model.OpenSessionAsync();
        Assert.Equal(0, again.Position);
        var output = await again.PrefillAsync(b.AsMemory(0, PrefillRows * _hidden), PrefillRows);
        AssertMatchesOracle(b, PrefillRows, output);
    }

    [Fact]
    public async Task OverflowingTheContextIsAClearErrorNotACrash()
    {
        await using var session = await _model!.OpenSessionAsync();
        var rows = RandomRows(65, seed: 4);

        var error = await Assert.ThrowsAsync<TalkerException>(() => session.PrefillAsync(rows, 65));

        Assert.Contains("context is full", error.Message);
        Assert.Equal(0, session.Position);
    }

    private void AssertMatchesOracle(float[] inputs, int length, TalkerOutput output)
    {
        var all = _oracle!.Forward(inputs[..(length * _hidden)], length);
        var expected = all.AsSpan((length - 1) * _hidden, _hidden);
        double error = 0, norm = 0;
        for (var i = 0; i < _hidden; i++)
        {
            var d = output.Hidden[i] - expected[i];
            Assert.True(MathF.Abs(d) < MaxAbs, $"position {length - 1}, hidden[{i}]: {Engine} {output.Hidden[i]}, reference {expected[i]}");
            error += d * d;
            norm += expected[i] * (double)expected[i];
        }
        Assert.True(Math.Sqrt(error / norm) < MaxRelativeRms, $"position {length - 1}: relative RMS error {Math.Sqrt(error / norm):P2}");

        // The runtime GGUF's output matrix is the f32 codec head, so the logits are exactly head · hidden.
        for (var row = 0; row < CodecTokenIds.TalkerVocabSize; row += 97)
        {
            double logit = 0;
            for (var i = 0; i < _hidden; i++)
            {
                logit += _codecHead![row * _hidden + i] * (double)output.Hidden[i];
            }
            Assert.True(Math.Abs(logit - output.Logits[row]) < 1e-3, $"logit {row}: llama.cpp {output.Logits[row]}, head·hidden {logit}");
        }
    }

    private float[] RandomRows(int rows, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, rows * _hidden).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
    }

    public Task DisposeAsync()
    {
        _model?.Dispose();
        Directory.Delete(_dir, recursive: true);
        return Task.CompletedTask;
    }
}
