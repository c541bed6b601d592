using System.CommandLine;
using Microsoft.Extensions.Logging.Abstractions;
using Qwen3Tts.Inference.Benchmarks;
using Qwen3Tts.Inference.Checkpoints;
using Qwen3Tts.Inference.Models.Store;
using Qwen3Tts.Inference.Talker;

namespace Qwen3Tts.Cli.Commands;

/// <summary>
/// `qwen3-tts bench talker`: a talker step (one row) and a prompt through each stack that can run the talker (llama.cpp and
/// the project's managed Qwen3 engine) on the same runtime GGUF, per thread count, against the talker's bandwidth floor.
/// </summary>
internal static class BenchTalkerCommand
{
    public static Command Create()
    {
        var models = ModelsListCommand.ModelsDirectoryOption();
        var quant = SpeakCommand.QuantOption();
        var threads = new Option<string>("--threads") { Description = "Thread counts, comma-separated", DefaultValueFactory = _ => $"1,{Environment.ProcessorCount}" };
        var steps = new Option<int>("--steps") { Description = "Timed single-row steps per configuration (the median is shown)", DefaultValueFactory = _ => 32 };
        var promptRows = new Option<int>("--prompt-rows") { Description = "Rows of the prompt decoded before the steps (a short request's)", DefaultValueFactory = _ => 24 };
        var command = new Command("talker", "Talker step: llama.cpp's decode against the managed Qwen3 engine on the same GGUF, per thread count") { models, quant, threads, steps, promptRows };
        steps.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is < 1 or > 1024)
            {
                r.AddError("--steps must be between 1 and 1024");
            }
        });
        promptRows.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is < 1 or > 512)
            {
                r.AddError("--prompt-rows must be between 1 and 512");
            }
        });
        threads.Validators.Add(r =>
        {
            if (!BenchPipelineCommand.TryCounts(r.GetValueOrDefault<string>() ?? "", out _))
            {
                r.AddError($"--threads: '{r.GetValueOrDefault<string>()}' is not a comma-separated list of counts in [1, 64].");
            }
        });
        command.SetAction(async (parse, cancellationToken) =>
        {
            var output = parse.InvocationConfiguration.Output;
            BenchPipelineCommand.TryCounts(parse.GetValue(threads)!, out var counts);
            int stepCount = parse.GetValue(steps), rows = parse.GetValue(promptRows);
            var store = new ModelStore(new ModelStoreOptions { ModelsDirectory = ModelsListCommand.ModelsDirectory(parse.GetValue(models)) });
            var bandwidth = ReadBandwidth.MeasureEach(counts.ToArray());
            output.WriteLine($"machine: {BenchMachine.Describe()}");
            output.WriteLine($"read bandwidth: {string.Join(", ", counts.Select(n => $"{bandwidth[n]:F1} GB/s on {n} thread{(n == 1 ? "" : "s")}"))}");
            TalkerOptions Options(TalkerBackend engine) =>
                new() { Quant = parse.GetValue(quant), Engine = engine, MaxSequences = 1, ContextPerSequence = Math.Max(512, rows + stepCount + 8) };
            // The managed stack first, so llama.cpp's OpenMP threads, which outlive its model, are not yet there to share the
            // cores with it; llama.cpp's then runs on the runtime GGUF that load prepared, without the talker's other tables.
            string runtime;
            long bytes;
            using (var talker = ModelSetLoader.LoadTalker(store, Options(TalkerBackend.Managed), NullLogger.Instance, cancellationToken: cancellationToken))
            {
                runtime = talker.Model.RuntimeGgufPath;
                bytes = talker.Model.WeightBytes;
                output.WriteLine($"talker: {runtime} ({bytes / 1e9:F3} GB); a {rows}-row prompt, then {stepCount} single-row steps");
                output.WriteLine($"  {"engine",-10} {"thr",3}   {"prompt ms",9}   {"step ms",8}   {"best",6}   {"cpu ms",7}   {"x floor",7}   floor");
                await TimeAsync(talker.Model).ConfigureAwait(false);
            }
            using (var llama = TalkerModel.Load(runtime, Options(TalkerBackend.Llama)))
            {
                await TimeAsync(llama).ConfigureAwait(false);
            }
            output.WriteLine("  The prompt runs on each stack's prompt threads in every row (llama.cpp: every core; managed: its row workers);");
            output.WriteLine($"  floor: the stack's bytes over the bandwidth on as many threads. Serving runs {new TalkerOptions().Engine.Name()} unless talker.engine says otherwise.");
            return 0;

            async Task TimeAsync(TalkerModel model)
            {
                await using var session = await model.OpenSessionAsync(cancellationToken).ConfigureAwait(false);
                // Untimed: the JIT's final code and the first graphs are not the stack's cost.
                await model.TimeStackAsync(session, Math.Min(rows, 8), 2, 0, cancellationToken).ConfigureAwait(false);
                foreach (var n in counts)
                {
                    Print(await model.TimeStackAsync(session, rows, stepCount, n, cancellationToken).ConfigureAwait(false));
                }
            }

            void Print(TalkerStackTiming t)
            {
                var floor = bytes / (bandwidth[t.Threads] * 1e9) * 1e3;
                output.WriteLine($"  {t.Engine,-10} {t.Threads,3}   {t.PromptMs,9:F1}   {t.StepMedianMs,8:F2}   {t.StepBestMs,6:F2}   {t.StepCpuMs,7:F2}   {$"x{t.StepMedianMs / floor:F2}",7}   {floor:F1} ms ({bytes / 1e9:F3} GB @ {bandwidth[t.Threads]:F1} GB/s)");
            }
        });
        return command;
    }
}
