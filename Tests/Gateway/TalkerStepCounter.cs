using System.Diagnostics.Metrics;

namespace Qwen3Tts.Tests.Gateway;

/// <summary>
/// Sums the <c>tts-talker-steps</c> counter of one silo's Orleans meter. Other test classes run silos in parallel
/// whose meters have the same name, so the listener takes the meter instance, not the name.
/// </summary>
internal sealed class TalkerStepCounter : IDisposable
{
    private readonly MeterListener _listener = new();
    private long _steps;

    public TalkerStepCounter(Meter siloMeter)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter, siloMeter) && instrument.Name == "tts-talker-steps")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref _steps, value));
        _listener.Start();
    }

    public long Steps => Interlocked.Read(ref _steps);

    public void Dispose() => _listener.Dispose();
}
