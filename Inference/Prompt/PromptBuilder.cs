using Qwen3Tts.Inference.Models;

namespace Qwen3Tts.Inference.Prompt;

/// <summary>
/// Builds the talker prefill exactly as the official generate() lays it out (qwen3-tts-model.md §1.6):
/// the optional instruct block, role rows, the codec control block (language, speaker row), then the
/// layout-dependent tail (standard text, or in-context-learning text + reference frames). Every id comes
/// from the model's <see cref="TtsModelIds"/>.
/// </summary>
public sealed class PromptBuilder(IPromptEmbeddings embeddings, TtsModelIds? ids = null)
{
    private readonly int _h = embeddings.HiddenSize;
    private readonly TtsModelIds _ids = ids ?? TtsModelIds.Published;

    public TtsModelIds Ids => _ids;

    public TalkerPrompt Build(PromptRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.TextTokens.Count == 0)
        {
            throw new ArgumentException("the text to speak is empty (no tokens)", nameof(request));
        }

        var official = request.Convention == PromptConvention.Official;
        var languageId = official ? LanguageId(request.Language, request.Speaker) : null;
        var speaker = official ? request.Voice?.SpeakerEmbedding : null;
        if (speaker is not null && speaker.Length != _h)
        {
            throw new ArgumentException($"speaker embedding has {speaker.Length} values, the talker expects {_h}", nameof(request));
        }
        int? speakerRow = official && request.Speaker is { } name ? SpeakerId(name) : null;
        if (speakerRow is not null && speaker is not null)
        {
            throw new ArgumentException("a prompt takes either a built-in speaker or a speaker embedding, not both", nameof(request));
        }

        IReadOnlyList<int> instruct = official ? request.InstructTokens ?? [] : [];
        IReadOnlyList<int> role = request.RoleTokens ?? [_ids.ImStart, _ids.Assistant, _ids.Newline];
        IEnumerable<int> textIds = [_ids.TtsPad, _ids.TtsBos, _ids.TtsEos, .. instruct, .. role, .. request.TextTokens, .. request.ReferenceTextTokens ?? []];
        var texts = new ProjectedTextRows(embeddings, textIds);
        var pad = texts[_ids.TtsPad].ToArray();
        var bos = texts[_ids.TtsBos].ToArray();
        var eos = texts[_ids.TtsEos].ToArray();
        var rows = new RowBuffer(_h);
        var queue = new RowBuffer(_h);

        // Instruct block: the whole "<|im_start|>user\n…<|im_end|>\n", text only, before everything else.
        foreach (var id in instruct)
        {
            texts.AddTo(id, rows.Append());
        }

        // Role: "<|im_start|>assistant\n", text only.
        foreach (var id in role)
        {
            texts.AddTo(id, rows.Append());
        }

        // Control block: tts_pad over the codec control list, then tts_bos + codec_pad.
        int[] control = languageId is { } lang
            ? [_ids.CodecThink, _ids.CodecThinkBos, lang, _ids.CodecThinkEos]
            : [_ids.CodecNoThink, _ids.CodecThinkBos, _ids.CodecThinkEos];
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
        if (speakerRow is { } spk)
        {
            var row = rows.Append();
            pad.CopyTo(row);
            embeddings.AddCodec(spk, row);
        }
        {
            var row = rows.Append();
            bos.CopyTo(row);
            embeddings.AddCodec(_ids.CodecPad, row);
        }

        // A voice without codes is the official x-vector-only mode: its speaker row and the standard tail.
        // Everything so far is the same for every text of a voice (instruct, role, control, speaker rows);
        // a clone's reference text adds the rows before its first target-text row.
        var prefix = rows.Count;
        if (request.Voice is not { FrameCount: > 0 })
        {
            AppendStandardTail(request, texts, rows, queue, pad, eos);
        }
        else
        {
            prefix += AppendInContextTail(request, texts, request.Voice, rows, queue, pad, eos);
        }

