namespace Qwen3Tts.Inference.Models;

/// <summary>Fixed text-side token ids of Qwen3-TTS (rows of the text embedding table).</summary>
public static class TextTokenIds
{
    public const int ImStart = 151644;
    public const int ImEnd = 151645;
    public const int Assistant = 77091;
    public const int Newline = 198;
    public const int TtsPad = 151671;
    public const int TtsBos = 151672;
    public const int TtsEos = 151673;

    /// <summary>Rows of the text embedding table (the BPE vocabulary padded).</summary>
    public const int TextVocabSize = 151936;
}

/// <summary>Fixed codec-side ids (rows of the talker codec embedding / codec head).</summary>
public static class CodecTokenIds
{
    public const int Pad = 2148;
    public const int Bos = 2149;
    public const int Eos = 2150;
    public const int Think = 2154;
    public const int NoThink = 2155;
    public const int ThinkBos = 2156;
    public const int ThinkEos = 2157;

    /// <summary>Rows of the talker codec embedding and codec head.</summary>
    public const int TalkerVocabSize = 3072;

    /// <summary>Codes per codebook (codebook 0 codes are 0..2047; the rest of the talker vocab is control ids).</summary>
    public const int CodebookSize = 2048;

    /// <summary>Codebooks per frame: code 0 from the talker, 1..15 from the predictor.</summary>
    public const int CodebookCount = 16;
}

/// <summary>Audio framing of the 12 Hz codec.</summary>
public static class CodecAudio
{
    public const int SampleRate = 24000;
    public const int SamplesPerFrame = 1920;
    public const double FramesPerSecond = 12.5;
}
