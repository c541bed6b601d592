namespace Qwen3Tts.Inference.Benchmarks;

/// <summary>One talker stack's cost (`qwen3-tts bench talker`): a prompt once, then single-row steps.</summary>
public sealed record TalkerStackTiming(string Engine, int Threads, double PromptMs, double StepMedianMs, double StepBestMs, double StepCpuMs);
