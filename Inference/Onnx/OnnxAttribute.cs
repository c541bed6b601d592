namespace Qwen3Tts.Inference.Onnx;

/// <summary>A node attribute, serialised eagerly because attributes are small.</summary>
public sealed class OnnxAttribute
{
    private OnnxAttribute(string name, byte[] encoded)
    {
        Name = name;
        Encoded = encoded;
    }

    public string Name { get; }

    /// <summary>The AttributeProto message bytes.</summary>
    internal byte[] Encoded { get; }

    public static OnnxAttribute Int(string name, long value) =>
        Create(name, OnnxAttributeType.Int, w => w.WriteInt64Field(OnnxProtoFields.Attribute.I, value));

    public static OnnxAttribute Ints(string name, params long[] values) =>
        Create(name, OnnxAttributeType.Ints, w =>
        {
            foreach (var v in values)
            {
                w.WriteInt64Field(OnnxProtoFields.Attribute.Ints, v);
            }
        });

    public static OnnxAttribute Float(string name, float value) =>
        Create(name, OnnxAttributeType.Float, w => w.WriteFloatField(OnnxProtoFields.Attribute.F, value));

    public static OnnxAttribute Floats(string name, params float[] values) =>
        Create(name, OnnxAttributeType.Floats, w =>
        {
            foreach (var v in values)
            {
                w.WriteFloatField(OnnxProtoFields.Attribute.Floats, v);
            }
        });

    public static OnnxAttribute String(string name, string value) =>
        Create(name, OnnxAttributeType.String, w => w.WriteStringField(OnnxProtoFields.Attribute.S, value));

    /// <summary>A tensor-valued attribute (e.g. Constant's <c>value</c>); the tensor's own name is left empty.</summary>
    public static OnnxAttribute Tensor(string name, OnnxTensorData tensor, params long[] dims) =>
        Create(name, OnnxAttributeType.Tensor, w =>
        {
            var header = OnnxTensorEncoding.Header(string.Empty, tensor.DataType, dims);
            var size = OnnxTensorEncoding.MessageSize(header, tensor.ByteLength);
            w.WriteLengthPrefix(OnnxProtoFields.Attribute.T, size);
            OnnxTensorEncoding.WriteMessageBody(w, header, tensor);
        });

    private static OnnxAttribute Create(string name, OnnxAttributeType type, Action<ProtobufWriter> writeValue)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        var encoded = ProtobufWriter.Build(w =>
        {
            w.WriteStringField(OnnxProtoFields.Attribute.Name, name);
            writeValue(w);
            w.WriteInt64Field(OnnxProtoFields.Attribute.Type, (long)type);
        });
        return new OnnxAttribute(name, encoded);
    }
}
