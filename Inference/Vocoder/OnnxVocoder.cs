namespace Qwen3Tts.Inference.Vocoder;

/// <summary>The seed's fixed-window vocoder.onnx as the process's vocoder (<c>--vocoder onnx</c>).</summary>
public sealed class OnnxVocoder(VocoderModel model, VocoderOptions options) : IVocoder
{
    private readonly int _chunk = options.EffectiveChunkFrames(model.WindowFrames);

    public VocoderModel Model { get; } = model;

    public VocoderEngine Engine => VocoderEngine.Onnx;

    public int SamplesPerFrame => Model.SamplesPerFrame;

    public string Description =>
        $"ONNX window vocoder {Model.FilePath}: window {Model.WindowFrames} frames, {options.ContextFrames} frames of left context, chunks of {_chunk}";

    public IVocoderStream OpenStream() => new StreamingVocoder(Model, options);

    public void Dispose() => Model.Dispose();
}
