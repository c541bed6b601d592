using Qwen3Tts.Inference.Formats;
using Qwen3Tts.Inference.Formats.Safetensors;
using Qwen3Tts.Inference.Talker;

namespace Qwen3Tts.Inference.Checkpoints;

/// <summary>
/// An embedding table inside a memory-mapped safetensors file, converted to f32 a row at a time
/// (the official text table is bf16 [151936, 2048], 622 MB: never copied into the heap).
/// Owns its own mapping of the file, so it outlives the checkpoint it was found in.
/// </summary>
internal sealed class SafetensorsEmbeddingTable : IEmbeddingTable
{
    private readonly SafetensorsFile _file;
    private readonly SafetensorsTensorInfo _info;
    private readonly int _rowBytes;

    private SafetensorsEmbeddingTable(SafetensorsFile file, SafetensorsTensorInfo info)
    {
        _file = file;
        _info = info;
        Rows = info.Shape[0];
        Width = checked((int)info.Shape[1]);
        _rowBytes = Width * SafetensorsDTypes.ItemSize(info.DType);
    }

    public long Rows { get; }

    public int Width { get; }

    public static SafetensorsEmbeddingTable Open(string path, string tensor)
    {
        var file = SafetensorsFile.Open(path);
        try
        {
            var info = file.GetTensor(tensor);
            if (info.Shape.Length != 2 || !SafetensorsDTypes.IsFloat(info.DType))
            {
                throw new ModelFormatException($"expected a 2-D float table, found {info.DType} {TensorShape.Format(info.Shape)}", path, tensor);
            }
            return new SafetensorsEmbeddingTable(file, info);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    public void ReadRow(int row, Span<float> destination)
    {
        if ((ulong)row >= (ulong)Rows)
        {
            throw new ArgumentOutOfRangeException(nameof(row), row, $"row outside the {Rows}-row table {_info.Name}");
        }
        var bytes = _file.GetTensorBytes(_info).Slice(row * _rowBytes, _rowBytes);
        var target = destination[..Width];
        SafetensorsDTypes.ToFloat32(_info.DType, bytes, target);
    }

    public void Dispose() => _file.Dispose();
}
