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

    /// <summary>The model's default frame cap the fake reports.</summary>
    public int DefaultMaxFrames { get; init; } = 8191;

    public Task<TalkerStartResult> StartAsync(SynthesisRequest request, ulong seed, float eosBoost, CancellationToken cancellationToken)
    {
        Boosts.Add(eosBoost);
        return Task.FromResult(new TalkerStartResult(NextResult(), PromptRows: 8, expectedFrames, FrameCapacity, DefaultMaxFrames: DefaultMaxFrames));
    }

    /// <summary>The code 0 each step was told its previous frame had.</summary>
    public List<int> UsedCode0s { get; } = [];

    /// <summary>The EOS boost of the start and of every step.</summary>
    public List<float> Boosts { get; } = [];

    public async ValueTask<TalkerStepResult> StepAsync(ReadOnlyMemory<float> feedback, int usedCode0, float eosBoost, CancellationToken cancellationToken)
    {
        Steps++;
        UsedCode0s.Add(usedCode0);
        Boosts.Add(eosBoost);
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

    public List<long[]?> TeacherCodes { get; } = [];

    public ValueTask<PredictedFrame> PredictAsync(ReadOnlyMemory<float> talkerHidden, int code0, SamplingOptions sampling, ulong seed, int frameIndex,
        long[]? teacherCodes, CancellationToken cancellationToken)
    {
        Code0s.Add(code0);
        TeacherCodes.Add(teacherCodes);
        var codes = Enumerable.Repeat((long)code0, CodecTokenIds.CodebookCount).ToArray();
        return ValueTask.FromResult(new PredictedFrame(codes, new float[4]));
    }
}

/// <summary>A vocoder that returns <see cref="SamplesPerAppend"/> samples per frame right away (or none) and records frames.</summary>
internal sealed class RecordingVocoder(int samplesPerAppend) : IVocoderChannel
{
    public int SamplesPerAppend => samplesPerAppend;

    public List<long[]> Frames { get; } = [];

    public bool Flushed { get; private set; }

    public bool Disposed { get; private set; }

    /// <summary>The reference codes each prime call gave.</summary>
    public List<long[]> Primed { get; } = [];

    public Task PrimeAsync(ReadOnlyMemory<long> referenceCodes, CancellationToken cancellationToken)
    {
        if (Frames.Count > 0)
        {
            throw new InvalidOperationException("primed after the first frame");
        }
        Primed.Add(referenceCodes.ToArray());
        return Task.CompletedTask;
    }

    public ValueTask<ReadOnlyMemory<float>> AppendAsync(ReadOnlyMemory<long> frameCodes, CancellationToken cancellationToken)
    {
        Frames.Add(frameCodes.ToArray());
        return ValueTask.FromResult<ReadOnlyMemory<float>>(new float[samplesPerAppend]);
    }

    public ValueTask<ReadOnlyMemory<float>> FlushAsync(CancellationToken cancellationToken)
    {
        Flushed = true;
        return ValueTask.FromResult<ReadOnlyMemory<float>>(new float[CodecAudio.SamplesPerFrame]);
    }

    public ValueTask DisposeAsync()
    {
        Disposed = true;
        return ValueTask.CompletedTask;
    }
}