        return new TalkerPrompt(_h, rows.ToArray(), rows.Count, queue.ToArray(), queue.Count, pad, prefix);
    }

    private void AppendStandardTail(PromptRequest request, ProjectedTextRows texts, RowBuffer rows, RowBuffer queue, float[] pad, float[] eos)
    {
        var text = request.TextTokens;
        if (request.Layout == PromptLayout.NonStreaming)
        {
            foreach (var t in text)
            {
                var row = rows.Append();
                texts.AddTo(t, row);
                embeddings.AddCodec(_ids.CodecPad, row);
            }
            var end = rows.Append();
            eos.CopyTo(end);
            embeddings.AddCodec(_ids.CodecPad, end);
            var start = rows.Append();
            pad.CopyTo(start);
            embeddings.AddCodec(_ids.CodecBos, start);
            return;
        }

        var first = rows.Append();
        texts.AddTo(text[0], first);
        embeddings.AddCodec(_ids.CodecBos, first);
        for (var i = 1; i < text.Count; i++)
        {
            texts.AddTo(text[i], queue.Append());
        }
        eos.CopyTo(queue.Append());
    }

    /// <summary>Appends the in-context tail; returns how many of its leading rows depend only on the reference (not on the target text).</summary>
    private int AppendInContextTail(PromptRequest request, ProjectedTextRows texts, VoiceReference voice, RowBuffer rows, RowBuffer queue, float[] pad, float[] eos)
    {
        var referenceText = request.ReferenceTextTokens?.Count ?? 0;
        // X: reference text, target text, tts_eos. Y: codec_bos, then each reference frame's 16-codebook sum.
        var x = new RowBuffer(_h);
        foreach (var t in request.ReferenceTextTokens ?? [])
        {
            texts.AddTo(t, x.Append());
        }
        foreach (var t in request.TextTokens)
        {
            texts.AddTo(t, x.Append());
        }
        eos.CopyTo(x.Append());

        var y = new RowBuffer(_h);
        embeddings.AddCodec(_ids.CodecBos, y.Append());
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
                embeddings.AddCodec(_ids.CodecPad, row);
            }
            for (var j = 0; j < y.Count; j++)
            {
                var row = rows.Append();
                y.Row(j).CopyTo(row);
                Add(pad, row);
            }
            return referenceText;
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
        return Math.Min(referenceText, y.Count);
    }

    /// <summary>
    /// The language's codec id (null for auto), then the official dialect override: Chinese or auto with a
    /// speaker marked as a dialect speaker uses that dialect's id.
    /// </summary>
    private int? LanguageId(string language, string? speaker)
    {
        var name = TtsLanguage.Normalize(language);
        int? id = null;
        if (name != TtsLanguage.Auto)
        {
            id = _ids.Languages.TryGetValue(name, out var found)
                ? found
                : throw new ArgumentException($"the loaded model does not know the language '{name}'; it supports: {string.Join(", ", _ids.UserLanguages)}", nameof(language));
        }
        if (speaker is not null && name is TtsLanguage.Auto or "chinese"
            && _ids.SpeakerDialects.TryGetValue(speaker.ToLowerInvariant(), out var dialect) && dialect is not null)
        {
            id = _ids.Languages[dialect];
        }
        return id;
    }

    private int SpeakerId(string name) =>
        _ids.Speakers.TryGetValue(name.ToLowerInvariant(), out var id)
            ? id
            : throw new ArgumentException(
                _ids.Speakers.Count == 0
                    ? $"unknown speaker '{name}': the loaded model has no built-in speakers"
                    : $"unknown speaker '{name}'; the loaded model has: {string.Join(", ", _ids.SpeakerNames)}", nameof(name));

    private static void Add(ReadOnlySpan<float> source, Span<float> destination)
        => System.Numerics.Tensors.TensorPrimitives.Add(destination, source, destination);
}
