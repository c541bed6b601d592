using Qwen3Tts.Inference;
using Qwen3Tts.Inference.Onnx;
using Qwen3Tts.Inference.Vocoder;

namespace Qwen3Tts.Tests.Vocoder;

public sealed class VocoderModelValidationTests(SyntheticVocoderFixture fixture) : IClassFixture<SyntheticVocoderFixture>
{
    private static readonly VocoderOptions Options = new() { IntraOpThreads = 1 };

    private static ModelFormatException LoadFails(string path)
    {
        var error = Assert.Throws<ModelFormatException>(() => VocoderModel.Load(path, Options).Dispose());
        Assert.Equal(path, error.FilePath);
        Assert.Contains(path, error.Message);
        return error;
    }

    [Fact]
    public void MissingFileIsReported()
    {
        var error = LoadFails(Path.Combine(fixture.Directory, "nope", "vocoder.onnx"));
        Assert.Contains("not found", error.Message);
    }

    [Fact]
    public void GarbageBytesAreNotAModel()
    {
        var path = Path.Combine(fixture.Directory, "garbage.onnx");
        var bytes = new byte[4096];
        new Random(9).NextBytes(bytes);
        File.WriteAllBytes(path, bytes);
        Assert.Contains("not a loadable ONNX model", LoadFails(path).Message);
    }

    [Fact]
    public void TruncatedModelIsNotAModel()
    {
        var path = Path.Combine(fixture.Directory, "truncated.onnx");
        var bytes = File.ReadAllBytes(fixture.ModelPath);
        File.WriteAllBytes(path, bytes.AsSpan(0, bytes.Length / 2).ToArray());
        Assert.Contains("not a loadable ONNX model", LoadFails(path).Message);
    }

    [Fact]
    public void DynamicWindowDimensionIsRejected()
    {
        var path = BadVocoderModels.CastModel(fixture.Directory, "dynamic.onnx", OnnxDataType.Int64, [1, -1, 16], [1, -1, 16]);
        var error = LoadFails(path);
        Assert.Equal("audio_codes", error.TensorName);
        Assert.Contains("static positive size", error.Message);
        Assert.Contains("[1, audio_codes_dim1, 16]", error.Message);
    }

    [Fact]
    public void WrongInputTypeIsRejected()
    {
        var path = BadVocoderModels.CastModel(fixture.Directory, "int32.onnx", OnnxDataType.Int32, [1, 64, 16], [1, 64, 16]);
        var error = LoadFails(path);
        Assert.Equal("audio_codes", error.TensorName);
        Assert.Contains("expected an int64 tensor input, found int32 [1, 64, 16]", error.Message);
    }

    [Theory]
    [InlineData(new long[] { 1, 64, 15 })]
    [InlineData(new long[] { 64, 16 })]
    [InlineData(new long[] { 2, 64, 16 })]
    public void WrongInputShapeIsRejected(long[] dims)
    {
        var path = BadVocoderModels.CastModel(fixture.Directory, $"shape-{string.Join('x', dims)}.onnx", OnnxDataType.Int64, dims, dims);
        var error = LoadFails(path);
        Assert.Contains("expected input shape [1, frames, 16]", error.Message);
    }

    [Fact]
    public void NonFloatOutputIsRejected()
    {
        var error = LoadFails(BadVocoderModels.IntegerOutputModel(fixture.Directory));
        Assert.Equal("audio", error.TensorName);
        Assert.Contains("expected a float tensor output, found int64", error.Message);
    }

    [Fact]
    public void OutputOfTheWrongLengthIsRejected()
    {
        var path = BadVocoderModels.CastModel(fixture.Directory, "short-output.onnx", OnnxDataType.Int64, [1, 64, 16], [1, 64, 16]);
        var error = LoadFails(path);
        Assert.Equal("audio", error.TensorName);
        Assert.Contains("expected 64 frames × 1920 = 122880 output samples", error.Message);
    }

    [Fact]
    public void ExtraInputsAreRejected()
    {
        var error = LoadFails(BadVocoderModels.TwoInputModel(fixture.Directory));
        Assert.Contains("expected exactly one input", error.Message);
    }

    [Fact]
    public void DecodeWindowChecksBufferSizes()
    {
        var codes = new long[fixture.Model.WindowFrames * 16];
        var audio = new float[fixture.Model.WindowSamples];
        Assert.Throws<ArgumentException>(() => fixture.Model.DecodeWindow(codes.AsSpan(1), audio));
        Assert.Throws<ArgumentException>(() => fixture.Model.DecodeWindow(codes, audio.AsSpan(1)));
    }
}
