namespace Qwen3Tts.Inference.Voices.Torch;

/// <summary>
/// The only module-level names a voice <c>.pt</c> may mention: what <c>torch.save</c> writes for tensors
/// (the rebuild function, the storage classes, the OrderedDict of backward hooks). Any other global, such as
/// <c>os.system</c> or a class of someone's program, is refused before anything is built: a pickle can only run
/// code through a global, so refusing them is what makes reading one safe.
/// </summary>
internal static class TorchGlobals
{
    public static readonly PickleGlobal RebuildTensorV2 = new("torch._utils", "_rebuild_tensor_v2");
    public static readonly PickleGlobal RebuildParameter = new("torch._utils", "_rebuild_parameter");
    public static readonly PickleGlobal OrderedDict = new("collections", "OrderedDict");

    public static bool IsAllowed(PickleGlobal global) =>
        global == RebuildTensorV2 || global == RebuildParameter || global == OrderedDict || StorageType(global) is not null;

    /// <summary><c>torch.FloatStorage</c> and the like, or null.</summary>
    public static TorchStorageType? StorageType(PickleGlobal global) =>
        global.Module == "torch" && TorchStorageType.ByName.TryGetValue(global.Name, out var type) ? type : null;

    public static string AllowedList =>
        $"{RebuildTensorV2}, {RebuildParameter}, {OrderedDict}, " + string.Join(", ", TorchStorageType.ByName.Keys.Select(n => "torch." + n));
}
