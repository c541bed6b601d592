using System.CommandLine;
using Microsoft.Extensions.Logging;

namespace Qwen3Tts.Cli;

/// <summary>Console logging for commands: always to stderr, so stdout stays clean for audio, JSON and MCP.</summary>
internal static class CliLogging
{
    public static ILoggerFactory Create(ParseResult parse, LogLevel level = LogLevel.Information)
        => LoggerFactory.Create(builder => builder
            .SetMinimumLevel(Environment.GetEnvironmentVariable("QWEN3_TTS_LOG") is { } l && Enum.TryParse<LogLevel>(l, true, out var parsed) ? parsed : level)
            .AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss "; })
            .AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace));
}
