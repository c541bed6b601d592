using Qwen3Tts.Inference.Kernels.Float;
using Qwen3Tts.Inference.Qwen3;

namespace Qwen3Tts.Inference.Codec.Decoder;

/// <summary>SnakeBeta over many rows, split across the decoder's workers; reused call after call (no allocation).</summary>
internal sealed unsafe class SnakeCall(RowParallelism parallelism, FloatKernelPath path) : IRowRangeWork
{
    /// <summary>RowParallelism splits work above a million "weights"; one sine costs about as much as 20 multiply-adds.</summary>
    private const int CostPerElement = 20;

    private float* _input;
    private float* _output;
    private int _channels;
    private int _stride;
    private SnakeParameters? _parameters;

    public void Run(ReadOnlySpan<float> input, Span<float> output, int rows, int channels, int stride, SnakeParameters parameters)
    {
        if (rows == 0)
        {
            return;
        }
        if (input.Length < rows * stride || output.Length < rows * stride || parameters.Alpha.Length < stride)
        {
            throw new ArgumentException($"buffers too short for {rows} rows of {channels} channels");
        }
        fixed (float* x = input)
        fixed (float* y = output)
        {
            _input = x;
            _output = y;
            _channels = channels;
            _stride = stride;
            _parameters = parameters;
            parallelism.Run(this, rows, (long)rows * channels * CostPerElement);
        }
    }

    void IRowRangeWork.Execute(int startRow, int endRow)
    {
        var rows = endRow - startRow;
        if (rows <= 0)
        {
            return;
        }
        var length = rows * _stride;
        var offset = (long)startRow * _stride;
        SnakeBeta.Apply(path, new ReadOnlySpan<float>(_input + offset, length), new Span<float>(_output + offset, length),
            rows, _channels, _stride, _parameters!.Alpha, _parameters.InverseBeta);
    }
}
