using Qwen3Tts.Inference.Models;

namespace Qwen3Tts.Inference.Prompt;

/// <summary>
/// Builds the talker prefill exactly as qwen3-tts-model.md §1.6 lays it out:
/// role rows, the codec control block (language / speaker), then the layout-dependent tail
/// (standard text, or in-context-learning text + reference frames).
/// </summary>
public sealed class PromptBuilder(IPromptEmbeddings embeddings)
{
    private readonly int _h = embeddings.HiddenSize;

    public TalkerPrompt Build(PromptRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.TextTokens.Count == 0)
        {
            throw new ArgumentException("the text to speak is empty (no tokens)", nameof(request));
        }

        var official = request.Convention == PromptConvention.Official;
        var languageId = official ? TtsLanguage.CodecId(request.Language) : null;
        var speaker = official ? request.Voice?.SpeakerEmbedding : null;
        if (speaker is not null && speaker.Length != _h)
        {
            throw new ArgumentException($"speaker embedding has {speaker.Length} values, the talker expects {_h}", nameof(request));
        }

        var pad = Projected(TextTokenIds.TtsPad);
        var bos = Projected(TextTokenIds.TtsBos);
        var eos = Projected(TextTokenIds.TtsEos);
        var rows = new RowBuffer(_h);
        var queue = new RowBuffer(_h);

        // Role: "<|im_start|>assistant\n", text only.
        foreach (var id in (ReadOnlySpan<int>)[TextTokenIds.ImStart, TextTokenIds.Assistant, TextTokenIds.Newline])
        {
            embeddings.AddProjectedText(id, rows.Append());
        }

        // Control block: tts_pad over the codec control list, then tts_bos + codec_pad.
        int[] control = languageId is { } lang
            ? [CodecTokenIds.Think, CodecTokenIds.ThinkBos, lang, CodecTokenIds.ThinkEos]
            : [CodecTokenIds.NoThink, CodecTokenIds.ThinkBos, CodecTokenIds.ThinkEos];
        foreach (var id in control)
        {
            var row = rows.Append();
            pad.CopyTo(row);
            embeddings.AddCodec(id, row);
        }
        if (speaker is not null)
        {
            var row = rows.Append();
            pad.CopyTo(row);
            Add(speaker, row);
        }
        {
            var row = rows.Append();
            bos.CopyTo(row);
            embeddings.AddCodec(CodecTokenIds.Pad, row);
        }

        if (request.Voice is null)
        {
            AppendStandardTail(request, rows, queue, pad, eos);
        }
        else
        {
            AppendInContextTail(request, request.Voice, rows, queue, pad, eos);
        }

        return new TalkerPrompt(_h, rows.ToArray(), rows.Count, queue.ToArray(), queue.Count, pad);
    }

    private void AppendStandardTail(PromptRequest request, RowBuffer rows, RowBuffer queue, float[] pad, float[] eos)
    {
        var text = request.TextTokens;
        if (request.Layout == PromptLayout.NonStreaming)
        {
            foreach (var t in text)
            {
                var row = rows.Append();
                embeddings.AddProjectedText(t, row);
                embeddings.AddCodec(CodecTokenIds.Pad, row);
            }
            var end = rows.Append();
            eos.CopyTo(end);
            embeddings.AddCodec(CodecTokenIds.Pad, end);
            var start = rows.Append();
            pad.CopyTo(start);
            embeddings.AddCodec(CodecTokenIds.Bos, start);
            return;
        }

        var first = rows.Append();
        embeddings.AddProjectedText(text[0], first);
        embeddings.AddCodec(CodecTokenIds.Bos, first);
        for (var i = 1; i < text.Count; i++)
        {
            embeddings.AddProjectedText(text[i], queue.Append());
        }
        eos.CopyTo(queue.Append());
    }

    private void AppendInContextTail(PromptRequest request, VoiceReference voice, RowBuffer rows, RowBuffer queue, float[] pad, float[] eos)
    {
        // X: reference text, target text, tts_eos. Y: codec_bos, then each reference frame's 16-codebook sum.
        var x = new RowBuffer(_h);
        foreach (var t in request.ReferenceTextTokens ?? [])
        {
            embeddings.AddProjectedText(t, x.Append());
        }
        foreach (var t in request.TextTokens)
        {
            embeddings.AddProjectedText(t, x.Append());
        }
        eos.CopyTo(x.Append());

        var y = new RowBuffer(_h);
        embeddings.AddCodec(CodecTokenIds.Bos, y.Append());
        var codes = voice.Codes;
        for (var f = 0; f < voice.FrameCount; f++)
        {
            var row = y.Append();
            var frame = codes.AsSpan(f * CodecTokenIds.CodebookCount, CodecTokenIds.CodebookCount);
            embeddings.AddCodec((int)frame[0], row);
            for (var k = 1; k < CodecTokenIds.CodebookCount; k++)
            {
                embeddings.AddPredictorCodec(k, (int)frame[k], row);
            }
        }

        if (request.Layout == PromptLayout.NonStreaming)
        {
            for (var j = 0; j < x.Count; j++)
            {
                var row = rows.Append();
                x.Row(j).CopyTo(row);
                embeddings.AddCodec(CodecTokenIds.Pad, row);
            }
            for (var j = 0; j < y.Count; j++)
            {
                var row = rows.Append();
                y.Row(j).CopyTo(row);
                Add(pad, row);
            }
            return;
        }

        // Streaming text: pair text and codec tracks position by position; leftover text is fed per step.
        // When the text is shorter than the codec track it is padded with tts_pad (§1.6, T1 <= T2).
        for (var j = 0; j < y.Count; j++)
        {
            var row = rows.Append();
            (j < x.Count ? x.Row(j) : pad).CopyTo(row);
            Add(y.Row(j), row);
        }
        for (var j = y.Count; j < x.Count; j++)
        {
            x.Row(j).CopyTo(queue.Append());
        }
    }

    private float[] Projected(int id)
    {
        var v = new float[_h];
        embeddings.AddProjectedText(id, v);
        return v;
    }

    private static void Add(ReadOnlySpan<float> source, Span<float> destination)
        => System.Numerics.Tensors.TensorPrimitives.Add(destination, source, destination);
}
