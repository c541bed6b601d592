using System.Runtime.InteropServices;

namespace Qwen3Tts.Inference.Talker;

/// <summary>
/// llama.cpp's CPU backend (libggml-cpu) runs its graphs on OpenMP, and libgomp's default lets a team's threads
/// spin for a while after every parallel region, waiting for the next. Here that spinning thread sits on the
/// core the code predictor's and the decoder's row workers need between talker steps: with the default, one
/// frame's predictor took 150-187 wall-ms for 122-144 CPU-ms (its second thread barely ran), with
/// OMP_WAIT_POLICY=PASSIVE 67-87 wall-ms, the vocoder 55-70 -> 37-41, the talker step 39-45 -> 27-28 (staged
/// runs of the 0.6b set, same box and load). So the process asks for passive waiting before libgomp loads
/// (it reads its environment once, when loaded), unless the user set a policy. .NET's own environment is
/// not the C library's on Unix, so it is set through libc's setenv.
/// </summary>
internal static partial class OpenMpWaitPolicy
{
    public const string Variable = "OMP_WAIT_POLICY";

    public const string Passive = "PASSIVE";

    /// <summary>Sets OMP_WAIT_POLICY=PASSIVE in the native environment unless it is set already; the policy in force afterwards.</summary>
    public static string Apply()
    {
        if (OperatingSystem.IsLinux() || OperatingSystem.IsMacOS() || OperatingSystem.IsFreeBSD())
        {
            // overwrite = 0: a policy the user exported stays.
            _ = SetEnv(Variable, Passive, 0);
            return Marshal.PtrToStringUTF8(GetEnv(Variable)) ?? Passive;
        }
        if (Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } set)
        {
            return set;
        }
        // Windows: the process environment block, which the OpenMP runtime reads when it loads.
        Environment.SetEnvironmentVariable(Variable, Passive);
        return Passive;
    }

    [LibraryImport("libc", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int SetEnv(string name, string value, int overwrite);

    [LibraryImport("libc", EntryPoint = "getenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial nint GetEnv(string name);
}
