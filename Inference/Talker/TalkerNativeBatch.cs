using System.Runtime.InteropServices;
using LLama.Native;

namespace Qwen3Tts.Inference.Talker;

/// <summary>
/// llama.cpp's own input batch (llama_batch_init: native arrays, one sequence id per row) filled in place and decoded
/// with llama_decode, for the life of the model. LLamaSharp's <see cref="LLamaBatchEmbeddings"/> pins each of its
/// arrays per decode, one pin per row of capacity, into a list that grows every time (12-48 KB of pin arrays and a
/// finalizable object per decode, about half of what a frame allocated), and its logit-position list never shrinks
/// (stack-notes §F). This batch allocates nothing per decode. The caller serializes its use (the model's decode gate).
/// </summary>
internal sealed unsafe class TalkerNativeBatch : IDisposable
{
    private static delegate* unmanaged[Cdecl]<IntPtr, LLamaNativeBatch, int> _decode;

    private readonly int _width;
    private LLamaNativeBatch _batch;
    private bool _disposed;

    public TalkerNativeBatch(int capacity, int width)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        Capacity = capacity;
        _width = width;
        _batch = NativeApi.llama_batch_init(capacity, width, 1);
        if (_batch.embd == null || _batch.pos == null || _batch.seq_id == null || _batch.logits == null)
        {
            throw new TalkerException($"llama.cpp could not allocate a batch of {capacity} rows x {width}");
        }
        _batch.n_tokens = 0;
    }

    /// <summary>Rows one decode holds at most (the model's batch size).</summary>
    public int Capacity { get; }

    public int Count => _batch.n_tokens;

    public void Clear() => _batch.n_tokens = 0;

    /// <summary>Appends one row of <paramref name="sequence"/> at <paramref name="position"/>; returns its row index (for the output getters).</summary>
    public int Add(ReadOnlySpan<float> row, int position, int sequence, bool output)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var index = _batch.n_tokens;
        if (index >= Capacity)
        {
            throw new InvalidOperationException($"the talker batch holds {Capacity} rows");
        }
        if (row.Length != _width)
        {
            throw new ArgumentException($"a talker row has {_width} values, got {row.Length}", nameof(row));
        }
        row.CopyTo(new Span<float>(_batch.embd + (long)index * _width, _width));
        _batch.pos[index] = (LLamaPos)position;
        _batch.n_seq_id[index] = 1;
        _batch.seq_id[index][0] = (LLamaSeqId)sequence;
        _batch.logits[index] = output ? (byte)1 : (byte)0;
        _batch.n_tokens = index + 1;
        return index;
    }

    /// <summary>
    /// llama_decode of the rows added since <see cref="Clear"/>. LLamaSharp's Decode would also take its process-wide
    /// inference lock (kept for CUDA; the CPU contexts do not share state): the model's decode gate already serializes
    /// the talker's decodes, which is what matters here.
    /// </summary>
    public DecodeResult Decode(SafeLLamaContextHandle context)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_batch.n_tokens == 0)
        {
            return DecodeResult.Ok;
        }
        var decode = _decode;
        if (decode == null)
        {
            decode = _decode = Resolve();
        }
        var added = false;
        try
        {
            context.DangerousAddRef(ref added);
            return (DecodeResult)decode(context.DangerousGetHandle(), _batch);
        }
        finally
        {
            if (added)
            {
                context.DangerousRelease();
            }
        }
    }

    /// <summary>
    /// The same libllama LLamaSharp loaded: its assembly's import resolver answers for "llama" (a configured board build
    /// or the bundled variant), so this never loads a second copy.
    /// </summary>
    private static delegate* unmanaged[Cdecl]<IntPtr, LLamaNativeBatch, int> Resolve()
    {
        NativeApi.llama_empty_call();
        var library = NativeLibrary.Load("llama", typeof(NativeApi).Assembly, null);
        return (delegate* unmanaged[Cdecl]<IntPtr, LLamaNativeBatch, int>)NativeLibrary.GetExport(library, "llama_decode");
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        NativeApi.llama_batch_free(_batch);
        _batch = default;
    }
}
