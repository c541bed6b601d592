using System.Runtime.InteropServices;
using Qwen3Tts.Inference.Talker;

namespace Qwen3Tts.Tests.Talker;

/// <summary>
/// The policy lives in the C library's environment (libgomp reads it there, once, when it loads), so these tests
/// set and read it there; each restores what it found. Linux only: that is where the C library is libc.
/// </summary>
[Collection(NativeEnvironmentCollection.Name)]
public partial class OpenMpWaitPolicyTests
{
    [Fact]
    public void WithoutAPolicyTheNativeEnvironmentGetsPassive()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }
        WithNativeVariable(null, () =>
        {
            Assert.Equal(OpenMpWaitPolicy.Passive, OpenMpWaitPolicy.Apply());
            Assert.Equal(OpenMpWaitPolicy.Passive, Marshal.PtrToStringUTF8(GetEnv(OpenMpWaitPolicy.Variable)));
        });
    }

    [Fact]
    public void APolicyTheUserSetStays()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }
        WithNativeVariable("ACTIVE", () =>
        {
            Assert.Equal("ACTIVE", OpenMpWaitPolicy.Apply());
            Assert.Equal("ACTIVE", Marshal.PtrToStringUTF8(GetEnv(OpenMpWaitPolicy.Variable)));
        });
    }

    private static void WithNativeVariable(string? value, Action test)
    {
        var before = Marshal.PtrToStringUTF8(GetEnv(OpenMpWaitPolicy.Variable));
        try
        {
            if (value is null)
            {
                UnsetEnv(OpenMpWaitPolicy.Variable);
            }
            else
            {
                SetEnv(OpenMpWaitPolicy.Variable, value, 1);
            }
            test();
        }
        finally
        {
            if (before is null)
            {
                UnsetEnv(OpenMpWaitPolicy.Variable);
            }
            else
            {
                SetEnv(OpenMpWaitPolicy.Variable, before, 1);
            }
        }
    }

    [LibraryImport("libc", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int SetEnv(string name, string value, int overwrite);

    [LibraryImport("libc", EntryPoint = "unsetenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int UnsetEnv(string name);

    [LibraryImport("libc", EntryPoint = "getenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial nint GetEnv(string name);
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class NativeEnvironmentCollection
{
    public const string Name = "native environment";
}
