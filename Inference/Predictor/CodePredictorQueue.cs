using Qwen3Tts.Inference.Qwen3;
using Qwen3Tts.Inference.Threading;

namespace Qwen3Tts.Inference.Predictor;

/// <summary>
/// Coalesces the frames of concurrent requests: whatever frames queue up while one runs go into the next
/// run together, as one <see cref="CodePredictorBatch"/> (each weight read once per step for all of them).
/// An idle predictor adds no waiting, and a lone frame takes the single-session path. With a gather window
/// (<see cref="PredictorOptions.GatherMicroseconds"/>) a pass also waits, at most that long, for the requests that
/// are on their way back from their talker step (<see cref="GatheringQueue{T}"/>), so concurrent requests run their
/// frames in one pass instead of taking turns. Every frame's result is bit-identical to running it alone, because the
/// batch is (each request brings its own seeded sampler, which also stands for the request here). One worker thread
/// runs the frames; thread-safe.
/// </summary>
public sealed class CodePredictorQueue : IDisposable
{
    private readonly GatheringQueue<Pending> _queue;
    private readonly CodePredictorWeights _weights;
    private readonly CodePredictorSession[] _sessions;
    private readonly CodePredictorBatch _batch;
    private readonly Pending[] _running;
    private readonly ISubCodeSampler[] _samplers;
    private readonly int[] _code0s;
    private readonly float[] _hiddens;
    private readonly int[] _codes;
    private readonly float[] _feedback;
    private readonly Thread _worker;
    private readonly RowParallelism? _ownedParallelism;

    /// <summary>A queue with <paramref name="options"/>' batch size, on its own row pool when options.Threads is set (else the shared one).</summary>
    public static CodePredictorQueue Create(CodePredictorWeights weights, PredictorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var gather = TimeSpan.FromTicks(options.GatherMicroseconds * TimeSpan.TicksPerMicrosecond);
        return options.Threads > 0
            ? new CodePredictorQueue(weights, options.MaxBatch, new RowParallelism(options.Threads), ownsParallelism: true, gather)
            : new CodePredictorQueue(weights, options.MaxBatch, gather: gather);
    }

    private CodePredictorQueue(CodePredictorWeights weights, int maxBatch, RowParallelism parallelism, bool ownsParallelism, TimeSpan gather)
        : this(weights, maxBatch, parallelism, gather)
    {
        _ownedParallelism = ownsParallelism ? parallelism : null;
    }

