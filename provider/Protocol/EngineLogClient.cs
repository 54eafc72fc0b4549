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
    // Opening a channel loads and sets up Grpc.Net.Client and System.Net.Http, which took about a fifth of the
    // plugin's start to port: it is opened at the first message, after the port is printed.
    private Lazy<GrpcChannel>? _engine;

    public void Connect(string engineAddress)
    {
        var previous = Interlocked.Exchange(ref _engine, new Lazy<GrpcChannel>(() => LocalChannel.Open(engineAddress)));
        if (previous is { IsValueCreated: true })
            previous.Value.Dispose();
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
            await new Rpc.Engine.EngineClient(engine.Value).LogAsync(
                new Rpc.LogRequest
                {
                    Severity = (Rpc.LogSeverity)severity,
                    Message = message,
                    Urn = urn,
                }
            );
        }
        catch (RpcException e)
        {
            await Console.Error.WriteLineAsync($"{severity}: {message} (engine log unavailable: {e.Status.Detail})");
        }
    }

    public void Dispose()
    {
        if (_engine is { IsValueCreated: true } engine)
            engine.Value.Dispose();
    }
}
