using Qwen3Tts.Inference.Talker;
using Qwen3Tts.Tests.Pipeline;

namespace Qwen3Tts.Tests.Talker;

/// <summary>
/// The managed stack's K/V memory follows use: a sequence nobody opened holds nothing, a short request's cache is kept
/// for the next one, and a long request's is given back when it ends.
/// </summary>
public sealed class ManagedTalkerMemoryTests(TinyModelsFixture fixture) : IClassFixture<TinyModelsFixture>
{
    [Fact]
    public async Task KvMemoryGrowsWithARequestAndALongOnesIsGivenBackWhenItEnds()
    {
        var files = fixture.Store(null).ResolveTalker();
        using var model = TalkerModel.Load(TalkerRuntimeGguf.Prepare(files.Gguf, files.CodecHead),
            new TalkerOptions { Engine = TalkerBackend.Managed, MaxSequences = 2, ContextPerSequence = 2048, PrefixCacheMegabytes = 0 });
        Assert.Equal("managed", model.StackName);
        Assert.Equal(0, model.KvCacheBytes);
        var hidden = model.HiddenSize;

        await using (var shortRequest = await model.OpenSessionAsync())
        {
            await shortRequest.PrefillAsync(RandomRows.Of(20, hidden, seed: 1), 20);
        }
        var kept = model.KvCacheBytes;
        Assert.True(kept > 0);

        long during;
        await using (var longRequest = await model.OpenSessionAsync())
        {
            Assert.Equal(0, longRequest.Position);
            await longRequest.PrefillAsync(RandomRows.Of(900, hidden, seed: 2), 900);
            during = model.KvCacheBytes;
            Assert.True(during >= kept * 900 / 256, $"{during} bytes for 900 positions beside {kept} for 256");
        }
        // The long request took the short one's sequence (and grew its cache): what it grew is given back.
        Assert.True(model.KvCacheBytes <= kept, $"{model.KvCacheBytes} bytes held after the long request, {kept} before it");
        Assert.Equal(0, model.SequencesInUse);

        // A short request again: its cache (256 positions) stays for the next one.
        await using (var again = await model.OpenSessionAsync())
        {
            await again.PrefillAsync(RandomRows.Of(20, hidden, seed: 3), 20);
        }
        Assert.Equal(kept, model.KvCacheBytes);
    }
}
