using System.Runtime.InteropServices;
using Qwen3Tts.Inference.Benchmarks;
using Qwen3Tts.KernelCheck;

// Exit code 0: every supported path equals the scalar reference on every format and shape; 1: a mismatch.
Console.WriteLine($"machine: {BenchMachine.Describe()}");
Console.WriteLine($"architecture: {RuntimeInformation.ProcessArchitecture}");
var failures = KernelEquality.Run(Console.Out);
failures += FloatKernelEquality.Run(Console.Out);
Console.WriteLine(failures == 0 ? "kernel check: all paths equal the scalar reference" : $"kernel check: {failures} mismatches");
return failures == 0 ? 0 : 1;
