using Qwen3Tts.Inference.Checkpoints;
using Qwen3Tts.Inference.Formats.Safetensors;
using Qwen3Tts.Inference.Models;
using Qwen3Tts.Inference.Qwen3;

namespace Qwen3Tts.Tests.Oracle;

/// <summary>
/// A plain reference of the official generate path, ported from <c>Qwen3TTSForConditionalGeneration.generate</c>
/// (modeling_qwen3_tts.py) and the code predictor's generate: prompt assembly for every mode (instruct, CustomVoice
/// speaker with the dialect rule, x-vector, ICL streaming and non-streaming, streaming and non-streaming text),
/// then greedy decoding with the official logits rules. Weights are read from model.safetensors into f32 arrays;
/// the stacks run on <see cref="Qwen3ReferenceForward"/> (double, no KV cache); every other product is a plain
/// double loop here. Nothing of the engine's prompt builder, sampler, projection or kernels is used.
/// </summary>
public sealed class OfficialReference
{
    private readonly CheckpointConfig _config;
    private readonly float[] _text;       // [text vocab, text hidden]
    private readonly float[] _fc1W, _fc1B, _fc2W, _fc2B;
    private readonly float[] _codec;      // [talker vocab, H]
    private readonly float[] _head;       // [talker vocab, H]
    private readonly float[][] _cpEmbed;  // 15 x [2048, H]
    private readonly float[][] _cpHead;   // 15 x [2048, PH]
    private readonly float[]? _projW, _projB;
    private readonly Qwen3ReferenceForward _talker;
    private readonly Qwen3ReferenceForward _predictor;

    public OfficialReference(string snapshot)
    {
        _config = CheckpointConfigReader.Read(Path.Combine(snapshot, "config.json"));
        using var w = SafetensorsFile.Open(Path.Combine(snapshot, "model.safetensors"));
        _text = w.ReadFloat32(OfficialTensorNames.TextEmbedding);
        _fc1W = w.ReadFloat32(OfficialTensorNames.ProjectionFc1Weight);
        _fc1B = w.ReadFloat32(OfficialTensorNames.ProjectionFc1Bias);
        _fc2W = w.ReadFloat32(OfficialTensorNames.ProjectionFc2Weight);
        _fc2B = w.ReadFloat32(OfficialTensorNames.ProjectionFc2Bias);
        _codec = w.ReadFloat32(OfficialTensorNames.CodecEmbedding);
        _head = w.ReadFloat32(OfficialTensorNames.CodecHead);
        _cpEmbed = Enumerable.Range(0, 15).Select(k => w.ReadFloat32(OfficialTensorNames.PredictorCodecEmbedding(k))).ToArray();
        _cpHead = Enumerable.Range(0, 15).Select(k => w.ReadFloat32(OfficialTensorNames.PredictorHead(k))).ToArray();
        if (w.TryGetTensor(OfficialTensorNames.MtpProjectionWeight, out _))
        {
            _projW = w.ReadFloat32(OfficialTensorNames.MtpProjectionWeight);
            _projB = w.ReadFloat32(OfficialTensorNames.MtpProjectionBias);
        }
        _talker = new Qwen3ReferenceForward(Stack(w, OfficialTensorNames.TalkerPrefix, OfficialTensorNames.TalkerNorm, _config.Talker));
        _predictor = new Qwen3ReferenceForward(Stack(w, OfficialTensorNames.PredictorPrefix, OfficialTensorNames.PredictorNorm, _config.Predictor));
    }

    public int Hidden => _config.Talker.HiddenSize;

    public TtsModelIds Ids => _config.Ids;

    /// <summary>What one request asks for, in the official code's own terms.</summary>
    /// <param name="InputIds">The tokenized "&lt;|im_start|&gt;assistant\n{text}&lt;|im_end|&gt;\n&lt;|im_start|&gt;assistant\n".</param>
    /// <param name="InstructIds">The tokenized instruct block, or null.</param>
    /// <param name="RefIds">The tokenized "&lt;|im_start|&gt;assistant\n{ref}&lt;|im_end|&gt;\n" (ICL), or null.</param>
    /// <param name="RefCode">ICL reference codes [frames][16], or null (x-vector only, or no clone).</param>
    /// <param name="SpeakerEmbedding">The clone's x-vector, or null.</param>
    public sealed record Request(
        int[] InputIds,
        string Language = "auto",
        string? Speaker = null,
        int[]? InstructIds = null,
        bool NonStreaming = true,
        int[]? RefIds = null,
        long[][]? RefCode = null,
        float[]? SpeakerEmbedding = null);

