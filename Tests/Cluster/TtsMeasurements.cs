using System.Diagnostics.Metrics;

namespace Qwen3Tts.Tests.Cluster;

/// <summary>
/// Listens to the tts-* instruments on the given silos' Orleans meters only: other test classes run their own
/// silos in parallel, and those meters have the same name, so the listener takes meter instances, not names.
/// </summary>
internal sealed class TtsMeasurements : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly Dictionary<string, long> _counters = [];
    private readonly Dictionary<string, List<double>> _histograms = [];
    private readonly Dictionary<Instrument, double> _gauges = [];

    public TtsMeasurements(IEnumerable<Meter> meters)
    {
        var ours = meters.ToHashSet();
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ours.Contains(instrument.Meter) && instrument.Name.StartsWith("tts-", StringComparison.Ordinal))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, _, _) =>
        {
            lock (_counters)
            {
                _counters[instrument.Name] = _counters.GetValueOrDefault(instrument.Name) + value;
            }
        });
        _listener.SetMeasurementEventCallback<double>((instrument, value, _, _) =>
        {
            lock (_counters)
            {
                if (instrument is ObservableGauge<double>)
                {
                    _gauges[instrument] = value;
                    return;
                }
                if (!_histograms.TryGetValue(instrument.Name, out var values))
                {
                    _histograms[instrument.Name] = values = [];
                }
                values.Add(value);
            }
        });
        _listener.Start();
    }

    public long Counter(string name)
    {
        lock (_counters)
        {
            return _counters.GetValueOrDefault(name);
        }
    }

    public double[] Histogram(string name)
    {
        lock (_counters)
        {
            return _histograms.TryGetValue(name, out var values) ? values.ToArray() : [];
        }
    }

    /// <summary>The gauges' values now (they report only when asked), summed over the silos: one silo per role does the work.</summary>
    public IReadOnlyDictionary<string, double> Gauges()
    {
        _listener.RecordObservableInstruments();
        lock (_counters)
        {
            return _gauges.GroupBy(g => g.Key.Name).ToDictionary(g => g.Key, g => g.Sum(p => p.Value));
        }
    }

    public void Dispose() => _listener.Dispose();
}
