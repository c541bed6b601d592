using ModelContextProtocol.Protocol;

namespace Qwen3Tts.Cli.Mcp;

/// <summary>
/// Tool results as MCP clients expect them: a failed call is a normal result with isError set and a
/// message the model can act on, not a JSON-RPC error, so the conversation (and the server) go on.
/// </summary>
internal static class ToolResults
{
    public static CallToolResult Error(string message) => new()
    {
        IsError = true,
        Content = [new TextContentBlock { Text = message }],
    };

    /// <summary>The message without the " (Parameter 'x')" suffix, which names a C# parameter, not a tool argument.</summary>
    public static string MessageOf(Exception exception) =>
        exception is ArgumentException { ParamName: { } name } argument
            ? argument.Message.Replace($" (Parameter '{name}')", "", StringComparison.Ordinal)
            : exception.Message;
}
