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

    private SafetensorsEmbeddingTable(SafetensorsFile file, SafetensorsTensorInfo info)
    {
        _file = file;
        _info = info;
        Rows = info.Shape[0];
        Width = checked((int)info.Shape[1]);
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
        // Read, not mapped: a cp over the snapshot while the silo serves is refused, never a SIGBUS (MappedFile.Read).
        _file.ReadRowFloat32(_info, row, destination[..Width]);
    }

    public void Dispose() => _file.Dispose();
}
