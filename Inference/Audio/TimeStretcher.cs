using System.Buffers;
using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;

namespace Qwen3Tts.Inference.Audio;

/// <summary>
/// Plays mono audio faster or slower without changing its pitch (OpenAI's <c>speed</c>, 0.25 to 4.0), as the
/// audio streams in. WSOLA (waveform-similarity overlap-add): output frames advance by a fixed hop; each
/// frame is read from the input near <c>frame · hop · speed</c>, at the offset whose first half looks most like
/// the natural continuation of the previous frame (normalized cross-correlation), and cross-faded into it.
/// <para>
/// Sizes, for speech: a frame is 25 ms (600 samples at 24 kHz), long enough to hold two pitch periods of a low
/// (80 Hz) voice so a frame carries a whole waveform shape, short enough that a phoneme is several frames and
/// transients are not smeared. Frames overlap by half (12.5 ms), the least overlap for which a Hann cross-fade
/// keeps a constant gain. The search reaches ±10 ms, just under one period of that low voice, so every
/// frame can find an in-phase position without drifting far from its nominal time.
/// </para>
/// <para>
/// The output has exactly <c>round(input length / speed)</c> samples once <see cref="Flush(IBufferWriter{float})"/>
/// has run; the first frame and the tail are copied unfaded. Speed 1.0 copies its input unchanged.
/// Frames and search depend only on absolute sample positions, so any split of the input into chunks gives
/// the same output, bit for bit. Not thread-safe: one instance per stream.
/// </para>
/// </summary>
public sealed class TimeStretcher
{
    public const double MinSpeed = 0.25;
    public const double MaxSpeed = 4.0;

    private readonly double _speed;
    private readonly bool _passThrough;
    private readonly int _hop;          // synthesis hop = overlap = half a frame
    private readonly int _tolerance;    // search radius around the nominal read position
    private readonly double _analysisHop;

    private readonly float[] _fadeIn;
    private readonly float[] _fadeOut;
    private readonly float[] _pending;   // the last frame's second half, faded out, waiting for the next frame
    private readonly float[] _reference; // the same half unfaded: what the next frame's first half must resemble
    private readonly float[] _frameOutput;

    // Input from absolute sample _bufferStart on; older samples are no longer reachable by any search.
    private readonly float[] _buffer;
    private long _bufferStart;
    private int _bufferCount;

    private long _inputCount;
    private long _frames;
    private long _produced;
    private bool _flushed;

    public TimeStretcher(int sampleRate, double speed)
    {
        if (sampleRate is < 8_000 or > 384_000)
        {
            throw new ArgumentOutOfRangeException(nameof(sampleRate), sampleRate, "the sample rate must be from 8000 to 384000 Hz");
        }
        if (!double.IsFinite(speed) || speed < MinSpeed || speed > MaxSpeed)
        {
            throw new ArgumentOutOfRangeException(nameof(speed), speed, $"speed must be a finite number from {MinSpeed} to {MaxSpeed}");
        }

        SampleRate = sampleRate;
        _speed = speed;
        _passThrough = speed == 1.0;
        _hop = sampleRate / 80;          // 12.5 ms
        _tolerance = sampleRate / 100;   // 10 ms
        _analysisHop = _hop * speed;

        _fadeIn = new float[_hop];
        _fadeOut = new float[_hop];
        for (var i = 0; i < _hop; i++)
        {
            // Hann halves: sin² rises while cos² falls, and the two sum to one at every sample.
            var s = Math.Sin(Math.PI * (i + 0.5) / (2 * _hop));
            _fadeIn[i] = (float)(s * s);
            _fadeOut[i] = 1f - _fadeIn[i];
        }
        _pending = new float[_hop];
        _reference = new float[_hop];
        _frameOutput = new float[_hop];

        // A frame needs its search span plus a frame; while speed > 1 holds output back, up to one analysis
        // hop more arrives first. Twice that keeps compaction rare.
        var frameSpan = 2 * _tolerance + 2 * _hop + (int)Math.Ceiling(_analysisHop) + 4;
        _buffer = new float[2 * frameSpan];
    }

    public int SampleRate { get; }

    public double Speed => _speed;

    /// <summary>The exact output length for <paramref name="inputLength"/> input samples.</summary>
    public long OutputLengthFor(long inputLength) => _passThrough ? inputLength : (long)Math.Round(inputLength / _speed);

    /// <summary>Stretches a whole signal at once.</summary>
    public static float[] Stretch(ReadOnlySpan<float> samples, int sampleRate, double speed)
    {
        var stretcher = new TimeStretcher(sampleRate, speed);
        var output = new ArrayBufferWriter<float>((int)Math.Min(int.MaxValue, stretcher.OutputLengthFor(samples.Length) + 1));
        stretcher.Process(samples, output);
        stretcher.Flush(output);
        return output.WrittenSpan.ToArray();
    }

    /// <summary>Adds input; returns the output samples that became final.</summary>
    public float[] Process(ReadOnlySpan<float> input)
    {
        var output = new ArrayBufferWriter<float>(Math.Max(1, (int)(input.Length / _speed) + _hop));
        Process(input, output);
        return output.WrittenSpan.ToArray();
    }

    /// <summary>Ends the stream; returns the rest of the output.</summary>
    public float[] Flush()
    {
        var output = new ArrayBufferWriter<float>(Math.Max(1, (int)(_buffer.Length / _speed)));
        Flush(output);
        return output.WrittenSpan.ToArray();
    }

