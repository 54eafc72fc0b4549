using PulumiLibvirt.Framework;

namespace PulumiLibvirt.Bench;

/// <summary>
/// The engine's log for a provider run in process: progress lines would only add noise to the measurements.
/// </summary>
internal sealed class QuietLog : IEngineLog
{
    public Task LogAsync(LogSeverity severity, string message, string urn = "") => Task.CompletedTask;
}
