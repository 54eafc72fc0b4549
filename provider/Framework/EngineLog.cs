namespace PulumiLibvirt.Framework;

public enum LogSeverity
{
    Debug,
    Info,
    Warning,
    Error,
}

/// <summary>The engine's log, where users see what a provider says about their resources.</summary>
public interface IEngineLog
{
    Task LogAsync(LogSeverity severity, string message, string urn = "");
}
