using Google.Protobuf;

namespace PulumiLibvirt.Protocol;

/// <summary>The unary methods a <see cref="GrpcServer"/> serves, by gRPC path (<c>/package.Service/Method</c>).</summary>
public sealed class GrpcMethods
{
    public delegate Task<IMessage> Handler(Stream body, CancellationToken cancellation);

    private readonly Dictionary<string, Handler> _handlers = new(StringComparer.Ordinal);

    public GrpcMethods Add<TRequest, TResponse>(string service, string method, Func<TRequest, CancellationToken, Task<TResponse>> handler)
        where TRequest : IMessage<TRequest>, new()
        where TResponse : IMessage
    {
        var parser = new MessageParser<TRequest>(() => new TRequest());
        _handlers[$"/{service}/{method}"] = async (body, cancellation) =>
            await handler(await GrpcWire.ReadSingleAsync(body, parser, cancellation), cancellation);
        return this;
    }

    public Handler? Find(string path) => _handlers.GetValueOrDefault(path);
}
