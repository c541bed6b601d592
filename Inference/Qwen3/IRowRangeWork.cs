namespace Qwen3Tts.Inference.Qwen3;

/// <summary>A piece of work over output rows [start, end) that may run on any worker thread.</summary>
internal interface IRowRangeWork
{
    void Execute(int startRow, int endRow);
}