    public sealed record Prompt(List<double[]> Prefill, List<double[]> Trailing, double[] TtsPad);

    /// <summary>The prefill rows and the trailing text rows, assembled as generate() does.</summary>
    public Prompt BuildPrompt(Request r)
    {
        var rows = new List<double[]>();
        if (r.InstructIds is not null)
        {
            rows.AddRange(r.InstructIds.Select(P));
        }

        var voiceClone = r.SpeakerEmbedding is not null || r.RefCode is not null;
        double[]? speakerEmbed = null;
        if (!voiceClone && !string.IsNullOrEmpty(r.Speaker))
        {
            speakerEmbed = C(_config.Ids.Speakers[r.Speaker.ToLowerInvariant()]);
        }
        else if (r.SpeakerEmbedding is not null)
        {
            speakerEmbed = r.SpeakerEmbedding.Select(v => (double)v).ToArray();
        }

        var lang = r.Language.ToLowerInvariant();
        int? languageId = lang == "auto" ? null : _config.Ids.Languages[lang];
        if ((lang == "chinese" || lang == "auto") && !string.IsNullOrEmpty(r.Speaker)
            && _config.Ids.SpeakerDialects.TryGetValue(r.Speaker.ToLowerInvariant(), out var dialect) && dialect is not null)
        {
            languageId = _config.Ids.Languages[dialect];
        }

        var ids = _config.Ids;
        var bos = P(ids.TtsBos);
        var eos = P(ids.TtsEos);
        var pad = P(ids.TtsPad);
        var codecPrefill = languageId is null
            ? new[] { ids.CodecNoThink, ids.CodecThinkBos, ids.CodecThinkEos }
            : new[] { ids.CodecThink, ids.CodecThinkBos, languageId.Value, ids.CodecThinkEos };
        var codecInput = codecPrefill.Select(C).ToList();
        if (speakerEmbed is not null)
        {
            codecInput.Add(speakerEmbed);
        }
        codecInput.Add(C(ids.CodecPad));
        codecInput.Add(C(ids.CodecBos));

        // <|im_start|>assistant\n
        rows.AddRange(r.InputIds.Take(3).Select(P));
        // tts_pad * (m - 2), tts_bos, over the codec list without its last entry
        for (var i = 0; i < codecInput.Count - 1; i++)
        {
            rows.Add(Add(i < codecInput.Count - 2 ? pad : bos, codecInput[i]));
        }

        var text = r.InputIds[3..^5];
        List<double[]> trailing;
        if (r.RefCode is not null)
        {
            var (icl, rest) = IclPrompt(text, r.RefIds![3..^2], r.RefCode, pad, eos, r.NonStreaming);
            rows.AddRange(icl);
            trailing = rest;
        }
        else
        {
            rows.Add(Add(P(text[0]), codecInput[^1]));
            if (r.NonStreaming)
            {
                rows.RemoveAt(rows.Count - 1);
                foreach (var t in text)
                {
                    rows.Add(Add(P(t), C(ids.CodecPad)));
                }
                rows.Add(Add(eos, C(ids.CodecPad)));
                rows.Add(Add(pad, C(ids.CodecBos)));
                trailing = [pad];
            }
            else
            {
                trailing = [.. text[1..].Select(P), eos];
            }
        }
        return new Prompt(rows, trailing, pad);
    }

    private (List<double[]> Rows, List<double[]> Trailing) IclPrompt(int[] textIds, int[] refIds, long[][] refCode, double[] pad, double[] eos, bool nonStreaming)
    {
        var textEmbed = refIds.Concat(textIds).Select(P).ToList();
        textEmbed.Add(eos);
        var codecEmbed = new List<double[]> { C(_config.Ids.CodecBos) };
        foreach (var frame in refCode)
        {
            var sum = C((int)frame[0]);
            for (var k = 1; k < 16; k++)
            {
                sum = Add(sum, Row(_cpEmbed[k - 1], (int)frame[k], Hidden));
            }
            codecEmbed.Add(sum);
        }
        if (nonStreaming)
        {
            var rows = textEmbed.Select(t => Add(t, C(_config.Ids.CodecPad))).ToList();
            rows.AddRange(codecEmbed.Select(c => Add(c, pad)));
            return (rows, [pad]);
        }
        if (textEmbed.Count > codecEmbed.Count)
        {
            return (codecEmbed.Select((c, j) => Add(textEmbed[j], c)).ToList(), textEmbed[codecEmbed.Count..]);
        }
        return (codecEmbed.Select((c, j) => Add(j < textEmbed.Count ? textEmbed[j] : pad, c)).ToList(), [pad]);
    }

