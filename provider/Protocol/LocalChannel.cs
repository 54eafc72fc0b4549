using Grpc.Net.Client;

namespace PulumiLibvirt.Protocol;

/// <summary>A gRPC channel (HTTP/2 cleartext) to a peer on this machine: the engine, or in tests the plugin.</summary>
public static class LocalChannel
{
    /// <param name="address">host:port, as the engine gives its own.</param>
    public static GrpcChannel Open(string address) =>
        GrpcChannel.ForAddress(
            $"http://{address}",
            new GrpcChannelOptions
            {
                // A proxy from the environment (http_proxy, set for image downloads) must not carry these calls, or the
                // engine log goes to the proxy.
                HttpHandler = new SocketsHttpHandler { EnableMultipleHttp2Connections = true, UseProxy = false },
                // The messages are the engine's own, of any size (the outputs of a large userData): no 4 MB cap.
                MaxReceiveMessageSize = null,
                MaxSendMessageSize = null,
            }
        );
}
