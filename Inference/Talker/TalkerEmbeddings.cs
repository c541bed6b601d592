using Qwen3Tts.Inference.Formats.Npy;
using Qwen3Tts.Inference.Models;
using Qwen3Tts.Inference.Models.Store;
using Qwen3Tts.Inference.Prompt;

namespace Qwen3Tts.Inference.Talker;

/// <summary>
/// The talker's embedding tables: the text table with its projection, the talker codec table and the code
/// predictor's codebook tables (for voice-clone prompts). In the seed layout they come from
/// `talker/embeddings/*.npy` (+ `code_predictor_weights.npz`), in an official snapshot from model.safetensors.
/// The 151936-row text table stays in its file and is read a row at a time: only the rows of tokens in
/// use are ever touched. The predictor's 15 codebook tables (126 MB in f32 at 0.6B) are only needed by
/// voice-clone prompts: an official snapshot's are read a row at a time too, the seed layout's (an .npz,
/// possibly deflated) are loaded by the first clone prompt, so a process that never clones does not hold them.
/// </summary>
public sealed class TalkerEmbeddings : IPromptEmbeddings, IDisposable
{
    private readonly IEmbeddingTable _textTable;
    private readonly TextProjection _projection;
    private readonly float[] _codecEmbedding; // [talker vocab, H]
    private readonly Lazy<IReadOnlyList<IEmbeddingTable>>? _predictorTables; // 15 x [2048, H]
    private readonly int _codecRows;

    internal TalkerEmbeddings(IEmbeddingTable textTable, TextProjection projection, float[] codecEmbedding, Lazy<IReadOnlyList<IEmbeddingTable>>? predictorTables, TtsModelIds ids)
    {
        if (textTable.Width != projection.TextHiddenSize || textTable.Rows != ids.TextVocabSize)
        {
            throw new ModelFormatException(
                $"the text table is [{textTable.Rows}, {textTable.Width}] but the model expects [{ids.TextVocabSize}, {projection.TextHiddenSize}] (text vocab x text_projection input)");
        }
        if (codecEmbedding.Length != (long)ids.TalkerVocabSize * projection.HiddenSize)
        {
            throw new ModelFormatException($"the codec embedding has {codecEmbedding.Length} values, expected [{ids.TalkerVocabSize}, {projection.HiddenSize}]");
        }
        _textTable = textTable;
        _projection = projection;
        _codecEmbedding = codecEmbedding;
        _predictorTables = predictorTables;
        _codecRows = ids.TalkerVocabSize;
        Ids = ids;
        HiddenSize = projection.HiddenSize;
    }

    /// <summary>The ids these tables are indexed by.</summary>
    public TtsModelIds Ids { get; }

    public int HiddenSize { get; }

    public int TextHiddenSize => _projection.TextHiddenSize;

    /// <summary>Whether voice-clone prompts can be built (the predictor codebook tables were found).</summary>
    public bool SupportsVoiceClone => _predictorTables is not null;

    /// <summary>Whether the predictor's codebook tables have been loaded (by a first clone prompt, on the seed layout).</summary>
    internal bool PredictorTablesLoaded => _predictorTables is { IsValueCreated: true };

    public static TalkerEmbeddings Load(TalkerFiles files)
    {
        var fc1Weight = NpyFile.Open(files.TextProjectionFc1Weight);
        using var fc1Bias = NpyFile.Open(files.TextProjectionFc1Bias);
        using var fc2Weight = NpyFile.Open(files.TextProjectionFc2Weight);
        using var fc2Bias = NpyFile.Open(files.TextProjectionFc2Bias);
        using (fc1Weight)
        {
            var th = Dim(fc1Bias, 0, 1);
            var h = Dim(fc2Bias, 0, 1);
            fc1Weight.ExpectShape(th, th);
            fc2Weight.ExpectShape(h, th);

            var text = NpyFile.Open(files.TextEmbedding);
            try
            {
                text.ExpectShape(TextTokenIds.TextVocabSize, th);
                using var codec = NpyFile.Open(files.CodecEmbedding);
                codec.ExpectShape(CodecTokenIds.TalkerVocabSize, h);
                var projection = new TextProjection(fc1Weight.ReadAllFloat32(), fc1Bias.ReadAllFloat32(), fc2Weight.ReadAllFloat32(), fc2Bias.ReadAllFloat32());
                var tables = files.CodePredictorWeightsNpz is { } npz ? PredictorTablesOnFirstUse(npz, (int)h) : null;
                return new TalkerEmbeddings(new NpyEmbeddingTable(text), projection, codec.ReadAllFloat32(), tables, TtsModelIds.Published);
            }
            catch
            {
                text.Dispose();
                throw;
            }
        }
    }