    /// <param name="gather">The gather window (null = <see cref="PredictorOptions.GatherMicroseconds"/>'s default; zero = never wait).</param>
    public CodePredictorQueue(CodePredictorWeights weights, int maxBatch = 8, RowParallelism? parallelism = null, TimeSpan? gather = null)
    {
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatch, 1);
        _weights = weights;
        MaxBatch = maxBatch;
        Gather = gather ?? TimeSpan.FromTicks(new PredictorOptions().GatherMicroseconds * TimeSpan.TicksPerMicrosecond);
        ArgumentOutOfRangeException.ThrowIfLessThan(Gather, TimeSpan.Zero, nameof(gather));
        _queue = new GatheringQueue<Pending>(maxBatch, Gather);
        var h = weights.HiddenSize;
        _sessions = Enumerable.Range(0, maxBatch).Select(_ => new CodePredictorSession(weights, parallelism)).ToArray();
        _batch = new CodePredictorBatch(weights, maxBatch, parallelism);
        _running = new Pending[maxBatch];
        _samplers = new ISubCodeSampler[maxBatch];
        _code0s = new int[maxBatch];
        _hiddens = new float[maxBatch * h];
        _codes = new int[maxBatch * CodePredictorWeights.GroupCount];
        _feedback = new float[maxBatch * h];
        _worker = new Thread(Work) { IsBackground = true, Name = "qwen3-predictor" };
        _worker.Start();
    }

    public int MaxBatch { get; }

    /// <summary>The longest a pass waits for the frames of requests on their way back to it.</summary>
    public TimeSpan Gather { get; }

    /// <summary>Frames run so far, and how many ran in a batch with others (for tests and metrics).</summary>
    public long FramesRun => Interlocked.Read(ref _framesRun);

    public long FramesBatched => Interlocked.Read(ref _framesBatched);

    /// <summary>Passes run so far (a lone frame or one batch each): FramesRun / PassesRun is the mean batch.</summary>
    public long PassesRun => Interlocked.Read(ref _passesRun);

    /// <summary>Largest batch run so far.</summary>
    public int LargestBatch => Volatile.Read(ref _largestBatch);

    private long _framesRun;
    private long _framesBatched;
    private long _passesRun;
    private int _largestBatch;

    /// <summary>
    /// Queues one frame (the arguments of <see cref="CodePredictorSession.PredictFrame"/>); the task ends
    /// when <paramref name="codesOut"/> and <paramref name="feedbackOut"/> hold the result. The sampler
    /// must be ready for this frame and untouched until then.
    /// </summary>
    public Task PredictAsync(ReadOnlyMemory<float> talkerHidden, int code0, ISubCodeSampler sampler, Memory<int> codesOut, Memory<float> feedbackOut, CancellationToken cancellationToken) =>
        PredictAsync(talkerHidden, code0, sampler, codesOut, feedbackOut, new ReusableCompletion(), cancellationToken).AsTask();

    /// <summary>
    /// <see cref="PredictAsync(ReadOnlyMemory{float}, int, ISubCodeSampler, Memory{int}, Memory{float}, CancellationToken)"/>
    /// completing the caller's own <paramref name="done"/> (armed here; await the result once before the next frame):
    /// a frame then allocates nothing, where a task per frame cost 184 bytes.
    /// </summary>
    public ValueTask PredictAsync(ReadOnlyMemory<float> talkerHidden, int code0, ISubCodeSampler sampler, Memory<int> codesOut, Memory<float> feedbackOut,
        ReusableCompletion done, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sampler);
        ArgumentNullException.ThrowIfNull(done);
        var h = _weights.HiddenSize;
        FrameArguments.CheckLength(talkerHidden.Length, h, nameof(talkerHidden), "talkerHidden");
        FrameArguments.CheckCode0(code0, nameof(code0));
        FrameArguments.CheckLength(codesOut.Length, CodePredictorWeights.GroupCount, nameof(codesOut), "codesOut");
        FrameArguments.CheckLength(feedbackOut.Length, h, nameof(feedbackOut), "feedbackOut");
        cancellationToken.ThrowIfCancellationRequested();
        var task = done.Arm();
        if (!_queue.TryEnqueue(new Pending(talkerHidden, code0, sampler, codesOut, feedbackOut, cancellationToken, done)))
        {
            throw new ObjectDisposedException(nameof(CodePredictorQueue));
        }
        return task;
    }

    /// <summary>
    /// The request whose frames <paramref name="sampler"/> brought has ended: no pass waits for it again (one that
    /// ends without saying so stops being waited for once it is overdue).
    /// </summary>
    public void Leave(ISubCodeSampler sampler)
    {
        ArgumentNullException.ThrowIfNull(sampler);
        _queue.Forget(sampler);
    }

    private void Work()
    {
        int count;
        while ((count = _queue.Take(_running)) >= 0)
        {
            if (count > 0)
            {
                using var computing = ComputeLoad.Process.Enter();
                Run(count);
            }
        }
    }

    private void Run(int count)
    {
        Exception? failure = null;
        try
        {
            if (count == 1)
            {
                var p = _running[0];
                _sessions[0].PredictFrame(p.Hidden.Span, p.Code0, p.Sampler, p.Codes.Span, p.Feedback.Span);
            }
            else
            {
                RunBatch(count);
            }
            Interlocked.Add(ref _framesRun, count);
            Interlocked.Increment(ref _passesRun);
            if (count > 1)
            {
                Interlocked.Add(ref _framesBatched, count);
            }
            if (count > _largestBatch)
            {
                Volatile.Write(ref _largestBatch, count);
            }
        }
        catch (Exception e)
        {
            failure = e;
        }
        finally
        {
            Array.Clear(_samplers, 0, count);
        }
        _queue.Completed(_running.AsSpan(0, count));
        for (var i = 0; i < count; i++)
        {
            if (failure is null)
            {
                _running[i].Done.SetResult();
            }
            else
            {
                _running[i].Done.SetException(failure);
            }
        }
        Array.Clear(_running, 0, count);
    }

    private void RunBatch(int count)
    {
        var h = _weights.HiddenSize;
        const int groups = CodePredictorWeights.GroupCount;
        for (var i = 0; i < count; i++)
        {
            var p = _running[i];
            p.Hidden.Span.CopyTo(_hiddens.AsSpan(i * h, h));
            _code0s[i] = p.Code0;
            _samplers[i] = p.Sampler;
        }
        _batch.PredictFrames(_sessions.AsSpan(0, count), _hiddens.AsSpan(0, count * h), _code0s.AsSpan(0, count), _samplers.AsSpan(0, count),
            _codes.AsSpan(0, count * groups), _feedback.AsSpan(0, count * h));
        for (var i = 0; i < count; i++)
        {
            var p = _running[i];
            _codes.AsSpan(i * groups, groups).CopyTo(p.Codes.Span);
            _feedback.AsSpan(i * h, h).CopyTo(p.Feedback.Span);
        }
    }

    /// <summary>Runs what is queued, then stops the worker; later calls throw <see cref="ObjectDisposedException"/>.</summary>
    public void Dispose()
    {
        if (!_queue.Close())
        {
            return;
        }
        _worker.Join();
        _queue.Dispose();
        _ownedParallelism?.Dispose();
    }

    // A struct in a reused queue and array, completing the caller's own completion: nothing allocated per frame.
    private readonly record struct Pending(ReadOnlyMemory<float> Hidden, int Code0, ISubCodeSampler Sampler, Memory<int> Codes, Memory<float> Feedback,
        CancellationToken CancellationToken, ReusableCompletion Done) : IGatheredWork
    {
        public object Caller => Sampler;
    }
}
