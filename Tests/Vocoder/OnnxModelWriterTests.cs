using Microsoft.ML.OnnxRuntime;
using Qwen3Tts.Inference.Onnx;

namespace Qwen3Tts.Tests.Vocoder;

public sealed class OnnxModelWriterTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "qwen3tts-onnx-writer-" + Guid.NewGuid().ToString("N"));

    public OnnxModelWriterTests() => Directory.CreateDirectory(_directory);

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void HandBuiltGraphRunsInOnnxRuntimeWithTheExpectedValues()
    {
        // y = Softmax(Transpose(x) * w + b, axis 1), plus z = LayerNorm(x) and a Constant-node tensor attribute.
        var g = new OnnxGraphBuilder("writer_test");
        var x = g.Input("x", OnnxDataType.Float, 2, 3);
        var w = g.Initializer("w", [1f, 2f], 2);
        var b = g.Initializer("b", OnnxTensorData.Generated(2, (offset, chunk) => chunk.Fill(0.5f)), 2);
        var t = g.Transpose(x, 1, 0);                                   // [3, 2]
        g.Node("Softmax", [g.Add(g.Mul(t, w), b)], ["y"], OnnxAttribute.Int("axis", 1));
        var ln = g.LayerNormalization(x, g.Initializer("scale", [1f, 1f, 1f], 3), g.Initializer("shift", [0f, 0f, 0f], 3), -1, 1e-5f);
        g.Node("Constant", [], ["c"], OnnxAttribute.Tensor("value", OnnxTensorData.FromInt64s([7, 8]), 2));
        g.Node("Identity", [ln], ["z"]);
        g.Output("y", OnnxDataType.Float, 3, 2);
        g.Output("z", OnnxDataType.Float, 2, 3);
        g.Output("c", OnnxDataType.Int64, 2);
        var path = Path.Combine(_directory, "model.onnx");
        OnnxModelWriter.Write(path, g);

        using var session = new InferenceSession(path);
        float[] input = [1, 2, 3, 4, 5, 6];
        using var value = OrtValue.CreateTensorValueFromMemory(input, [2, 3]);
        using var results = session.Run(new RunOptions(), ["x"], [value], ["y", "z", "c"]);

        var y = results[0].GetTensorDataAsSpan<float>().ToArray();
        for (var row = 0; row < 3; row++)
        {
            var a = input[row] * 1f + 0.5f;
            var c = input[3 + row] * 2f + 0.5f;
            var expected = 1 / (1 + Math.Exp(c - a));
            Assert.Equal(expected, y[row * 2], 5);
            Assert.Equal(1 - expected, y[row * 2 + 1], 5);
        }
        var z = results[1].GetTensorDataAsSpan<float>().ToArray();
        Assert.Equal(-Math.Sqrt(1.5), z[0], 3);
        Assert.Equal(0, z[1], 5);
        Assert.Equal([7L, 8L], results[2].GetTensorDataAsSpan<long>().ToArray());
    }

    [Fact]
    public void FileStartsWithIrVersionProducerAndOpset()
    {
        var g = new OnnxGraphBuilder("header_test");
        var x = g.Input("x", OnnxDataType.Float, 1);
        g.Node("Identity", [x], ["y"]);
        g.Output("y", OnnxDataType.Float, 1);
        var path = Path.Combine(_directory, "header.onnx");
        OnnxModelWriter.Write(path, g);

        var bytes = File.ReadAllBytes(path);
        byte[] expected = [0x08, 0x08, 0x12, 0x11, .. "qwen3-tts-orleans"u8, 0x42, 0x04, 0x0A, 0x00, 0x10, 0x11];
        Assert.Equal(expected, bytes.AsSpan(0, expected.Length).ToArray());
    }

    [Fact]
    public void FailedWriteLeavesNoPartialFileAndKeepsTheOldOne()
    {
        var path = Path.Combine(_directory, "atomic.onnx");
        File.WriteAllText(path, "previous model");
        var g = new OnnxGraphBuilder("failing");
        var x = g.Input("x", OnnxDataType.Float, 1 << 20);
        var w = g.Initializer("w", OnnxTensorData.Generated(1 << 20, (offset, _) =>
        {
            if (offset > 0)
            {
                throw new IOException("disk full (simulated)");
            }
        }), 1 << 20);
        g.Node("Add", [x, w], ["y"]);
        g.Output("y", OnnxDataType.Float, 1 << 20);

        Assert.Throws<IOException>(() => OnnxModelWriter.Write(path, g));
        Assert.Equal("previous model", File.ReadAllText(path));
        Assert.Equal([path], Directory.GetFiles(_directory));
    }

    [Fact]
    public void BuilderRejectsDuplicateNamesAndMismatchedShapes()
    {
        var g = new OnnxGraphBuilder("checks");
        g.Input("x", OnnxDataType.Float, 2);
        Assert.Throws<ArgumentException>(() => g.Initializer("x", [1f, 2f], 2));
        var error = Assert.Throws<ArgumentException>(() => g.Initializer("w", [1f, 2f, 3f], 2, 2));
        Assert.Contains("shape [2, 2] holds 4 elements, data has 3", error.Message);
    }
}
