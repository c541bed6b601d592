namespace Qwen3Tts.Inference.Onnx;

/// <summary>
/// TensorProto encoding split into a small in-memory header (dims, type, name) and the raw_data payload,
/// so the payload can be streamed after a length prefix computed from its size.
/// </summary>
internal static class OnnxTensorEncoding
{
    public static byte[] Header(string name, OnnxDataType type, ReadOnlySpan<long> dims)
    {
        var dimsCopy = dims.ToArray();
        return ProtobufWriter.Build(w =>
        {
            foreach (var d in dimsCopy)
            {
                w.WriteInt64Field(OnnxProtoFields.Tensor.Dims, d);
            }
            w.WriteInt64Field(OnnxProtoFields.Tensor.DataType, (long)type);
            if (name.Length > 0)
            {
                w.WriteStringField(OnnxProtoFields.Tensor.Name, name);
            }
        });
    }

    /// <summary>Size of the TensorProto message body (without its own field tag and length).</summary>
    public static long MessageSize(byte[] header, long rawByteLength) =>
        header.Length + ProtobufWriter.LengthDelimitedFieldSize(OnnxProtoFields.Tensor.RawData, rawByteLength);

    public static void WriteMessageBody(ProtobufWriter writer, byte[] header, OnnxTensorData data)
    {
        writer.Stream.Write(header);
        writer.WriteLengthPrefix(OnnxProtoFields.Tensor.RawData, data.ByteLength);
        data.WriteTo(writer.Stream);
    }
}
