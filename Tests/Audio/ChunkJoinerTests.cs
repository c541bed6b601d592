using Qwen3Tts.Inference.Audio;

namespace Qwen3Tts.Tests.Audio;

public sealed class ChunkJoinerTests
{
    [Fact]
    public void OneUtterancePassesThroughUnchanged()
    {
        var joiner = new ChunkJoiner(8);
        var input = Enumerable.Range(1, 50).Select(i => (float)i).ToArray();

        var output = joiner.Push(input.AsSpan(0, 20)).Concat(joiner.Push(input.AsSpan(20))).Concat(joiner.Finish()).ToArray();

        Assert.Equal(input, output);
    }

    [Fact]
    public void ASeamFadesOutToZeroPausesAndFadesBackIn()
    {
        var joiner = new ChunkJoiner(8);
        var loud = Enumerable.Repeat(0.9f, 30).ToArray();

        var first = joiner.Push(loud).Concat(joiner.Join(pauseSamples: 5)).ToArray();
        var second = joiner.Push(loud).Concat(joiner.Finish()).ToArray();

        Assert.Equal(35, first.Length);
        Assert.Equal(30, second.Length);
        Assert.Equal(0.9f, first[21]);                        // untouched before the fade
        Assert.True(first[29] < 0.05f, $"last sample {first[29]}");
        Assert.All(first[30..], s => Assert.Equal(0f, s));    // the pause
        Assert.True(second[0] < 0.05f, $"first sample {second[0]}");
        Assert.Equal(0.9f, second[8]);
        // Monotonic ramps: no step anywhere near the seam larger than a ramp step.
        var seam = first[20..].Concat(second[..10]).ToArray();
        Assert.All(seam.Zip(seam.Skip(1)), p => Assert.True(Math.Abs(p.First - p.Second) < 0.3f, $"{p.First} -> {p.Second}"));
    }

    [Fact]
    public void AFadeInSpreadOverSeveralPushesUsesEachRampStepOnce()
    {
        var whole = new ChunkJoiner(8);
        var split = new ChunkJoiner(8);
        var ones = Enumerable.Repeat(1f, 20).ToArray();
        whole.Push(ones);
        whole.Join(0);
        split.Push(ones);
        split.Join(0);

        var a = whole.Push(ones).Concat(whole.Finish()).ToArray();
        var b = split.Push(ones.AsSpan(0, 3)).Concat(split.Push(ones.AsSpan(3, 4))).Concat(split.Push(ones.AsSpan(7))).Concat(split.Finish()).ToArray();

        Assert.Equal(a, b);
    }
}
