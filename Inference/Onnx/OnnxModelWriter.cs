using Qwen3Tts.Inference.Formats;
namespace Qwen3Tts.Inference.Onnx;

/// <summary>
/// Writes a ModelProto (IR 8, default-domain opset 17) to a file, streaming initializer payloads.
/// Every length prefix is computed from sizes before anything is written, so memory use stays at one
/// chunk of weights. The file appears under its final name only once complete (temp file + rename).
/// </summary>
public static class OnnxModelWriter
{
    public const long IrVersion = 8;
    public const long OpsetVersion = 17;
    public const string ProducerName = "qwen3-tts-orleans";

    /// <summary>Protobuf messages are limited to 2 GiB; larger models would need external data, which we do not write.</summary>
    private const long MaxModelBytes = int.MaxValue;

    public static void Write(string path, OnnxGraphBuilder graph)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(graph);
        var fullPath = Path.GetFullPath(path);

        var graphName = System.Text.Encoding.UTF8.GetBytes(graph.GraphName);
        var graphSize = GraphSize(graph, graphName.Length);
        var opset = ProtobufWriter.Build(w =>
        {
            w.WriteStringField(OnnxProtoFields.OperatorSetId.Domain, string.Empty);
            w.WriteInt64Field(OnnxProtoFields.OperatorSetId.Version, OpsetVersion);
        });
        if (graphSize > MaxModelBytes)
        {
            throw new InvalidOperationException(
                $"graph '{graph.GraphName}' encodes to {graphSize} bytes, over the 2 GiB single-file ONNX limit");
        }

        AtomicFile.Write(fullPath, file =>
        {
            var w = new ProtobufWriter(file);
            w.WriteInt64Field(OnnxProtoFields.Model.IrVersion, IrVersion);
            w.WriteStringField(OnnxProtoFields.Model.ProducerName, ProducerName);
            w.WriteBytesField(OnnxProtoFields.Model.OpsetImport, opset);
            w.WriteLengthPrefix(OnnxProtoFields.Model.Graph, graphSize);
            var graphStart = file.Position;
            WriteGraphBody(w, graph, graphName);
            if (file.Position - graphStart != graphSize)
            {
                throw new InvalidOperationException(
                    $"internal error: graph '{graph.GraphName}' wrote {file.Position - graphStart} bytes, announced {graphSize}");
            }
        });
    }

    private static long GraphSize(OnnxGraphBuilder graph, int graphNameLength)
    {
        long size = ProtobufWriter.LengthDelimitedFieldSize(OnnxProtoFields.Graph.Name, graphNameLength);
        foreach (var node in graph.EncodedNodes)
        {
            size += ProtobufWriter.LengthDelimitedFieldSize(OnnxProtoFields.Graph.Node, node.Length);
        }
        foreach (var initializer in graph.Initializers)
        {
            size += ProtobufWriter.LengthDelimitedFieldSize(OnnxProtoFields.Graph.Initializer, initializer.MessageSize);
        }
        foreach (var input in graph.EncodedInputs)
        {
            size += ProtobufWriter.LengthDelimitedFieldSize(OnnxProtoFields.Graph.Input, input.Length);
        }
        foreach (var output in graph.EncodedOutputs)
        {
            size += ProtobufWriter.LengthDelimitedFieldSize(OnnxProtoFields.Graph.Output, output.Length);
        }
        return size;
    }

    private static void WriteGraphBody(ProtobufWriter w, OnnxGraphBuilder graph, byte[] graphName)
    {
        foreach (var node in graph.EncodedNodes)
        {
            w.WriteBytesField(OnnxProtoFields.Graph.Node, node);
        }
        w.WriteBytesField(OnnxProtoFields.Graph.Name, graphName);
        foreach (var initializer in graph.Initializers)
        {
            w.WriteLengthPrefix(OnnxProtoFields.Graph.Initializer, initializer.MessageSize);
            OnnxTensorEncoding.WriteMessageBody(w, initializer.Header, initializer.Data);
        }
        foreach (var input in graph.EncodedInputs)
        {
            w.WriteBytesField(OnnxProtoFields.Graph.Input, input);
        }
        foreach (var output in graph.EncodedOutputs)
        {
            w.WriteBytesField(OnnxProtoFields.Graph.Output, output);
        }
    }
}
