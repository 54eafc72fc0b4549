using System.Net;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace PulumiLibvirt.Protocol;

/// <summary>
/// Serves unary gRPC methods over HTTP/2 cleartext with Kestrel on 127.0.0.1 at a free port. Each request body holds
/// one message; the answer is one message followed by the grpc-status trailers (or the trailers alone on failure).
/// </summary>
public sealed class GrpcServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private GrpcServer(WebApplication app, int port)
    {
        _app = app;
        Port = port;
    }

    public int Port { get; }

    public static async Task<GrpcServer> StartAsync(GrpcMethods methods, Action<string> logError)
    {
        // The engine starts the plugin in the user's project folder. An empty builder reads no appsettings*.json,
        // no environment or command-line configuration, and watches no files there; the content root is the
        // plugin's own folder. Nothing logs: stdout belongs to the engine, which reads the port from it.
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        // On stop, requests still running get this long to finish: a cancelled create undoes what it made first.
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = TimeSpan.FromSeconds(45));
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
            kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2));
        var app = builder.Build();
        app.Run(context => ServeAsync(context, methods, logError));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>()
            .Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new GrpcServer(app, new Uri(address).Port);
    }

    public Task WaitForShutdownAsync() => _app.WaitForShutdownAsync();

    private static async Task ServeAsync(HttpContext context, GrpcMethods methods, Action<string> logError)
    {
        var response = context.Response;
        response.ContentType = GrpcWire.ContentType;
        var handler = methods.Find(context.Request.Path.Value ?? "");
        if (handler is null)
        {
            SetStatus(response, new RpcException(StatusCode.Unimplemented, $"method {context.Request.Path} is not implemented by this provider"));
            return;
        }
        try
        {
            var reply = await handler(context.Request.Body, context.RequestAborted);
            await response.Body.WriteAsync(GrpcWire.Frame(reply), context.RequestAborted);
            response.AppendTrailer(GrpcWire.StatusHeader, "0");
        }
        catch (RpcException e)
        {
            SetStatus(response, e);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The caller went away; there is no one to answer.
        }
        catch (Exception e)
        {
            logError($"{context.Request.Path}: {e}");
            SetStatus(response, new RpcException(StatusCode.Internal, e.Message));
        }
    }

    private static void SetStatus(HttpResponse response, RpcException error)
    {
        response.AppendTrailer(GrpcWire.StatusHeader, ((int)error.Status).ToString());
        response.AppendTrailer(GrpcWire.MessageHeader, GrpcWire.EncodeMessage(error.Message));
        if (error.Details is not null) response.AppendTrailer(GrpcWire.DetailsHeader, GrpcWire.EncodeDetails(error.Details));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
