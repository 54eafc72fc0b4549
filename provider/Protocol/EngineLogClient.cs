using Grpc.Core;
using Grpc.Net.Client;
using PulumiLibvirt.Framework;
using Rpc = Pulumirpc;

namespace PulumiLibvirt.Protocol;

/// <summary>
/// Sends log messages to the engine's Log service, where `pulumi up` shows them against the resource. Until the
/// engine's address is known, or if the engine cannot be reached, messages go to stderr (never stdout).
/// </summary>
public sealed class EngineLogClient : IEngineLog, IDisposable
{
    private sealed record Engine(GrpcChannel Channel, Rpc.Engine.EngineClient Client);

    private Engine? _engine;

    public void Connect(string engineAddress)
    {
        var channel = LocalChannel.Open(engineAddress);
        var previous = Interlocked.Exchange(ref _engine, new Engine(channel, new Rpc.Engine.EngineClient(channel)));
        previous?.Channel.Dispose();
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
            await engine.Client.LogAsync(
                new Rpc.LogRequest { Severity = (Rpc.LogSeverity)severity, Message = message, Urn = urn });
        }
        catch (RpcException e)
        {
            await Console.Error.WriteLineAsync($"{severity}: {message} (engine log unavailable: {e.Status.Detail})");
        }
    }

    public void Dispose() => _engine?.Channel.Dispose();
}
