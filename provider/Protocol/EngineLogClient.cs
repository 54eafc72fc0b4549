using PulumiLibvirt.Framework;
using Rpc = Pulumirpc;

namespace PulumiLibvirt.Protocol;

/// <summary>
/// Sends log messages to the engine's Log service, where `pulumi up` shows them against the resource. Until the
/// engine's address is known, or if the engine cannot be reached, messages go to stderr (never stdout).
/// </summary>
public sealed class EngineLogClient : IEngineLog, IDisposable
{
    private GrpcClient? _engine;

    public void Connect(string engineAddress)
    {
        var previous = Interlocked.Exchange(ref _engine, new GrpcClient(engineAddress));
        previous?.Dispose();
    }

    public async Task LogAsync(LogSeverity severity, string message, string urn = "")
    {
        var engine = _engine;
        if (engine is null)
        {
            await Console.Error.WriteLineAsync($"{severity}: {message}");
            return;
        }
        try
        {
            await engine.CallAsync<Google.Protobuf.WellKnownTypes.Empty>("pulumirpc.Engine", "Log",
                new Rpc.LogRequest { Severity = (Rpc.LogSeverity)severity, Message = message, Urn = urn });
        }
        catch (Exception e) when (e is RpcException or HttpRequestException)
        {
            await Console.Error.WriteLineAsync($"{severity}: {message} (engine log unavailable: {e.Message})");
        }
    }

    public void Dispose() => _engine?.Dispose();
}
