namespace Qwen3Tts.Grains;

/// <summary>
/// What the talker's loaded model can honour (enum names as strings), so a gateway board without models can list
/// a CustomVoice model's speakers and refuse a field the model cannot use before a request starts.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record ModelInfoDto(
    [property: Id(0)] string Layout,
    [property: Id(1)] string Variant,
    [property: Id(2)] string SizeTag,
    [property: Id(3)] string[] Speakers,
    [property: Id(4)] string[] Languages,
    [property: Id(5)] bool AcceptsInstructions,
    [property: Id(6)] bool RequiresInstructions,
    [property: Id(7)] bool VoiceCloning);

/// <summary>The loaded model's capabilities, answered by a talker silo (any one: every talker of a cluster loads the same set).</summary>
public interface IModelInfoGrain : IGrainWithIntegerKey, IPlacedGrain
{
    Task<ModelInfoDto> GetAsync();
}
