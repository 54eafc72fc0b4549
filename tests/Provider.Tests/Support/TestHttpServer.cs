using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace PulumiLibvirt.Tests.Support;

/// <summary>
/// A small HTTP/1.1 server on 127.0.0.1, in the test process, that misbehaves on request: each path answers as its
/// <see cref="Route"/> says (with or without Content-Length, a redirect, an error status, a connection cut or a
/// stall part-way through the body). It counts the requests of each path, so a test can tell that nothing was fetched.
/// </summary>
public sealed class TestHttpServer : IDisposable
{
    /// <summary>
    /// How one path answers. <paramref name="CutAfter"/> closes the connection after that many body bytes;
    /// <paramref name="StallAfter"/> stops sending (the connection stays open) after that many.
    /// </summary>
    public sealed record Route(
        byte[] Body,
        bool ContentLength = true,
        int Status = 200,
        string? RedirectTo = null,
        long? CutAfter = null,
        long? StallAfter = null
    );

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<string, Route> _routes = new();
    private readonly ConcurrentDictionary<string, int> _requests = new();
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _stalled = new();

    public TestHttpServer()
    {
        _listener.Start();
        _ = AcceptAsync();
    }

    public Uri Url(string path) => new($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}{path}");

    /// <summary>
    /// Answers <paramref name="path"/> (or, for the server as a proxy, an absolute URL) as <paramref name="route"/>
    /// says; returns its URL.
    /// </summary>
    public Uri Serve(string path, Route route)
    {
        _routes[path] = route;
        _stalled[path] = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        return path.StartsWith('/') ? Url(path) : new Uri(path);
    }

    /// <summary>How many requests reached <paramref name="path"/>.</summary>
    public int Requests(string path) => _requests.GetValueOrDefault(path);

    /// <summary>Completes once a stalling route has sent its bytes and stopped.</summary>
    public Task Stalled(string path) => _stalled[path].Task;

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
            _ = AnswerAsync(client);
        }
    }

    private async Task AnswerAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                var path = await ReadRequestPathAsync(stream);
                _requests.AddOrUpdate(path, 1, (_, n) => n + 1);
                if (!_routes.TryGetValue(path, out var route))
                {
                    await WriteHeadAsync(stream, "404 Not Found", ["Content-Length: 0"]);
                    return;
                }
                if (route.RedirectTo is { } target)
                {
                    await WriteHeadAsync(stream, "302 Found", [$"Location: {target}", "Content-Length: 0"]);
                    return;
                }
                if (route.Status != 200)
                {
                    await WriteHeadAsync(
                        stream,
                        $"{route.Status} {(HttpStatusCode)route.Status}",
                        ["Content-Length: 0"]
                    );
                    return;
                }
                await WriteHeadAsync(
                    stream,
                    "200 OK",
                    route.ContentLength ? [$"Content-Length: {route.Body.Length}"] : ["Transfer-Encoding: chunked"]
                );
                var end = (int)Math.Min(route.Body.Length, route.CutAfter ?? route.StallAfter ?? long.MaxValue);
                await WriteBodyAsync(stream, route.Body.AsMemory(0, end), route.ContentLength);
                if (route.StallAfter is not null)
                {
                    _stalled[path].TrySetResult();
                    await Task.Delay(Timeout.Infinite, _stop.Token);
                }
                if (route.CutAfter is null && !route.ContentLength)
                    await stream.WriteAsync("0\r\n\r\n"u8.ToArray(), _stop.Token);
            }
            catch (Exception e) when (e is IOException or OperationCanceledException or SocketException)
            {
                // The client went away (as a failing download does), or the server stops.
            }
        }
    }

    private static async Task<string> ReadRequestPathAsync(NetworkStream stream)
    {
        var head = new StringBuilder();
        var buffer = new byte[1];
        while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal) && await stream.ReadAsync(buffer) == 1)
            head.Append((char)buffer[0]);
        var requestLine = head.ToString().Split("\r\n")[0].Split(' ');
        return requestLine.Length > 1 ? requestLine[1] : "/";
    }

    private async Task WriteHeadAsync(NetworkStream stream, string status, string[] headers)
    {
        var head = $"HTTP/1.1 {status}\r\n{string.Concat(headers.Select(h => h + "\r\n"))}Connection: close\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head), _stop.Token);
    }

    private async Task WriteBodyAsync(NetworkStream stream, ReadOnlyMemory<byte> body, bool contentLength)
    {
        const int Piece = 64 * 1024;
        for (var offset = 0; offset < body.Length; offset += Piece)
        {
            var piece = body.Slice(offset, Math.Min(Piece, body.Length - offset));
            if (!contentLength)
                await stream.WriteAsync(Encoding.ASCII.GetBytes($"{piece.Length:x}\r\n"), _stop.Token);
            await stream.WriteAsync(piece, _stop.Token);
            if (!contentLength)
                await stream.WriteAsync("\r\n"u8.ToArray(), _stop.Token);
        }
        await stream.FlushAsync(_stop.Token);
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        _stop.Dispose();
    }
}
