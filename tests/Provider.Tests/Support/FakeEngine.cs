using System.Collections.Concurrent;
using Google.Protobuf.WellKnownTypes;
using PulumiLibvirt.Protocol;

namespace PulumiLibvirt.Tests.Support;

/// <summary>The engine's side of logging: a Log service on our own gRPC server that keeps every request.</summary>
public sealed class FakeEngine : IAsyncDisposable
{
    private readonly GrpcServer _server;

    private FakeEngine(GrpcServer server, ConcurrentQueue<Pulumirpc.LogRequest> logs)
    {
        _server = server;
        Logs = logs;
    }

    public ConcurrentQueue<Pulumirpc.LogRequest> Logs { get; }

    public string Address => $"127.0.0.1:{_server.Port}";

    public static async Task<FakeEngine> StartAsync()
    {
        var logs = new ConcurrentQueue<Pulumirpc.LogRequest>();
        var methods = new GrpcMethods().Add<Pulumirpc.LogRequest, Empty>("pulumirpc.Engine", "Log", (request, _) =>
        {
            logs.Enqueue(request);
            return Task.FromResult(new Empty());
        });
        return new FakeEngine(await GrpcServer.StartAsync(methods, _ => { }), logs);
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}
