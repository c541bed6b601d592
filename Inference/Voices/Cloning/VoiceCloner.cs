using Qwen3Tts.Inference.Codec.Encoder;

namespace Qwen3Tts.Inference.Voices.Cloning;

/// <summary>
/// Adds a voice to a library from a reference clip: the name is checked (valid, free, room left) before the clip is
/// encoded, so a doomed request costs no encoding; the library checks again when it writes, atomically.
/// </summary>
public sealed class VoiceCloner(IVoiceEncoding encoding, VoiceLibrary library)
{
    public VoiceLibrary Library => library;

    public async Task<VoiceEntry> AddAsync(string name, ReferenceAudio clip, string referenceText, CancellationToken cancellationToken = default)
    {
        Check(name);
        var voice = await encoding.EncodeAsync(clip, referenceText, cancellationToken).ConfigureAwait(false);
        return await library.AddAsync(name, voice, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Whether a voice could be added as <paramref name="name"/> now: a valid name, free, and room in the library; else a <see cref="VoiceFileException"/>.</summary>
    public void Check(string name)
    {
        VoiceLibrary.RequireValidName(name);
        if (string.Equals(name, VoiceLibrary.DefaultVoice, StringComparison.OrdinalIgnoreCase))
        {
            throw new VoiceFileException($"'{VoiceLibrary.DefaultVoice}' is the model's own voice; choose another name", VoiceProblem.InvalidName);
        }
        if (library.Contains(name))
        {
            throw new VoiceFileException($"a voice named '{name}' already exists; remove it first or choose another name", VoiceProblem.NameTaken);
        }
        if (library.List().Count - 1 >= library.Options.MaxVoices)
        {
            throw new VoiceFileException($"the voice library is full (limit {library.Options.MaxVoices} voices); remove a voice first", VoiceProblem.LibraryFull);
        }
    }
}