    /// <summary>One greedy decision: the code chosen and its logit margin over the runner-up (near-ties are small).</summary>
    public readonly record struct Decision(int Code, double Margin);

    /// <summary>Greedy decisions of every frame: code 0 from the talker, then the 15 sub-codes.</summary>
    public sealed record Frame(Decision[] Decisions)
    {
        public long[] Codes => Decisions.Select(d => (long)d.Code).ToArray();
    }

    /// <summary>
    /// Greedy generation (official suppression, EOS masked in the first 2 steps, no repetition penalty).
    /// With <paramref name="teacher"/> each frame's codes are taken from it (its length sets the frame count)
    /// and the decisions made given the teacher's history are returned; otherwise generation stops at EOS or
    /// after <paramref name="maxFrames"/> frames (EOS never chosen when <paramref name="maskEos"/>).
    /// </summary>
    public List<Frame> Greedy(Request request, int maxFrames, long[][]? teacher = null, bool maskEos = false)
    {
        var prompt = BuildPrompt(request);
        var sequence = new List<double[]>(prompt.Prefill);
        var frames = new List<Frame>();
        var count = teacher?.Length ?? maxFrames;
        for (var step = 0; step < count; step++)
        {
            var hidden = TalkerLast(sequence);
            var code0 = Code0Decision(hidden, step, maskEos);
            if (teacher is null && code0.Code == _config.Ids.CodecEos)
            {
                break;
            }
            var used0 = teacher is null ? code0.Code : (int)teacher[step][0];
            var decisions = new Decision[16];
            decisions[0] = code0;
            var used = new long[16];
            used[0] = used0;

            var sub = PredictFrame(hidden, used0, teacher?[step]);
            for (var g = 0; g < 15; g++)
            {
                decisions[g + 1] = sub[g];
                used[g + 1] = teacher is null ? sub[g].Code : teacher[step][g + 1];
            }
            frames.Add(new Frame(decisions));

            var next = C(used0);
            for (var k = 1; k < 16; k++)
            {
                next = Add(next, Row(_cpEmbed[k - 1], (int)used[k], Hidden));
            }
            next = Add(next, step < prompt.Trailing.Count ? prompt.Trailing[step] : prompt.TtsPad);
            sequence.Add(next);
        }
        return frames;
    }

    /// <summary>
    /// The code predictor's 15 greedy decisions for one frame: a fresh sequence [proj(h), proj(E0(code0))], then
    /// proj(E_g(c_g)) for each code fed on (the teacher's when given, else the decision); head g predicts code g+1.
    /// </summary>
    public Decision[] PredictFrame(double[] talkerHidden, int code0, long[]? teacherFrame = null)
    {
        var decisions = new Decision[15];
        var cp = new List<double[]> { Project(talkerHidden), Project(C(code0)) };
        for (var g = 0; g < 15; g++)
        {
            var last = PredictorLast(cp);
            decisions[g] = ArgMax(Linear(_cpHead[g], last, 2048), 0, 2048, -1);
            var fed = teacherFrame is null ? decisions[g].Code : (int)teacherFrame[g + 1];
            cp.Add(Project(Row(_cpEmbed[g], fed, Hidden)));
        }
        return decisions;
    }

    /// <summary>The talker's final-norm hidden state of the last position of <paramref name="rows"/>.</summary>
    public double[] TalkerLast(List<double[]> rows) => Last(_talker, rows, Hidden);

    private double[] PredictorLast(List<double[]> rows) => Last(_predictor, rows, _config.Predictor.HiddenSize);

