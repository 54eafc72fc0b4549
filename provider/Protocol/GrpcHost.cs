using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace PulumiLibvirt.Protocol;

/// <summary>
/// Serves one gRPC service (Grpc.AspNetCore) over HTTP/2 cleartext with Kestrel on 127.0.0.1 at a free port: the
/// provider's ResourceProvider, or a test's fake engine.
/// </summary>
public sealed class GrpcHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private GrpcHost(WebApplication app, int port)
    {
        _app = app;
        Port = port;
    }

    public int Port { get; }

    /// <param name="service">The service instance that answers every call.</param>
    /// <param name="errors">Where an unexpected exception is written in full (stderr: stdout belongs to the
    /// engine).</param>
    public static async Task<GrpcHost> StartAsync<TService>(TService service, TextWriter errors)
        where TService : class
    {
        // The engine starts the plugin in the user's project folder. An empty builder reads no appsettings*.json,
        // no environment or command-line configuration, and watches no files there; the content root is the
        // plugin's own folder. Nothing logs: stdout belongs to the engine, which reads the port from it.
        var builder = WebApplication.CreateEmptyBuilder(
            new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory }
        );
        // On stop, requests still running get this long to finish: a cancelled create undoes what it made first.
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = TimeSpan.FromSeconds(45));
        builder
            .WebHost.UseKestrelCore()
            .ConfigureKestrel(kestrel =>
            {
                // A Delete carries a resource's inputs and its outputs, so a secret of 20 MiB comes twice: every
                // request the engine can send is taken, and Check is where sizes are judged.
                kestrel.Limits.MaxRequestBodySize = null;
                kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2);
            });
        builder.Services.AddSingleton(service);
        builder.Services.AddGrpc(grpc =>
        {
            // The engine sends and takes messages of any size (a large userData in a Check): no 4 MB cap here.
            grpc.MaxReceiveMessageSize = null;
            grpc.MaxSendMessageSize = null;
            grpc.Interceptors.Add<UnexpectedErrorInterceptor>(errors);
        });
        var app = builder.Build();
        app.MapGrpcService<TService>();
        await app.StartAsync();
        var address = app
            .Services.GetRequiredService<IServer>()
            .Features.Get<IServerAddressesFeature>()!
            .Addresses.First();
        return new GrpcHost(app, new Uri(address).Port);
    }

    public Task WaitForShutdownAsync() => _app.WaitForShutdownAsync();

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
