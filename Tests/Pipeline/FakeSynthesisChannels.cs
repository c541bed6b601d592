using Qwen3Tts.Inference.Models;
using Qwen3Tts.Inference.Pipeline;
using Qwen3Tts.Inference.Sampling;

namespace Qwen3Tts.Tests.Pipeline;

/// <summary>A talker that plays a fixed list of code-0 values (then repeats the last one) and records its calls.</summary>
internal sealed class ScriptedTalker(int expectedFrames, params int[] codes) : ITalkerChannel
{
    private int _next;

    public int Steps { get; private set; }

    public bool Disposed { get; private set; }

    public Func<int, CancellationToken, Task>? OnStep { get; init; }

    /// <summary>Frames the fake KV context holds after the prompt.</summary>
    public int FrameCapacity { get; init; } = int.MaxValue;

    public Task<TalkerStartResult> StartAsync(SynthesisRequest request, ulong seed, float eosBoost, CancellationToken cancellationToken) =>
        Task.FromResult(new TalkerStartResult(NextResult(), PromptRows: 8, expectedFrames, FrameCapacity));

    public async Task<TalkerStepResult> StepAsync(ReadOnlyMemory<float> feedback, float eosBoost, CancellationToken cancellationToken)
    {
        Steps++;
        if (OnStep is not null)
        {
            await OnStep(Steps, cancellationToken);
        }
        return NextResult();
    }

    private TalkerStepResult NextResult()
    {
        var code = codes[Math.Min(_next, codes.Length - 1)];
        _next++;
        return new TalkerStepResult(new float[4], code);
    }

    public ValueTask DisposeAsync()
    {
        Disposed = true;
        return ValueTask.CompletedTask;
    }
}

/// <summary>A predictor that copies code 0 into all 16 codebooks and records which code-0 values it saw.</summary>
internal sealed class RecordingPredictor : IPredictorChannel
{
    public List<int> Code0s { get; } = [];

    public Task<PredictedFrame> PredictAsync(ReadOnlyMemory<float> talkerHidden, int code0, SamplingOptions sampling, ulong seed, int frameIndex, CancellationToken cancellationToken)
    {
        Code0s.Add(code0);
        var codes = Enumerable.Repeat((long)code0, CodecTokenIds.CodebookCount).ToArray();
        return Task.FromResult(new PredictedFrame(codes, new float[4]));
    }
}

/// <summary>A vocoder that returns <see cref="SamplesPerAppend"/> samples per frame right away (or none) and records frames.</summary>
internal sealed class RecordingVocoder(int samplesPerAppend) : IVocoderChannel
{
    public int SamplesPerAppend => samplesPerAppend;

    public List<long[]> Frames { get; } = [];

    public bool Flushed { get; private set; }

    public bool Disposed { get; private set; }

    public Task<ReadOnlyMemory<float>> AppendAsync(long[] frameCodes, CancellationToken cancellationToken)
    {
        Frames.Add(frameCodes);
        return Task.FromResult<ReadOnlyMemory<float>>(new float[samplesPerAppend]);
    }

    public Task<ReadOnlyMemory<float>> FlushAsync(CancellationToken cancellationToken)
    {
        Flushed = true;
        return Task.FromResult<ReadOnlyMemory<float>>(new float[CodecAudio.SamplesPerFrame]);
    }

    public ValueTask DisposeAsync()
    {
        Disposed = true;
        return ValueTask.CompletedTask;
    }
}
