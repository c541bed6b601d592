namespace Qwen3Tts.Inference.Onnx;

/// <summary>TensorProto.DataType values (only those this project writes).</summary>
public enum OnnxDataType
{
    Float = 1,
    Int32 = 6,
    Int64 = 7,
    Bool = 9,
}

/// <summary>AttributeProto.AttributeType values.</summary>
public enum OnnxAttributeType
{
    Float = 1,
    Int = 2,
    String = 3,
    Tensor = 4,
    Floats = 6,
    Ints = 7,
}
