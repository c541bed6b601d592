namespace Qwen3Tts.Inference.Onnx;

/// <summary>
/// Collects the parts of an ONNX graph: inputs, outputs, initializers and nodes in topological order.
/// Nodes and value infos are encoded as they are added; initializer payloads stay lazy until
/// <see cref="OnnxModelWriter"/> streams them. Op helpers live in OnnxGraphBuilder.Ops.cs.
/// </summary>
public sealed partial class OnnxGraphBuilder
{
    private readonly List<byte[]> _nodes = [];
    private readonly List<byte[]> _inputs = [];
    private readonly List<byte[]> _outputs = [];
    private readonly List<InitializerEntry> _initializers = [];
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);
    private int _nextId;

    public OnnxGraphBuilder(string graphName)
    {
        ArgumentException.ThrowIfNullOrEmpty(graphName);
        GraphName = graphName;
    }

    public string GraphName { get; }

    public int NodeCount => _nodes.Count;

    /// <summary>Total number of initializer elements (weights and constants).</summary>
    public long InitializerElementCount => _initializers.Sum(i => i.Data.ElementCount);

    internal IReadOnlyList<byte[]> EncodedNodes => _nodes;

    internal IReadOnlyList<byte[]> EncodedInputs => _inputs;

    internal IReadOnlyList<byte[]> EncodedOutputs => _outputs;

    internal IReadOnlyList<InitializerEntry> Initializers => _initializers;

    /// <summary>Declares a graph input. A negative dimension is written as a symbolic (dynamic) dimension.</summary>
    public string Input(string name, OnnxDataType type, params long[] dims)
    {
        Claim(name);
        _inputs.Add(EncodeValueInfo(name, type, dims));
        return name;
    }

    /// <summary>Declares a graph output; <paramref name="name"/> must be produced by a node.</summary>
    public void Output(string name, OnnxDataType type, params long[] dims) =>
        _outputs.Add(EncodeValueInfo(name, type, dims));

    public string Initializer(string name, OnnxTensorData data, params long[] dims)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (TensorShape.ElementCount(dims) != data.ElementCount)
        {
            throw new ArgumentException(
                $"initializer '{name}': shape {TensorShape.Format(dims)} holds {TensorShape.ElementCount(dims)} elements, data has {data.ElementCount}");
        }
        Claim(name);
        _initializers.Add(new InitializerEntry(OnnxTensorEncoding.Header(name, data.DataType, dims), data));
        return name;
    }

    public string Initializer(string name, float[] values, params long[] dims) =>
        Initializer(name, OnnxTensorData.FromFloats(values), dims);

    /// <summary>Copies <paramref name="values"/>; use the <see cref="OnnxTensorData"/> overload for large weights.</summary>
    public string Initializer(string name, ReadOnlySpan<float> values, params long[] dims) =>
        Initializer(name, OnnxTensorData.FromFloats(values.ToArray()), dims);

    public string Initializer(string name, long[] values, params long[] dims) =>
        Initializer(name, OnnxTensorData.FromInt64s(values), dims);

    /// <summary>Adds a node. Empty strings in <paramref name="inputs"/> mark omitted optional inputs.</summary>
    public void Node(string opType, IReadOnlyList<string> inputs, IReadOnlyList<string> outputs, params OnnxAttribute[] attributes)
    {
        ArgumentException.ThrowIfNullOrEmpty(opType);
        foreach (var output in outputs)
        {
            Claim(output);
        }
        var nodeName = $"{opType}_{_nodes.Count}";
        _nodes.Add(ProtobufWriter.Build(w =>
        {
            foreach (var input in inputs)
            {
                w.WriteStringField(OnnxProtoFields.Node.Input, input);
            }
            foreach (var output in outputs)
            {
                w.WriteStringField(OnnxProtoFields.Node.Output, output);
            }
            w.WriteStringField(OnnxProtoFields.Node.Name, nodeName);
            w.WriteStringField(OnnxProtoFields.Node.OpType, opType);
            foreach (var attribute in attributes)
            {
                w.WriteBytesField(OnnxProtoFields.Node.Attribute, attribute.Encoded);
            }
        }));
    }

    /// <summary>Adds a single-output node and returns the name of its (freshly named) output.</summary>
    public string Op(string opType, IReadOnlyList<string> inputs, params OnnxAttribute[] attributes)
    {
        var output = FreshName(opType);
        Node(opType, inputs, [output], attributes);
        return output;
    }

    /// <summary>A name not used yet, for intermediate values and constants.</summary>
    public string FreshName(string prefix)
    {
        string name;
        do
        {
            name = $"{prefix}_{_nextId++}";
        }
        while (_names.Contains(name));
        return name;
    }

    private void Claim(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (!_names.Add(name))
        {
            throw new ArgumentException($"value name '{name}' is already used in graph '{GraphName}'", nameof(name));
        }
    }

    private static byte[] EncodeValueInfo(string name, OnnxDataType type, long[] dims)
    {
        var shape = ProtobufWriter.Build(w =>
        {
            for (var i = 0; i < dims.Length; i++)
            {
                var dim = ProtobufWriter.Build(d =>
                {
                    if (dims[i] >= 0)
                    {
                        d.WriteInt64Field(OnnxProtoFields.Shape.DimValue, dims[i]);
                    }
                    else
                    {
                        d.WriteStringField(OnnxProtoFields.Shape.DimParam, $"{name}_dim{i}");
                    }
                });
                w.WriteBytesField(OnnxProtoFields.Shape.Dim, dim);
            }
        });
        var tensorType = ProtobufWriter.Build(w =>
        {
            w.WriteInt64Field(OnnxProtoFields.TypeProto.TensorElemType, (long)type);
            w.WriteBytesField(OnnxProtoFields.TypeProto.TensorShape, shape);
        });
        var typeProto = ProtobufWriter.Build(w => w.WriteBytesField(OnnxProtoFields.TypeProto.TensorType, tensorType));
        return ProtobufWriter.Build(w =>
        {
            w.WriteStringField(OnnxProtoFields.ValueInfo.Name, name);
            w.WriteBytesField(OnnxProtoFields.ValueInfo.Type, typeProto);
        });
    }

    internal sealed record InitializerEntry(byte[] Header, OnnxTensorData Data)
    {
        public long MessageSize => OnnxTensorEncoding.MessageSize(Header, Data.ByteLength);
    }
}