    /// <summary>Adds input and writes the output samples that became final.</summary>
    public void Process(ReadOnlySpan<float> input, IBufferWriter<float> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (_flushed)
        {
            throw new InvalidOperationException("the time stretcher is already flushed; use a new one for a new stream");
        }
        _inputCount += input.Length;
        if (_passThrough)
        {
            input.CopyTo(output.GetSpan(input.Length));
            output.Advance(input.Length);
            return;
        }

        while (!input.IsEmpty)
        {
            if (_bufferCount == _buffer.Length)
            {
                Compact();
            }
            var count = Math.Min(_buffer.Length - _bufferCount, input.Length);
            input[..count].CopyTo(_buffer.AsSpan(_bufferCount));
            _bufferCount += count;
            input = input[count..];
            while (HasInputFor(_frames) && (_frames + 1) * _hop <= FinalOutputLowerBound())
            {
                Emit(output, _hop);
            }
        }
    }

    /// <summary>Ends the stream and writes the rest of the output; the stretcher takes no more input.</summary>
    public void Flush(IBufferWriter<float> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (_flushed)
        {
            throw new InvalidOperationException("the time stretcher is already flushed");
        }
        _flushed = true;
        if (_passThrough)
        {
            return;
        }

        var total = OutputLengthFor(_inputCount);
        while (_produced < total)
        {
            var left = total - _produced;
            if (_frames > 0 && left < _hop)
            {
                // Less than a hop to go: end on the natural continuation itself rather than on a fade.
                _reference.AsSpan(0, (int)left).CopyTo(output.GetSpan((int)left));
                output.Advance((int)left);
                _produced = total;
                break;
            }
            // Past the end of the input, frames read silence.
            while (!HasInputFor(_frames))
            {
                if (_bufferCount == _buffer.Length)
                {
                    Compact();
                }
                var count = Math.Min(_buffer.Length - _bufferCount, _hop);
                _buffer.AsSpan(_bufferCount, count).Clear();
                _bufferCount += count;
            }
            Emit(output, (int)Math.Min(_hop, left));
        }
    }

    // While streaming, output is emitted only while it stays within round(input so far / speed): more input can
    // only raise that bound, so the total never overshoots the exact length the flush aims at.
    private long FinalOutputLowerBound() => (long)Math.Round(_inputCount / _speed);

    private long Nominal(long frame) => (long)Math.Round(frame * _analysisHop);

    private bool HasInputFor(long frame)
    {
        var end = frame == 0 ? 2 * _hop : Nominal(frame) + _tolerance + 2 * _hop;
        return _bufferStart + _bufferCount >= end;
    }

    private void Compact()
    {
        var keep = _frames == 0 ? 0 : Math.Max(0, Nominal(_frames) - _tolerance);
        var drop = (int)(keep - _bufferStart);
        if (drop <= 0)
        {
            // The buffer is sized so a full buffer always holds the next frame; reaching here is a bug.
            throw new InvalidOperationException("time stretcher buffer is full without a complete frame");
        }
        _buffer.AsSpan(drop, _bufferCount - drop).CopyTo(_buffer);
        _bufferCount -= drop;
        _bufferStart = keep;
    }

    private void Emit(IBufferWriter<float> output, int count)
    {
        NextFrame(_frameOutput);
        _frameOutput.AsSpan(0, count).CopyTo(output.GetSpan(count));
        output.Advance(count);
        _produced += count;
    }

    private void NextFrame(Span<float> destination)
    {
        long position;
        if (_frames == 0)
        {
            position = 0;
            Window(position, _hop).CopyTo(destination);
        }
        else
        {
            var nominal = Nominal(_frames);
            position = BestMatch(Math.Max(0, nominal - _tolerance), nominal + _tolerance, nominal);
            TensorPrimitives.FusedMultiplyAdd(Window(position, _hop), _fadeIn, _pending, destination);
        }
        var secondHalf = Window(position + _hop, _hop);
        secondHalf.CopyTo(_reference);
        TensorPrimitives.Multiply(secondHalf, _fadeOut, _pending);
        _frames++;
    }

    private ReadOnlySpan<float> Window(long position, int length) => _buffer.AsSpan((int)(position - _bufferStart), length);

    // Ties keep the nominal position, so silence and exactly periodic input stay on the time grid.
    private long BestMatch(long first, long last, long nominal)
    {
        var best = nominal;
        var bestScore = Similarity(Window(nominal, _hop));
        for (var p = first; p <= last; p++)
        {
            var score = Similarity(Window(p, _hop));
            if (score > bestScore)
            {
                bestScore = score;
                best = p;
            }
        }
        return best;
    }

    // Correlation with the reference over the candidate's norm (the reference's norm is the same for every
    // candidate). Summed in a fixed order from the span start, not TensorPrimitives.Dot, whose result can
    // depend on memory alignment: the choice must not depend on where compaction left the samples.
    private float Similarity(ReadOnlySpan<float> candidate)
    {
        var reference = _reference.AsSpan();
        var dot = 0f;
        var energy = 0f;
        var i = 0;
        if (Vector.IsHardwareAccelerated && candidate.Length >= Vector<float>.Count)
        {
            var dots = Vector<float>.Zero;
            var energies = Vector<float>.Zero;
            var c = MemoryMarshal.Cast<float, Vector<float>>(candidate);
            var r = MemoryMarshal.Cast<float, Vector<float>>(reference);
            for (var v = 0; v < c.Length; v++)
            {
                dots += c[v] * r[v];
                energies += c[v] * c[v];
            }
            dot = Vector.Sum(dots);
            energy = Vector.Sum(energies);
            i = c.Length * Vector<float>.Count;
        }
        for (; i < candidate.Length; i++)
        {
            dot += candidate[i] * reference[i];
            energy += candidate[i] * candidate[i];
        }
        return energy > 0f ? dot / MathF.Sqrt(energy) : 0f;
    }
}
