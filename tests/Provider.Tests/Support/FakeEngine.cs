using System.Collections.Concurrent;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using PulumiLibvirt.Protocol;

namespace PulumiLibvirt.Tests.Support;

/// <summary>The engine's side of logging: a Log service on our own gRPC host that keeps every request.</summary>
public sealed class FakeEngine : IAsyncDisposable
{
    private readonly GrpcHost _host;

    private FakeEngine(GrpcHost host, ConcurrentQueue<Pulumirpc.LogRequest> logs)
    {
        _host = host;
        Logs = logs;
    }

    public ConcurrentQueue<Pulumirpc.LogRequest> Logs { get; }

    public string Address => $"127.0.0.1:{_host.Port}";

    public static async Task<FakeEngine> StartAsync()
    {
        var service = new LogService();
        return new FakeEngine(await GrpcHost.StartAsync(service, TextWriter.Null), service.Logs);
    }

    public ValueTask DisposeAsync() => _host.DisposeAsync();

    private sealed class LogService : Pulumirpc.Engine.EngineBase
    {
        public ConcurrentQueue<Pulumirpc.LogRequest> Logs { get; } = new();

        public override Task<Empty> Log(Pulumirpc.LogRequest request, ServerCallContext context)
        {
            Logs.Enqueue(request);
            return Task.FromResult(new Empty());
        }
    }
}
