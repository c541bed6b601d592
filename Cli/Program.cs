using System.Runtime.InteropServices;
using Qwen3Tts.Cli;

// The first Ctrl-C (or SIGTERM) cancels the running command so it can remove partial output and exit
// with 130; a second Ctrl-C kills the process as usual.
using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    if (!cancel.IsCancellationRequested)
    {
        e.Cancel = true;
        cancel.Cancel();
    }
};
using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
{
    context.Cancel = true;
    cancel.Cancel();
});

return await CliApp.RunAsync(args, cancellationToken: cancel.Token);
