namespace Qwen3Tts.Inference.Onnx;

/// <summary>Typed helpers for the opset-17 operators this project builds graphs from.</summary>
public sealed partial class OnnxGraphBuilder
{
    /// <summary>A 1-D int64 constant (shapes, axes, slice bounds).</summary>
    public string ConstInt64(params long[] values) => Initializer(FreshName("const_i64"), values, values.Length);

    /// <summary>A float scalar constant (rank 0).</summary>
    public string ScalarFloat(float value) => Initializer(FreshName("const_f32"), [value]);

    public string ConstFloat(float[] values, params long[] dims) => Initializer(FreshName("const_f32"), values, dims);

    public string Add(string a, string b) => Op("Add", [a, b]);

    public string Sub(string a, string b) => Op("Sub", [a, b]);

    public string Mul(string a, string b) => Op("Mul", [a, b]);

    public string Div(string a, string b) => Op("Div", [a, b]);

    public string Pow(string a, string exponent) => Op("Pow", [a, exponent]);

    public string Max(string a, string b) => Op("Max", [a, b]);

    public string Min(string a, string b) => Op("Min", [a, b]);

    public string MatMul(string a, string b) => Op("MatMul", [a, b]);

    public string Sin(string x) => Op("Sin", [x]);

    public string Exp(string x) => Op("Exp", [x]);

    public string Sqrt(string x) => Op("Sqrt", [x]);

    public string Erf(string x) => Op("Erf", [x]);

    public string Sigmoid(string x) => Op("Sigmoid", [x]);

    public string Neg(string x) => Op("Neg", [x]);

    public string Cast(string x, OnnxDataType to) => Op("Cast", [x], OnnxAttribute.Int("to", (long)to));

    public string Gather(string data, string indices, long axis = 0) =>
        Op("Gather", [data, indices], OnnxAttribute.Int("axis", axis));

    public string Transpose(string x, params long[] perm) => Op("Transpose", [x], OnnxAttribute.Ints("perm", perm));

    public string Reshape(string x, params long[] shape) => Op("Reshape", [x, ConstInt64(shape)]);

    public string Softmax(string x, long axis = -1) => Op("Softmax", [x], OnnxAttribute.Int("axis", axis));

    /// <summary>Opset 17 ReduceMean still takes its axes as an attribute.</summary>
    public string ReduceMean(string x, long[] axes, bool keepDims = true) =>
        Op("ReduceMean", [x], OnnxAttribute.Ints("axes", axes), OnnxAttribute.Int("keepdims", keepDims ? 1 : 0));

    /// <summary>ReduceSum takes its axes as an input since opset 13.</summary>
    public string ReduceSum(string x, long[] axes, bool keepDims = true) =>
        Op("ReduceSum", [x, ConstInt64(axes)], OnnxAttribute.Int("keepdims", keepDims ? 1 : 0));

    public string Slice(string x, long[] starts, long[] ends, long[] axes) =>
        Op("Slice", [x, ConstInt64(starts), ConstInt64(ends), ConstInt64(axes)]);

    public string Concat(long axis, params string[] inputs) => Op("Concat", inputs, OnnxAttribute.Int("axis", axis));

    public string Where(string condition, string whenTrue, string whenFalse) => Op("Where", [condition, whenTrue, whenFalse]);

    public string Clip(string x, float min, float max) => Op("Clip", [x, ScalarFloat(min), ScalarFloat(max)]);

    /// <summary>Constant-mode Pad; <paramref name="pads"/> is [begin_0..begin_n, end_0..end_n] as ONNX defines it.</summary>
    public string Pad(string x, params long[] pads) => Op("Pad", [x, ConstInt64(pads)], OnnxAttribute.String("mode", "constant"));

    public string LayerNormalization(string x, string scale, string bias, long axis, float epsilon) =>
        Op("LayerNormalization", [x, scale, bias], OnnxAttribute.Int("axis", axis), OnnxAttribute.Float("epsilon", epsilon));

    /// <summary>
    /// 1-D convolution over [N, C, T] with explicit (possibly asymmetric) padding; a causal conv pads
    /// (k-1)*dilation on the left only. <paramref name="bias"/> may be null.
    /// </summary>
    public string Conv1d(string x, string weight, string? bias, long kernel, long dilation = 1, long group = 1, long padLeft = 0, long padRight = 0)
    {
        string[] inputs = bias is null ? [x, weight] : [x, weight, bias];
        return Op("Conv", inputs,
            OnnxAttribute.Ints("kernel_shape", kernel),
            OnnxAttribute.Ints("dilations", dilation),
            OnnxAttribute.Int("group", group),
            OnnxAttribute.Ints("pads", padLeft, padRight),
            OnnxAttribute.Ints("strides", 1));
    }

    /// <summary>Plain (unpadded) 1-D transposed convolution: output length (L-1)*stride + kernel.</summary>
    public string ConvTranspose1d(string x, string weight, string? bias, long kernel, long stride)
    {
        string[] inputs = bias is null ? [x, weight] : [x, weight, bias];
        return Op("ConvTranspose", inputs,
            OnnxAttribute.Ints("kernel_shape", kernel),
            OnnxAttribute.Ints("strides", stride),
            OnnxAttribute.Ints("pads", 0, 0));
    }
}
