using System.Net;
using System.Net.Http.Headers;
using Google.Protobuf;

namespace PulumiLibvirt.Protocol;

/// <summary>
/// A unary gRPC client over HTTP/2 cleartext (prior knowledge), on HttpClient: the provider uses it to reach the
/// engine's Log service, the tests use it to drive the provider as the engine does.
/// </summary>
public sealed class GrpcClient(string address) : IDisposable
{
    // The engine listens on this machine: a proxy from the environment (http_proxy, set for image downloads) must not
    // carry its calls, or the engine log goes to the proxy.
    private readonly HttpClient _http = new(new SocketsHttpHandler { EnableMultipleHttp2Connections = true, UseProxy = false })
    {
        BaseAddress = new Uri($"http://{address}"),
        Timeout = Timeout.InfiniteTimeSpan,
    };

    public async Task<TResponse> CallAsync<TResponse>(string service, string method, IMessage request, CancellationToken cancellation = default)
        where TResponse : IMessage<TResponse>, new()
    {
        using var content = new ByteArrayContent(GrpcWire.Frame(request));
        content.Headers.ContentType = new MediaTypeHeaderValue(GrpcWire.ContentType);
        using var message = new HttpRequestMessage(HttpMethod.Post, $"/{service}/{method}")
        {
            Content = content, Version = HttpVersion.Version20, VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        message.Headers.TryAddWithoutValidation("te", "trailers");
        using var response = await _http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, cancellation);
        if (response.StatusCode != HttpStatusCode.OK)
            throw new RpcException(StatusCode.Unavailable, $"{service}/{method}: HTTP {(int)response.StatusCode}");
        var body = await response.Content.ReadAsByteArrayAsync(cancellation);
        // A failure may come as headers only ("trailers-only"), so look in both places.
        var status = Header(response, GrpcWire.StatusHeader);
        if (status is null) throw new RpcException(StatusCode.Internal, $"{service}/{method}: no grpc-status in the answer");
        if (status != "0")
        {
            var text = Header(response, GrpcWire.MessageHeader) is { } m ? GrpcWire.DecodeMessage(m) : "";
            var details = Header(response, GrpcWire.DetailsHeader) is { } d ? GrpcWire.DecodeDetails(d) : null;
            throw new RpcException((StatusCode)int.Parse(status), text, details);
        }
        return await GrpcWire.ReadSingleAsync(new MemoryStream(body), new MessageParser<TResponse>(() => new TResponse()), cancellation);
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.TrailingHeaders.TryGetValues(name, out var trailer) ? trailer.First()
        : response.Headers.TryGetValues(name, out var header) ? header.First()
        : null;

    public void Dispose() => _http.Dispose();
}