    private static long Dim(NpyFile file, int axis, int rank)
    {
        if (file.Header.Shape.Length != rank)
        {
            throw new ModelFormatException(
                $"expected a {rank}-D array, found shape {TensorShape.Format(file.Header.Shape)}", file.Path, Path.GetFileName(file.Path));
        }
        return file.Header.Shape[axis];
    }

    /// <summary>Checks now that the archive has every table; reads them when the first clone prompt needs one.</summary>
    private static Lazy<IReadOnlyList<IEmbeddingTable>> PredictorTablesOnFirstUse(string npzPath, int hidden)
    {
        using (var npz = NpzArchive.Open(npzPath))
        {
            for (var g = 0; g < CodecTokenIds.CodebookCount - 1; g++)
            {
                if (!npz.Contains(TableName(g)))
                {
                    throw new ModelFormatException($"array is missing from the archive (has: {string.Join(", ", npz.Names)})", npzPath, TableName(g));
                }
            }
        }
        return new Lazy<IReadOnlyList<IEmbeddingTable>>(() =>
        {
            using var npz = NpzArchive.Open(npzPath);
            var tables = new IEmbeddingTable[CodecTokenIds.CodebookCount - 1];
            for (var g = 0; g < tables.Length; g++)
            {
                var array = npz.Read(TableName(g));
                TensorShape.Expect(npzPath, TableName(g), [CodecTokenIds.CodebookSize, hidden], array.Shape);
                tables[g] = new ArrayEmbeddingTable(array.ToFloat32(), CodecTokenIds.CodebookSize, hidden);
            }
            return tables;
        });
    }

    private static string TableName(int group) => $"codec_emb_{group}";

    public void AddProjectedText(int tokenId, Span<float> destination)
    {
        CheckTextId(tokenId);
        var th = TextHiddenSize;
        var row = th <= 4096 ? stackalloc float[th] : new float[th];
        _textTable.ReadRow(tokenId, row);
        _projection.AddTo(row, destination);
    }

    /// <summary>All of a prompt's text rows through the projection at once: its 25 MB of weights read once, not once a token.</summary>
    public void ProjectTexts(ReadOnlySpan<int> tokenIds, Span<float> destination)
    {
        if (tokenIds.IsEmpty)
        {
            return;
        }
        var th = TextHiddenSize;
        var texts = new float[tokenIds.Length * th];
        for (var i = 0; i < tokenIds.Length; i++)
        {
            CheckTextId(tokenIds[i]);
            _textTable.ReadRow(tokenIds[i], texts.AsSpan(i * th, th));
        }
        _projection.Project(texts, tokenIds.Length, destination);
    }

    private void CheckTextId(int tokenId)
    {
        if ((ulong)tokenId >= (ulong)_textTable.Rows)
        {
            throw new ArgumentOutOfRangeException(nameof(tokenId), tokenId, $"text token id outside the {_textTable.Rows}-row text table");
        }
    }

    public void AddCodec(int codecId, Span<float> destination)
    {
        if ((uint)codecId >= (uint)_codecRows)
        {
            throw new ArgumentOutOfRangeException(nameof(codecId), codecId, $"codec id outside 0..{_codecRows - 1}");
        }
        System.Numerics.Tensors.TensorPrimitives.Add(destination, _codecEmbedding.AsSpan(codecId * HiddenSize, HiddenSize), destination);
    }

    public void AddPredictorCodec(int codebook, int code, Span<float> destination)
    {
        if (_predictorTables is null)
        {
            throw new InvalidOperationException(
                "voice cloning needs the code predictor's codebook tables (predictor/code_predictor/code_predictor_weights.npz); " +
                "it was not found next to the talker — run `qwen3-tts models pull --role talker` to fetch it");
        }
        if (codebook is < 1 or >= CodecTokenIds.CodebookCount || (uint)code >= CodecTokenIds.CodebookSize)
        {
            throw new ArgumentOutOfRangeException(nameof(code), $"codebook {codebook} code {code} out of range");
        }
        var table = _predictorTables.Value[codebook - 1];
        Span<float> row = stackalloc float[HiddenSize];
        table.ReadRow(code, row);
        System.Numerics.Tensors.TensorPrimitives.Add(destination, row, destination);
    }

    public void Dispose()
    {
        _textTable.Dispose();
        if (_predictorTables is { IsValueCreated: true, Value: var tables })
        {
            foreach (var table in tables)
            {
                table.Dispose();
            }
        }
    }
}
