using System.Text.Json;
using Qwen3Tts.Inference.Formats;

namespace Qwen3Tts.Inference.Codec.Encoder;

/// <summary>
/// Writes a voice file: the seed's keys (<c>ref_text</c>, <c>codec_tokens</c> as [[16 codes], …]), our
/// <c>speaker_embedding</c> when there is one, and where it came from (<c>source</c>: rate, channels, format,
/// duration; <c>encoded_with</c>: the speech tokenizer's fingerprint, frame rate, speaker encoder). Readers of
/// the seed's format ignore the extra keys. Written atomically: the file appears complete or not at all.
/// </summary>
public static class VoiceProfileJson
{
    public static void Write(string path, EncodedVoice voice)
    {
        var bytes = Render(voice);
        AtomicFile.Write(path, stream => stream.Write(bytes));
    }

    public static byte[] Render(EncodedVoice voice)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = false }))
        {
            json.WriteStartObject();
            json.WriteString("ref_text", voice.ReferenceText);
            json.WriteStartArray("codec_tokens");
            for (var f = 0; f < voice.Frames; f++)
            {
                json.WriteStartArray();
                for (var k = 0; k < voice.Codebooks; k++)
                {
                    json.WriteNumberValue(voice.Codes[f * voice.Codebooks + k]);
                }
                json.WriteEndArray();
            }
            json.WriteEndArray();
            if (voice.SpeakerEmbedding is { } embedding)
            {
                json.WriteStartArray("speaker_embedding");
                foreach (var v in embedding)
                {
                    json.WriteNumberValue(v);
                }
                json.WriteEndArray();
            }
            json.WriteStartObject("source");
            json.WriteNumber("sample_rate", voice.Source.SampleRate);
            json.WriteNumber("channels", voice.Source.Channels);
            json.WriteString("format", voice.Source.Format);
            json.WriteNumber("duration_seconds", Math.Round(voice.Source.DurationSeconds, 4));
            json.WriteEndObject();
            json.WriteStartObject("encoded_with");
            json.WriteString("speech_tokenizer", voice.EncodedWith.SpeechTokenizerFingerprint);
            json.WriteNumber("frame_rate", voice.EncodedWith.FrameRate);
            if (voice.EncodedWith.SpeakerEncoder is { } speaker)
            {
                json.WriteString("speaker_encoder", speaker);
            }
            json.WriteEndObject();
            json.WriteEndObject();
        }
        buffer.WriteByte((byte)'\n');
        return buffer.ToArray();
    }
}
