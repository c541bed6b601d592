using System.Diagnostics;
using Microsoft.AspNetCore.Http;

namespace Qwen3Tts.Gateway.Admission;

/// <summary>
/// The gateway's bounded queue in front of the cluster (<see cref="AdmissionOptions"/>). Every speech request holds
/// a <see cref="Lease"/> from before its first grain call until its response is written. Retry-After is an estimate:
/// the mean duration of recent requests times the rounds of waiting ahead, between 1 s and 2 minutes.
/// </summary>
public sealed class GatewayAdmission : IDisposable
{
    private static readonly TimeSpan MaxRetryAfter = TimeSpan.FromMinutes(2);

    private readonly AdmissionOptions _options;
    private readonly SemaphoreSlim _running;
    private int _waiting;
    private long _meanTicks = TimeSpan.FromSeconds(5).Ticks;

    public GatewayAdmission(AdmissionOptions options)
    {
        options.Validate();
        _options = options;
        _running = new SemaphoreSlim(options.MaxConcurrentRequests, options.MaxConcurrentRequests);
    }

    public int Running => _options.MaxConcurrentRequests - _running.CurrentCount;

    public int Waiting => Volatile.Read(ref _waiting);

    /// <summary>A place to run, waiting in the queue if need be; a full queue or a wait that times out is an <see cref="OpenAiErrorException"/>.</summary>
    public async Task<Lease> EnterAsync(CancellationToken cancellationToken)
    {
        if (_running.Wait(0))
        {
            return new Lease(this);
        }
        if (Interlocked.Increment(ref _waiting) > _options.MaxQueuedRequests)
        {
            Interlocked.Decrement(ref _waiting);
            throw new OpenAiErrorException(StatusCodes.Status429TooManyRequests,
                $"the server is busy: {_options.MaxConcurrentRequests} requests are running and {_options.MaxQueuedRequests} waiting (gateway.admission); retry later",
                OpenAiErrorTypes.RateLimit, code: "server_busy") { RetryAfter = RetryAfter() };
        }
        try
        {
            if (!await _running.WaitAsync(_options.QueueTimeout, cancellationToken))
            {
                throw new OpenAiErrorException(StatusCodes.Status503ServiceUnavailable,
                    $"the server is busy: the request waited {_options.QueueTimeout.TotalSeconds:0} s for a place (gateway.admission.queueTimeout); retry later",
                    OpenAiErrorTypes.ServiceUnavailable, code: "queue_timeout") { RetryAfter = RetryAfter() };
            }
        }
        finally
        {
            Interlocked.Decrement(ref _waiting);
        }
        return new Lease(this);
    }

    public TimeSpan RetryAfter()
    {
        var rounds = (double)(Waiting + 1) / _options.MaxConcurrentRequests;
        var estimate = TimeSpan.FromTicks((long)(Interlocked.Read(ref _meanTicks) * Math.Max(rounds, 1)));
        return estimate < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : estimate > MaxRetryAfter ? MaxRetryAfter : estimate;
    }

    public void Dispose() => _running.Dispose();

    private void Leave(TimeSpan duration)
    {
        // A running mean over roughly the last ten requests; a lost update under contention only blurs an estimate.
        var mean = Interlocked.Read(ref _meanTicks);
        Interlocked.Exchange(ref _meanTicks, mean + (duration.Ticks - mean) / 10);
        _running.Release();
    }

    /// <summary>One running request's place; disposing it frees the place for the next in the queue.</summary>
    public sealed class Lease(GatewayAdmission admission) : IDisposable
    {
        private readonly long _started = Stopwatch.GetTimestamp();
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                admission.Leave(Stopwatch.GetElapsedTime(_started));
            }
        }
    }
}
