namespace Qwen3Tts.Inference.Prompt;

/// <summary>
/// The projected text rows P(id) one prompt needs, computed together by <see cref="IPromptEmbeddings.ProjectTexts"/>
/// (each distinct id once) before the prompt is laid out, so the projection's weights are read once per prompt rather
/// than once per token.
/// </summary>
internal sealed class ProjectedTextRows
{
    private readonly Dictionary<int, int> _index = [];
    private readonly float[] _rows;
    private readonly int _width;

    public ProjectedTextRows(IPromptEmbeddings embeddings, IEnumerable<int> tokenIds)
    {
        _width = embeddings.HiddenSize;
        var distinct = new List<int>();
        foreach (var id in tokenIds)
        {
            if (_index.TryAdd(id, distinct.Count))
            {
                distinct.Add(id);
            }
        }
        _rows = new float[distinct.Count * _width];
        embeddings.ProjectTexts(distinct.ToArray(), _rows);
    }

    /// <summary>P(id); the id must be one the rows were built for.</summary>
    public ReadOnlySpan<float> this[int tokenId] =>
        _index.TryGetValue(tokenId, out var i)
            ? _rows.AsSpan(i * _width, _width)
            : throw new InvalidOperationException($"text token {tokenId} was not projected for this prompt");

    /// <summary>Adds P(id) to <paramref name="destination"/>.</summary>
    public void AddTo(int tokenId, Span<float> destination) =>
        System.Numerics.Tensors.TensorPrimitives.Add(destination, this[tokenId], destination);
}