    private Decision Code0Decision(double[] hidden, int step, bool maskEos)
    {
        var logits = Linear(_head, hidden, _config.Ids.TalkerVocabSize);
        var eos = _config.Ids.CodecEos;
        var allowEos = step >= 2 && !maskEos;
        // suppress_tokens: [vocab - 1024, vocab) except EOS; min_new_tokens 2 masks EOS.
        return ArgMax(logits, 0, _config.Ids.FirstSuppressedCodecId, allowEos ? eos : -1);
    }

    private static Decision ArgMax(double[] logits, int from, int to, int extra)
    {
        int best = -1, second = -1;
        IEnumerable<int> candidates = Enumerable.Range(from, to - from);
        if (extra >= 0)
        {
            candidates = candidates.Append(extra);
        }
        foreach (var i in candidates)
        {
            if (best < 0 || logits[i] > logits[best])
            {
                second = best;
                best = i;
            }
            else if (second < 0 || logits[i] > logits[second])
            {
                second = i;
            }
        }
        return new Decision(best, logits[best] - logits[second]);
    }

    private double[] Project(double[] x)
    {
        if (_projW is null)
        {
            return x;
        }
        var y = Linear(_projW, x, _projB!.Length);
        for (var i = 0; i < y.Length; i++)
        {
            y[i] += _projB[i];
        }
        return y;
    }

    /// <summary>P(id) = fc2(silu(fc1(text_embedding[id]))), both with bias.</summary>
    public double[] P(int id)
    {
        var th = _config.TextHiddenSize;
        var x = Row(_text, id, th);
        var mid = Linear(_fc1W, x, th);
        for (var i = 0; i < th; i++)
        {
            var a = mid[i] + _fc1B[i];
            mid[i] = a / (1 + Math.Exp(-a));
        }
        var y = Linear(_fc2W, mid, Hidden);
        for (var i = 0; i < y.Length; i++)
        {
            y[i] += _fc2B[i];
        }
        return y;
    }

    /// <summary>C(id) = talker codec_embedding[id].</summary>
    public double[] C(int id) => Row(_codec, id, Hidden);

    public static double[] Add(double[] a, double[] b) => a.Select((v, i) => v + b[i]).ToArray();

    private static double[] Row(float[] table, int row, int width) => table.AsSpan(row * width, width).ToArray().Select(v => (double)v).ToArray();

    private static double[] Linear(float[] weight, double[] x, int outputs)
    {
        var y = new double[outputs];
        for (var r = 0; r < outputs; r++)
        {
            double sum = 0;
            for (var j = 0; j < x.Length; j++)
            {
                sum += weight[(long)r * x.Length + j] * x[j];
            }
            y[r] = sum;
        }
        return y;
    }

    private static double[] Last(Qwen3ReferenceForward stack, List<double[]> rows, int width)
    {
        var flat = new float[rows.Count * width];
        for (var t = 0; t < rows.Count; t++)
        {
            for (var j = 0; j < width; j++)
            {
                flat[t * width + j] = (float)rows[t][j];
            }
        }
        var all = stack.Forward(flat, rows.Count);
        return all.AsSpan((rows.Count - 1) * width, width).ToArray().Select(v => (double)v).ToArray();
    }

    private static Qwen3StackWeights Stack(SafetensorsFile w, string prefix, string norm, Qwen3DecoderConfig c)
    {
        QuantizedMatrix M(int i, string suffix)
        {
            var info = w.GetTensor($"{prefix}.{i}.{suffix}");
            return QuantizedMatrix.FromFloat32(w.ReadFloat32(info.Name), (int)info.Shape[0], (int)info.Shape[1]);
        }
        float[] V(int i, string suffix) => w.ReadFloat32($"{prefix}.{i}.{suffix}");
        var layers = Enumerable.Range(0, c.LayerCount).Select(i => new Qwen3LayerWeights(
            V(i, "input_layernorm.weight"), M(i, "self_attn.q_proj.weight"), M(i, "self_attn.k_proj.weight"), M(i, "self_attn.v_proj.weight"),
            M(i, "self_attn.o_proj.weight"), V(i, "self_attn.q_norm.weight"), V(i, "self_attn.k_norm.weight"), V(i, "post_attention_layernorm.weight"),
            M(i, "mlp.gate_proj.weight"), M(i, "mlp.up_proj.weight"), M(i, "mlp.down_proj.weight"))).ToArray();
        return new Qwen3StackWeights(c, layers, w.ReadFloat32(norm));
    }
}
