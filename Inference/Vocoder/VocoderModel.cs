using Microsoft.Extensions.Logging;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Qwen3Tts.Inference.Vocoder;

/// <summary>
/// The codec decoder ONNX model (<c>vocoder/vocoder.onnx</c>): int64 codes [1, W, 16] (frame-major) in,
/// float audio [1, 1, W·1920] at 24 kHz out. W is fixed by the model and read from its input metadata.
/// <see cref="DecodeWindow"/> is thread-safe: ORT sessions may run concurrently and every call binds its own buffers.
/// </summary>
public sealed class VocoderModel : IDisposable
{
    public const int CodebookCount = 16;
    public const int CodebookSize = 2048;
    public const int SampleRate = 24_000;

    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions = new();
    private readonly string[] _inputNames;
    private readonly string[] _outputNames;
    private readonly long[] _inputShape;
    private readonly long[] _outputShape;
    private bool _disposed;

    private VocoderModel(string filePath, InferenceSession session, string inputName, string outputName, int windowFrames)
    {
        FilePath = filePath;
        _session = session;
        _inputNames = [inputName];
        _outputNames = [outputName];
        WindowFrames = windowFrames;
        _inputShape = [1, windowFrames, CodebookCount];
        _outputShape = [1, 1, (long)windowFrames * SamplesPerFrame];
    }

    public string FilePath { get; }

    /// <summary>Frames per decode call, from the model's input dimension 1.</summary>
    public int WindowFrames { get; }

    public int SamplesPerFrame => 1920;

    public int WindowSamples => WindowFrames * SamplesPerFrame;

    public static VocoderModel Load(string onnxPath, VocoderOptions options, ILogger? logger = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(onnxPath);
        ArgumentNullException.ThrowIfNull(options);
        if (!File.Exists(onnxPath))
        {
            throw new ModelFormatException("vocoder model file not found", onnxPath);
        }
        if (options.IntraOpThreads < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.IntraOpThreads, "IntraOpThreads must be at least 1");
        }

        using var sessionOptions = new SessionOptions
        {
            IntraOpNumThreads = options.IntraOpThreads,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        };
        // Idle ORT workers spin by default; on a shared board that steals cores from the LM workers.
        sessionOptions.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");

        InferenceSession session;
        try
        {
            session = new InferenceSession(onnxPath, sessionOptions);
        }
        catch (OnnxRuntimeException ex)
        {
            throw new ModelFormatException($"not a loadable ONNX model ({ex.Message})", onnxPath, inner: ex);
        }

        try
        {
            var (inputName, outputName, window) = VocoderContract.Validate(onnxPath, session);
            logger?.LogInformation("Loaded vocoder {File}: window {Window} frames, {Threads} intra-op threads",
                onnxPath, window, options.IntraOpThreads);
            return new VocoderModel(onnxPath, session, inputName, outputName, window);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Decodes one full window. <paramref name="codes"/> holds WindowFrames × 16 codes, frame-major;
    /// <paramref name="audio"/> receives WindowFrames × 1920 samples. Both spans are handed to ORT in place.
    /// </summary>
    public unsafe void DecodeWindow(ReadOnlySpan<long> codes, Span<float> audio)
    {
        if (codes.Length != WindowFrames * CodebookCount)
        {
            throw new ArgumentException($"expected {WindowFrames}×{CodebookCount} = {WindowFrames * CodebookCount} codes, got {codes.Length}", nameof(codes));
        }
        if (audio.Length != WindowSamples)
        {
            throw new ArgumentException($"expected an audio buffer of {WindowSamples} samples, got {audio.Length}", nameof(audio));
        }
        ObjectDisposedException.ThrowIf(_disposed, this);

        fixed (long* codesPointer = codes)
        fixed (float* audioPointer = audio)
        {
            using var input = OrtValue.CreateTensorValueWithData(OrtMemoryInfo.DefaultInstance, TensorElementType.Int64,
                _inputShape, (IntPtr)codesPointer, (long)codes.Length * sizeof(long));
            using var output = OrtValue.CreateTensorValueWithData(OrtMemoryInfo.DefaultInstance, TensorElementType.Float,
                _outputShape, (IntPtr)audioPointer, (long)audio.Length * sizeof(float));
            try
            {
                _session.Run(_runOptions, _inputNames, [input], _outputNames, [output]);
            }
            catch (OnnxRuntimeException ex)
            {
                throw new ModelFormatException(
                    $"decode failed; the model must produce float {TensorShape.Format(_outputShape)} for {WindowFrames} frames ({ex.Message})",
                    FilePath, _outputNames[0], ex);
            }
        }
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        _session.Dispose();
        _runOptions.Dispose();
    }
}
