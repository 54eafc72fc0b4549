using System.Collections.Concurrent;
using PulumiLibvirt.Framework;

namespace PulumiLibvirt.Tests.Support;

/// <summary>An engine log that keeps what it was told.</summary>
public sealed class RecordingLog : IEngineLog
{
    public ConcurrentQueue<(LogSeverity Severity, string Message, string Urn)> Messages { get; } = new();

    public Task LogAsync(LogSeverity severity, string message, string urn = "")
    {
        Messages.Enqueue((severity, message, urn));
        return Task.CompletedTask;
    }
}
