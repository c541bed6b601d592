using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using Qwen3Tts.Inference.Models;
using Qwen3Tts.Inference.Pipeline;
using Qwen3Tts.Inference.Prompt;
using Qwen3Tts.Inference.Sampling;
using Qwen3Tts.Inference.Threading;

namespace Qwen3Tts.Inference.Talker;

/// <summary>
/// The talker side of one utterance: prompt, KV sequence, code-0 history and sampler.
/// Step k's input is the predictor's feedback (codec sum + tts_pad) with the text track swapped
/// in when the streaming-text layout still has text to feed.
/// </summary>
public sealed class TalkerUtterance(TalkerEngine engine) : ITalkerChannel
{
    private readonly CodecTokenSampler _sampler = new(engine.Ids);
    private readonly List<int> _history = [];
    private readonly SamplingRandom _random = new(0);
    private TalkerSession? _session;
    private TalkerPrompt? _prompt;
    private SamplingOptions _sampling = SamplingPresets.Official;
    private ulong _seed;
    private float[] _input = [];
    private int _step;
    // Each step's result, computed when its decode is done (see StepAsync); the boost its sampling uses.
    private ReusableResult<TalkerStepResult>? _stepResult;
    private float _stepEosBoost;

    public async Task<TalkerStartResult> StartAsync(SynthesisRequest request, ulong seed, float eosBoost, CancellationToken cancellationToken)
    {
        if (_session is not null)
        {
            throw new InvalidOperationException("this utterance has already started");
        }
        var prompt = BuildPrompt(engine, request);
        var capacity = engine.Model.Options.ContextPerSequence;
        if (prompt.RowCount >= capacity)
        {
            throw new ArgumentException(
                $"the text is too long: its prompt needs {prompt.RowCount} positions but a request may use {capacity} (prompt + generated frames); split the text", nameof(request));
        }

        _prompt = prompt;
        _seed = seed;
        var (talkerSampling, predictorSampling) = SamplingPresets.For(request.Sampling, engine.Generation.Talker, engine.Generation.Predictor);
        _sampling = talkerSampling;
        _input = new float[prompt.HiddenSize];
        // Sized once for the frames the request's context can hold, so a step never grows it.
        _history.Capacity = Math.Min(capacity - prompt.RowCount, 16384) + 1;
        _session = await engine.Model.OpenSessionAsync(cancellationToken).ConfigureAwait(false);
        _stepResult = new ReusableResult<TalkerStepResult>(_session.StepCompletion, FinishStep);
        var output = await _session.PrefillAsync(prompt.Rows.ToArray(), prompt.RowCount, prompt.PrefixRowCount, cancellationToken).ConfigureAwait(false);
        // The hidden buffer is reused by the next step; the driver consumes it before stepping again.
        var first = new TalkerStepResult(output.Hidden, Sample(output, eosBoost));
        var language = TtsLanguage.Normalize(request.Language);
        return new TalkerStartResult(first, prompt.RowCount, FrameEstimate.Estimate(request.Text, language), capacity - prompt.RowCount,
            engine.Ids.CodecEos, engine.Generation.DefaultMaxFrames, predictorSampling);
    }

    /// <summary>Checks the request against the loaded model and builds its prompt (the official text format, or the seed's).</summary>
    public static TalkerPrompt BuildPrompt(TalkerEngine engine, SynthesisRequest request)
    {
        if (string.IsNullOrWhiteSpace(request.Text))
        {
            throw new ArgumentException("the text to speak is empty", nameof(request));
        }
        var language = TtsLanguage.Normalize(request.Language);
        var official = request.Convention == PromptConvention.Official;
        var voice = request.Voice;
        var speaker = ModelRequestRules.Check(engine.Capabilities, request.Speaker, request.Instructions,
            voice?.FrameCount, voice?.ReferenceText is not null, official);
        var tokenizer = engine.Tokenizer;
        PromptRequest prompt;
        if (official)
        {
            var (role, text) = TtsTextFormat.Target(tokenizer, request.Text);
            var reference = voice is { FrameCount: > 0, ReferenceText: { } refText } ? TtsTextFormat.Reference(tokenizer, refText) : null;
            var instruct = string.IsNullOrWhiteSpace(request.Instructions) ? null : TtsTextFormat.Instruct(tokenizer, request.Instructions);
            prompt = new PromptRequest(text, language, request.Layout, request.Convention, voice, reference, speaker, instruct, role);
        }
        else
        {
            var reference = voice?.ReferenceText is { } refText ? tokenizer.Encode(refText) : null;
            prompt = new PromptRequest(tokenizer.Encode(request.Text), language, request.Layout, request.Convention, voice, reference);
        }
        return engine.Prompts.Build(prompt);
    }

    /// <summary>
    /// One step; allocates nothing. The returned hidden state is the session's buffer, overwritten by the next step;
    /// <paramref name="feedback"/> is copied before this returns. Not an <c>async</c> method: the step's code is sampled
    /// when the awaiter resumes (<see cref="ReusableResult{T}"/>), because a pooled state-machine box per step still
    /// allocated every few frames.
    /// </summary>
    public ValueTask<TalkerStepResult> StepAsync(ReadOnlyMemory<float> feedback, int usedCode0, float eosBoost, CancellationToken cancellationToken)
    {
        var session = _session ?? throw new InvalidOperationException("the utterance has not started");
        var prompt = _prompt!;
        if (feedback.Length != prompt.HiddenSize)
        {
            throw new ArgumentException($"feedback must have {prompt.HiddenSize} values, got {feedback.Length}", nameof(feedback));
        }
        if ((uint)usedCode0 >= CodecTokenIds.CodebookSize)
        {
            throw new ArgumentOutOfRangeException(nameof(usedCode0), usedCode0, $"the frame's code 0 must be an audio code 0..{CodecTokenIds.CodebookSize - 1}");
        }
        // The repetition penalty looks at the codes the frames really had (the teacher's, when forced).
        _history.Add(usedCode0);

        // Feedback carries tts_pad as its text track; swap in the queued text vector while there is one.
        var textStep = _step - 1;
        feedback.Span.CopyTo(_input);
        if (textStep < prompt.TextQueueCount)
        {
            TensorPrimitives.Subtract(_input, prompt.PadRow, _input);
            TensorPrimitives.Add(_input, prompt.TextTrackRow(textStep), _input);
        }
        _stepEosBoost = eosBoost;
        session.QueueStep(_input, cancellationToken);
        return _stepResult!.Current;
    }

    private TalkerStepResult FinishStep()
    {
        var output = _session!.Output;
        return new TalkerStepResult(output.Hidden, Sample(output, _stepEosBoost));
    }

    private int Sample(TalkerOutput output, float eosBoost)
    {
        _random.Reseed(StepSeeds.For(_seed, StepSeeds.Talker, _step));
        var code = _sampler.Sample(output.Logits, CollectionsMarshal.AsSpan(_history), _step, eosBoost, _sampling, _random);
        _step++;
        return code;
    }

    public async ValueTask DisposeAsync()
    {
        if (_session is not null)
        {
            await _session.DisposeAsync().ConfigureAwait(false);
        }
    }
}
