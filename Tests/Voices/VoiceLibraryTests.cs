using System.Diagnostics;
using Qwen3Tts.Inference.Codec.Encoder;
using Qwen3Tts.Inference.Formats.Npy;
using Qwen3Tts.Inference.Voices;

namespace Qwen3Tts.Tests.Voices;

public sealed class VoiceLibraryTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("qwen3-voices-").FullName;
    private readonly string _dir;

    public VoiceLibraryTests()
    {
        _dir = Path.Combine(_root, "library");
        Directory.CreateDirectory(_dir);
    }

    private const string VoiceJson = """{"ref_text": "hi", "codec_tokens": [[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16]]}""";

    private void WriteVoice(string fileName, string directory = "") =>
        File.WriteAllText(Path.Combine(directory.Length == 0 ? _dir : directory, fileName), VoiceJson);

    internal static EncodedVoice Encoded(string text = "The words in the clip.", int frames = 4, float[]? speaker = null) =>
        new(text, [.. Enumerable.Range(0, frames * 16).Select(i => i * 13 % 2048)], frames, 16, speaker,
            new WavSource(48000, 2, "PCM 16-bit", frames / 12.5), new VoiceEncoderIdentity("sha256:abc", 12.5, speaker is null ? null : "ecapa"));

    [Fact]
    public void ListsDefaultThenEveryVoiceFileByName()
    {
        WriteVoice("zoe.json");
        WriteVoice("adam.json");
        File.Copy(Path.Combine(AppContext.BaseDirectory, "Voices", "Fixtures", "seed_bare.pt"), Path.Combine(_dir, "pat.pt"));
        NpyWriter.Write(Path.Combine(_dir, "nina.npy"), new long[16], [1, 16]);
        File.WriteAllText(Path.Combine(_dir, "notes.txt"), "not a voice");
        Directory.CreateDirectory(Path.Combine(_dir, "folder.json"));

        Assert.Equal(["default", "adam", "nina", "pat", "zoe"], new VoiceLibrary(_dir).List());
        Assert.Equal(["default"], new VoiceLibrary(null).List());
        Assert.Equal(["default"], new VoiceLibrary(Path.Combine(_dir, "missing")).List());
        Assert.Equal(3, new VoiceLibrary(_dir).Load("pat")!.FrameCount);
    }

    [Fact]
    public void LoadsANamedVoiceAndTreatsDefaultAsNone()
    {
        WriteVoice("adam.json");
        var library = new VoiceLibrary(_dir);

        var voice = library.Load("adam");

        Assert.NotNull(voice);
        Assert.Equal(1, voice.FrameCount);
        Assert.Equal("hi", voice.ReferenceText);
        Assert.Null(library.Load("default"));
        Assert.Null(library.Load(null));
    }

    [Theory]
    [InlineData("../adam")]
    [InlineData("/etc/passwd")]
    [InlineData(".hidden")]
    [InlineData("a\\b")]
    [InlineData("a/b")]
    [InlineData("")]
    [InlineData("name with spaces")]
    [InlineData("x\0y")]
    public void RefusesPathsInsteadOfNames(string name)
    {
        WriteVoice("adam.json");

        var error = Assert.Throws<VoiceFileException>(() => new VoiceLibrary(_dir).Read(name));

        Assert.Contains("not a voice name", error.Message);
        Assert.Equal(VoiceProblem.InvalidName, error.Problem);
    }

    [Fact]
    public void NamesAreBoundedInLength()
    {
        Assert.True(VoiceLibrary.IsValidName(new string('a', VoiceLibrary.MaxNameLength)));
        Assert.False(VoiceLibrary.IsValidName(new string('a', VoiceLibrary.MaxNameLength + 1)));
        var error = Assert.Throws<VoiceFileException>(() => new VoiceLibrary(_dir).Read(new string('a', 10_000)));
        Assert.True(error.Message.Length < 400);
    }

    [Fact]
    public void AnUnknownVoiceNamesTheAvailableOnes()
    {
        WriteVoice("adam.json");

        var error = Assert.Throws<VoiceFileException>(() => new VoiceLibrary(_dir).Load("bob"));

        Assert.Contains("unknown voice 'bob'", error.Message);
        Assert.Contains("default, adam", error.Message);
        Assert.Equal(VoiceProblem.UnknownVoice, error.Problem);
    }

    [Fact]
    public async Task AFifoInTheLibraryIsRefusedWithoutWaitingOnIt()
    {
        MakeFifo(Path.Combine(_dir, "pipe.json"));
        var library = new VoiceLibrary(_dir);

        // A FIFO opened for reading blocks until a writer comes; the guard is that this returns at all.
        var error = await Task.Run(() => Assert.Throws<VoiceFileException>(() => library.Load("pipe"))).WaitAsync(TimeSpan.FromSeconds(20));
        var listed = await Task.Run(library.Describe).WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Contains("pipe or socket", error.Message);
        Assert.Contains("pipe or socket", Assert.Single(listed).Error);
    }

    [Fact]
    public void LinksOutOfTheLibraryAreNotFollowed()
    {
        var outside = Path.Combine(_root, "outside");
        Directory.CreateDirectory(outside);
        WriteVoice("secret.json", outside);
        File.CreateSymbolicLink(Path.Combine(_dir, "escape.json"), Path.Combine(outside, "secret.json"));
        File.CreateSymbolicLink(Path.Combine(_dir, "relative.json"), "../outside/secret.json");
        File.CreateSymbolicLink(Path.Combine(_dir, "zero.json"), "/dev/zero");
        File.CreateSymbolicLink(Path.Combine(_dir, "dangling.json"), Path.Combine(_dir, "nothing.json"));
        Directory.CreateSymbolicLink(Path.Combine(_dir, "sub"), outside);
        File.CreateSymbolicLink(Path.Combine(_dir, "via-sub.json"), Path.Combine(_dir, "sub", "secret.json"));
        var library = new VoiceLibrary(_dir);

        foreach (var name in new[] { "escape", "relative", "zero", "via-sub" })
        {
            Assert.Contains("link out of the voice library", Assert.Throws<VoiceFileException>(() => library.Load(name)).Message);
        }
        Assert.Contains("does not exist", Assert.Throws<VoiceFileException>(() => library.Load("dangling")).Message);
    }

    [Fact]
    public void ALinkToAnotherVoiceOfTheLibraryIsFollowed()
    {
        WriteVoice("adam.json");
        File.CreateSymbolicLink(Path.Combine(_dir, "narrator.json"), "adam.json");
        var linkedRoot = Path.Combine(_root, "linked-library");
        Directory.CreateSymbolicLink(linkedRoot, _dir);

        Assert.Equal("hi", new VoiceLibrary(_dir).Load("narrator")!.ReferenceText);
        Assert.Equal("hi", new VoiceLibrary(linkedRoot).Load("narrator")!.ReferenceText);
        Assert.Equal(["default", "adam", "narrator"], new VoiceLibrary(linkedRoot).List());
    }

    [Fact]
    public void OversizedAndEmptyFilesAreRefusedBeforeTheyAreRead()
    {
        using (var big = File.Create(Path.Combine(_dir, "big.json")))
        {
            big.SetLength(VoiceFile.MaxBytes + 1);
        }
        File.WriteAllBytes(Path.Combine(_dir, "empty.json"), []);
        var library = new VoiceLibrary(_dir, new VoiceLibraryOptions { MaxFileBytes = 4096 });
        WriteVoice("small.json");

        Assert.Contains("too large for a voice file (limit 4096)", Assert.Throws<VoiceFileException>(() => library.Load("big")).Message);
        Assert.Contains("is empty", Assert.Throws<VoiceFileException>(() => library.Load("empty")).Message);
        Assert.NotNull(library.Load("small"));
    }

    [Fact]
    public void AHugeNpyHeaderIsRefused()
    {
        var header = new byte[64];
        byte[] magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 2, 0];
        magic.CopyTo(header, 0);
        BitConverter.GetBytes(uint.MaxValue).CopyTo(header, 8);
        File.WriteAllBytes(Path.Combine(_dir, "huge.npy"), header);
        var text = System.Text.Encoding.ASCII.GetBytes("{'descr': '<i8', 'fortran_order': False, 'shape': (9223372036854775807, 16), }\n");
        byte[] shapeOverflow = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0, (byte)text.Length, 0, .. text];
        File.WriteAllBytes(Path.Combine(_dir, "overflow.npy"), shapeOverflow);
        var library = new VoiceLibrary(_dir);

        Assert.Contains("implausibly large", Assert.Throws<VoiceFileException>(() => library.Load("huge")).Message);
        Assert.Contains("truncated or corrupt", Assert.Throws<VoiceFileException>(() => library.Load("overflow")).Message);
    }

    [Theory]
    [InlineData("""{"codec_tokens": [[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16]], "speaker_embedding": ["a", "b"]}""", "speaker_embedding[0] is a string")]
    [InlineData("""{"codec_tokens": [[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,"16"]]}""", "codec_tokens[0][15] is a string")]
    [InlineData("""{"codec_tokens": [[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16.5]]}""", "codec_tokens[0][15] is the number 16.5")]
    [InlineData("""{"codec_tokens": [[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16]], "ref_text": 7}""", "\"ref_text\" must be a string")]
    [InlineData("""[1, 2]""", "a voice file is a JSON object")]
    [InlineData("""{"codec_tokens": {"a": 1}}""", "\"codec_tokens\" must be an array")]
    public void BadJsonFieldsAreNamed(string json, string expected)
    {
        File.WriteAllText(Path.Combine(_dir, "bad.json"), json);

        var error = Assert.Throws<VoiceFileException>(() => new VoiceLibrary(_dir).Load("bad"));

        Assert.Contains("voice 'bad'", error.Message);
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public async Task AddWritesAJsonVoiceThatReadsBackWithItsOrigin()
    {
        var library = new VoiceLibrary(Path.Combine(_dir, "new"));

        var entry = await library.AddAsync("narrator", Encoded(speaker: [0.5f, -0.25f]));

        Assert.Equal("narrator", entry.Name);
        Assert.Equal(4, entry.Frames);
        Assert.Equal(2, entry.SpeakerEmbeddingSize);
        Assert.Equal(0.32, entry.DurationSeconds);
        Assert.Equal("sha256:abc", entry.SpeechTokenizer);
        var stored = library.Read("narrator");
        Assert.Equal("The words in the clip.", stored.Voice.ReferenceText);
        Assert.Equal([0.5f, -0.25f], stored.Voice.SpeakerEmbedding!);
        Assert.Equal(["default", "narrator"], library.List());
        Assert.Equal(entry, Assert.Single(library.Describe()));
        Assert.Equal(["narrator.json"], Directory.GetFiles(library.Directory!).Select(Path.GetFileName));
    }

    [Fact]
    public async Task AddRefusesTakenDefaultAndInvalidNamesAndAFullLibrary()
    {
        WriteVoice("adam.json");
        var library = new VoiceLibrary(_dir, new VoiceLibraryOptions { MaxVoices = 2 });

        Assert.Equal(VoiceProblem.NameTaken, (await Assert.ThrowsAsync<VoiceFileException>(() => library.AddAsync("adam", Encoded()))).Problem);
        Assert.Equal(VoiceProblem.NameTaken, (await Assert.ThrowsAsync<VoiceFileException>(() => library.AddAsync("ADAM", Encoded()))).Problem);
        Assert.Equal(VoiceProblem.InvalidName, (await Assert.ThrowsAsync<VoiceFileException>(() => library.AddAsync("default", Encoded()))).Problem);
        Assert.Equal(VoiceProblem.InvalidName, (await Assert.ThrowsAsync<VoiceFileException>(() => library.AddAsync("../x", Encoded()))).Problem);
        await library.AddAsync("bea", Encoded());
        var full = await Assert.ThrowsAsync<VoiceFileException>(() => library.AddAsync("carl", Encoded()));
        Assert.Equal(VoiceProblem.LibraryFull, full.Problem);
        Assert.Contains("limit 2", full.Message);
        Assert.Equal(VoiceProblem.NoLibrary, (await Assert.ThrowsAsync<VoiceFileException>(() => new VoiceLibrary(null).AddAsync("x", Encoded()))).Problem);
        Assert.Equal(["adam.json", "bea.json"], Directory.GetFiles(_dir).Select(Path.GetFileName).Order());
    }

    [Fact]
    public async Task ConcurrentAddsOfOneNameLeaveOneCompleteFile()
    {
        var library = new VoiceLibrary(_dir);
        var others = Enumerable.Range(0, 4).Select(_ => new VoiceLibrary(_dir)).ToArray();

        var attempts = await Task.WhenAll(Enumerable.Range(0, 16).Select(i => Task.Run(async () =>
        {
            try
            {
                await others[i % others.Length].AddAsync("same", Encoded(text: $"take {i}", frames: 8));
                return true;
            }
            catch (VoiceFileException e) when (e.Problem == VoiceProblem.NameTaken)
            {
                return false;
            }
        })));

        Assert.Equal(1, attempts.Count(a => a));
        Assert.Equal(["same.json"], Directory.GetFiles(_dir).Select(Path.GetFileName));
        Assert.StartsWith("take ", library.Read("same").Voice.ReferenceText);
        Assert.Equal(8, library.Read("same").Voice.FrameCount);
    }

    [Fact]
    public void RemoveDeletesTheVoiceOrALinkButNeverItsTarget()
    {
        var outside = Path.Combine(_root, "outside");
        Directory.CreateDirectory(outside);
        WriteVoice("kept.json", outside);
        WriteVoice("adam.json");
        File.CreateSymbolicLink(Path.Combine(_dir, "link.json"), Path.Combine(outside, "kept.json"));
        var library = new VoiceLibrary(_dir);

        library.Remove("adam");
        library.Remove("link");

        Assert.Empty(Directory.GetFileSystemEntries(_dir));
        Assert.True(File.Exists(Path.Combine(outside, "kept.json")));
        Assert.Equal(VoiceProblem.UnknownVoice, Assert.Throws<VoiceFileException>(() => library.Remove("adam")).Problem);
        Assert.Equal(VoiceProblem.InvalidName, Assert.Throws<VoiceFileException>(() => library.Remove("../outside/kept")).Problem);
        Assert.Equal(VoiceProblem.InvalidName, Assert.Throws<VoiceFileException>(() => library.Remove("default")).Problem);
    }

    [Fact]
    public void OpenAiVoiceNamesAreTheDefaultVoiceUnlessTheTableOrALibraryVoiceSaysOtherwise()
    {
        WriteVoice("adam.json");
        WriteVoice("echo.json");
        var library = new VoiceLibrary(_dir, aliases: new Dictionary<string, string> { ["nova"] = "adam", ["Narrator"] = "adam" });

        Assert.Null(library.Load("alloy"));
        Assert.Null(library.Load("SHIMMER"));
        Assert.Equal("hi", library.Load("nova")!.ReferenceText);
        Assert.NotNull(library.Load("narrator"));
        Assert.NotNull(library.Load("echo"));                      // the library's echo.json, not the alias
        Assert.Equal("default", library.Aliases["onyx"]);
    }

    [Fact]
    public void AnAliasOfAMissingVoiceSaysSo()
    {
        var error = Assert.Throws<VoiceFileException>(() => new VoiceLibrary(_dir, aliases: new Dictionary<string, string> { ["alloy"] = "ghost" }).Load("alloy"));

        Assert.Contains("voice 'alloy' is an alias of 'ghost'", error.Message);
    }

    internal static void MakeFifo(string path)
    {
        using var mkfifo = Process.Start(new ProcessStartInfo("mkfifo", [path]) { UseShellExecute = false })!;
        mkfifo.WaitForExit();
        Assert.Equal(0, mkfifo.ExitCode);
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
