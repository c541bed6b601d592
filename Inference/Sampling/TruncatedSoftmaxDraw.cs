namespace Qwen3Tts.Inference.Sampling;

/// <summary>
/// The warpers and the draw shared by both samplers: temperature → top-k → top-p → softmax →
/// multinomial (HF order), or argmax when not sampling. Logits of −∞ are excluded tokens.
/// Candidates are ranked by (logit descending, id ascending), so ties resolve the same way on
/// every run and platform; all arithmetic is scalar in a fixed order for the same reason
/// (vectorised sums would depend on the machine's vector width).
/// Owns its scratch buffers: no allocation per call, one instance per sampler.
/// </summary>
internal sealed class TruncatedSoftmaxDraw
{
    private readonly float[] _scaled;
    private readonly int[] _order;
    private readonly int[] _top;
    private readonly ulong[] _sortKeys;
    private readonly double[] _weights;

    public TruncatedSoftmaxDraw(int vocabularySize)
    {
        _scaled = new float[vocabularySize];
        _order = new int[vocabularySize];
        _top = new int[vocabularySize];
        _sortKeys = new ulong[vocabularySize];
        _weights = new double[vocabularySize];
    }

    public int Draw(ReadOnlySpan<float> logits, SamplingOptions options, SamplingRandom random)
    {
        if (!options.DoSample)
        {
            return Greedy.ArgMax(logits);
        }

        var candidates = ScaleCandidates(logits, options.Temperature);
        if (candidates == 0)
        {
            throw new InvalidOperationException("every token is masked; nothing can be sampled");
        }

        var kept = candidates;
        var sorted = false;
        if (options.TopK > 0 && options.TopK < candidates)
        {
            kept = SelectTopK(candidates, options.TopK);
            sorted = true;
        }

        if (options.TopP < 1f)
        {
            if (!sorted)
            {
                SortByRank(kept);
            }
            kept = NucleusSize(kept, options.TopP);
        }

        return DrawFrom(kept, random);
    }


    // Writes logit/T for every allowed id and lists those ids in ascending order.
    private int ScaleCandidates(ReadOnlySpan<float> logits, float temperature)
    {
        var count = 0;
        for (var id = 0; id < logits.Length; id++)
        {
            var value = logits[id];
            if (float.IsNegativeInfinity(value))
            {
                continue;
            }
            var scaled = value / temperature;
            if (!float.IsFinite(scaled))
            {
                throw new InvalidOperationException($"logit {value} at id {id} divided by temperature {temperature} overflows; use a larger temperature or greedy decoding");
            }
            _scaled[id] = scaled;
            _order[count++] = id;
        }
        return count;
    }

    // Moves the top-k ids, best first, to the front of _order and returns how many are kept:
    // k, plus any id tied with the k-th (HF keeps every logit >= the k-th value).
    // Insertion into a k-long sorted buffer: once it is full most ids fail the first comparison,
    // so this costs about one comparison per candidate for k = 50.
    private int SelectTopK(int candidates, int k)
    {
        var ids = _order.AsSpan(0, candidates);
        var top = _top.AsSpan();
        var count = 0;
        foreach (var id in ids)
        {
            var value = _scaled[id];
            if (count == k && !(value > _scaled[top[k - 1]]))
            {
                continue; // ids arrive in ascending order, so an equal value ranks below the buffered one
            }

            var position = count < k ? count++ : k - 1;
            while (position > 0 && _scaled[top[position - 1]] < value)
            {
                top[position] = top[position - 1];
                position--;
            }
            top[position] = id;
        }

        // The ids tied with the k-th value that did not fit all have larger ids than it.
        var threshold = _scaled[top[k - 1]];
        var lastId = top[k - 1];
        var kept = k;
        foreach (var id in ids)
        {
            if (id > lastId && _scaled[id] == threshold)
            {
                top[kept++] = id;
            }
        }

        top[..kept].CopyTo(_order);
        return kept;
    }

    // HF TopPLogitsWarper: a token survives when the probability mass ranked strictly above it is
    // below top_p, i.e. the smallest prefix whose mass reaches top_p (at least one token).
    private int NucleusSize(int kept, float topP)
    {
        var total = SoftmaxWeights(kept);
        var mass = 0.0;
        for (var i = 0; i < kept; i++)
        {
            if (mass >= topP)
            {
                return Math.Max(1, i);
            }
            mass += _weights[i] / total;
        }
        return kept;
    }

    // exp(x - max) in double over _order[0..count); returns the sum.
    private double SoftmaxWeights(int count)
    {
        var max = float.NegativeInfinity;
        for (var i = 0; i < count; i++)
        {
            max = Math.Max(max, _scaled[_order[i]]);
        }

        var sum = 0.0;
        for (var i = 0; i < count; i++)
        {
            var weight = Math.Exp((double)_scaled[_order[i]] - max);
            _weights[i] = weight;
            sum += weight;
        }
        return sum;
    }

    private int DrawFrom(int count, SamplingRandom random)
    {
        var total = SoftmaxWeights(count);
        var target = random.NextDouble() * total;
        var cumulative = 0.0;
        for (var i = 0; i < count; i++)
        {
            cumulative += _weights[i];
            if (target < cumulative)
            {
                return _order[i];
            }
        }

        // Only reachable through rounding when target lands on the very top of the sum.
        for (var i = count - 1; i >= 0; i--)
        {
            if (_weights[i] > 0)
            {
                return _order[i];
            }
        }
        return _order[0];
    }

    // Sorts _order[0..count) by (logit descending, id ascending) through one packed integer key per
    // id, so the sort is the allocation-free primitive one rather than a comparer-based one.
    private void SortByRank(int count)
    {
        var keys = _sortKeys.AsSpan(0, count);
        for (var i = 0; i < count; i++)
        {
            var id = _order[i];
            keys[i] = ((ulong)DescendingKey(_scaled[id]) << 32) | (uint)id;
        }

        keys.Sort();
        for (var i = 0; i < count; i++)
        {
            _order[i] = (int)(uint)keys[i];
        }
    }

    // Maps a finite float to a uint whose ascending order is the float's descending order.
    private static uint DescendingKey(float value)
    {
        var bits = BitConverter.SingleToUInt32Bits(value + 0f); // + 0f turns -0 into +0
        var ascending = (bits & 0x8000_0000u) != 0 ? ~bits : bits | 0x8000_0000u;
        return ~ascending;
    }
}
