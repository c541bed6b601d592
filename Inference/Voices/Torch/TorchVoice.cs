using Qwen3Tts.Inference.Models;

namespace Qwen3Tts.Inference.Voices.Torch;

/// <summary>
/// Maps what a voice <c>.pt</c> holds to a voice, for the layouts in use:
/// <list type="bullet">
/// <item>the official demo's saved prompt, <c>{"items": [{ref_code, ref_spk_embedding, x_vector_only_mode, icl_mode, ref_text}]}</c>
/// (<c>asdict</c> of the <c>VoiceClonePromptItem</c> that <c>create_voice_clone_prompt</c> returns), one item;</item>
/// <item>one such item as a dict of its own;</item>
/// <item>the Rust seed's: a bare codes tensor, or a dict with <c>codec_tokens</c> / <c>ref_codec_tokens</c> (and optional <c>ref_text</c>).</item>
/// </list>
/// Codes are an integer tensor [frames, 16] (or [16, frames], transposed as the seed does, or [1, frames, 16]); the
/// x-vector a float tensor [D] or [1, D]. In x-vector-only mode the codes are ignored, as the official code ignores them.
/// </summary>
internal static class TorchVoice
{
    private static readonly string[] CodeKeys = ["ref_code", "codec_tokens", "ref_codec_tokens"];
    private static readonly string[] SpeakerKeys = ["ref_spk_embedding", "speaker_embedding"];

    public static (long[] Codes, string? ReferenceText, float[]? Speaker, bool SpeakerOnly) Map(object? payload)
    {
        switch (payload)
        {
            case TorchTensor codes:
                return (Codes(codes, "the saved tensor"), null, null, false);
            case PickleDict dict when dict.TryGet("items", out var items):
                if (items is not List<object?> list || list.Count == 0)
                {
                    throw new InvalidDataException($"'items' is {PickleDescribe.Kind(items)}; the official saved prompt has a list of one voice item");
                }
                if (list.Count > 1)
                {
                    throw new InvalidDataException($"'items' holds {list.Count} voice prompts; a voice file is one voice (save each item on its own)");
                }
                return list[0] is PickleDict item
                    ? FromItem(item, "items[0]")
                    : throw new InvalidDataException($"items[0] is {PickleDescribe.Kind(list[0])}, not a dict of the voice prompt's fields");
            case PickleDict dict:
                return FromItem(dict, "the saved dict");
            default:
                throw new InvalidDataException(
                    $"holds {PickleDescribe.Kind(payload)}; a voice .pt holds a codes tensor, a dict with ref_code/codec_tokens, or the official {{\"items\": [...]}} prompt");
        }
    }

    private static (long[], string?, float[]?, bool) FromItem(PickleDict item, string where)
    {
        var speakerOnly = Bool(item, "x_vector_only_mode", where) ?? false;
        if (Bool(item, "icl_mode", where) is { } icl && icl == speakerOnly)
        {
            throw new InvalidDataException($"{where} says icl_mode={icl} and x_vector_only_mode={speakerOnly}; exactly one of them is true in a voice prompt");
        }
        var text = item.TryGet("ref_text", out var t) ? t switch
        {
            null => null,
            string s => s,
            _ => throw new InvalidDataException($"{where}.ref_text is {PickleDescribe.Kind(t)}, not a str"),
        } : null;
        var speaker = Find(item, SpeakerKeys) is { Value: not null } found
            ? Speaker(found.Value, $"{where}.{found.Key}")
            : null;
        if (speakerOnly)
        {
            return speaker is null
                ? throw new InvalidDataException($"{where} is an x-vector-only prompt without ref_spk_embedding")
                : ([], text, speaker, true);
        }
        if (Find(item, CodeKeys) is not { Value: not null } codes)
        {
            throw new InvalidDataException($"{where} has no codes: expected one of {string.Join(", ", CodeKeys)} (keys found: {string.Join(", ", item.Keys)})");
        }
        return (Codes(codes.Value, $"{where}.{codes.Key}"), text, speaker, false);
    }

    private static long[] Codes(object? value, string where)
    {
        if (value is not TorchTensor tensor)
        {
            throw new InvalidDataException($"{where} is {PickleDescribe.Kind(value)}, not a tensor of codes");
        }
        if (tensor.IsFloat)
        {
            throw new InvalidDataException($"{where} holds {tensor.Storage.Type.Name} floats; voice codes are integers");
        }
        var shape = tensor.Shape;
        const int books = CodecTokenIds.CodebookCount;
        var codes = tensor.ToInt64();
        switch (shape)
        {
            case [_, books]:
                return codes;
            case [1, _, books]:
                return codes;
            case [books, var frames]:
                var transposed = new long[codes.Length];
                for (var k = 0; k < books; k++)
                {
                    for (var f = 0; f < frames; f++)
                    {
                        transposed[f * books + k] = codes[k * frames + f];
                    }
                }
                return transposed;
            default:
                throw new InvalidDataException(
                    $"{where} has shape [{string.Join(", ", shape)}]; 12 Hz voice codes are [frames, {books}] (or [{books}, frames])");
        }
    }

    private static float[] Speaker(object value, string where)
    {
        if (value is not TorchTensor tensor || !tensor.IsFloat)
        {
            throw new InvalidDataException($"{where} is {PickleDescribe.Kind(value)}, not a float tensor");
        }
        return tensor.Shape is [_] or [1, _]
            ? tensor.ToFloat32()
            : throw new InvalidDataException($"{where} has shape [{string.Join(", ", tensor.Shape)}]; an x-vector is one row of floats");
    }

    private static bool? Bool(PickleDict item, string key, string where) =>
        !item.TryGet(key, out var value) || value is null ? null
        : value is bool b ? b
        : throw new InvalidDataException($"{where}.{key} is {PickleDescribe.Kind(value)}, not a bool");

    private static (string Key, object? Value)? Find(PickleDict item, string[] keys)
    {
        foreach (var key in keys)
        {
            if (item.TryGet(key, out var value))
            {
                return (key, value);
            }
        }
        return null;
    }
}
