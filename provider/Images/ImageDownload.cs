using System.Text;

namespace PulumiLibvirt.Images;

/// <summary>
/// A file fetched over http or https, read as it arrives. Redirects are followed (not from https to http) and proxies
/// come from the usual environment variables (http_proxy, https_proxy, no_proxy). A server that sends nothing for
/// the stall timeout, a status other than success and a connection cut mid-way fail with the URL and the cause.
/// </summary>
public sealed class ImageDownload : IDisposable
{
    private static readonly HttpClient Http = NewClient();

    private readonly HttpResponseMessage _response;
    private readonly Stream _body;
    private readonly TimeSpan _stallTimeout;
    private long _received;

    private ImageDownload(Uri url, HttpResponseMessage response, Stream body, TimeSpan stallTimeout)
    {
        Url = url;
        _response = response;
        _body = body;
        _stallTimeout = stallTimeout;
    }

    /// <summary>The URL as asked (before redirects).</summary>
    public Uri Url { get; }

    /// <summary>The length the server announced (Content-Length), if it did.</summary>
    public long? Length => _response.Content.Headers.ContentLength;

    private static HttpClient NewClient()
    {
        var client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = true, MaxAutomaticRedirections = 10 })
        {
            // The stall timeout bounds every wait instead: an image may take an hour.
            Timeout = Timeout.InfiniteTimeSpan,
        };
        client.DefaultRequestHeaders.UserAgent.ParseAdd("pulumi-resource-libvirt");
        return client;
    }

    /// <summary>
    /// Sends the request and waits for the response's headers (for at most <paramref name="stallTimeout"/>).
    /// </summary>
    public static async Task<ImageDownload> OpenAsync(Uri url, TimeSpan stallTimeout, CancellationToken cancellation)
    {
        using var stall = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        stall.CancelAfter(stallTimeout);
        HttpResponseMessage? response = null;
        try
        {
            response = await Http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, stall.Token);
            if (!response.IsSuccessStatusCode)
                throw new ImageSourceException(
                    $"GET {RedactedUrl.Of(url)} answered {(int)response.StatusCode} {response.ReasonPhrase}."
                );
            var body = await response.Content.ReadAsStreamAsync(stall.Token);
            return new ImageDownload(url, response, body, stallTimeout);
        }
        catch (Exception e)
        {
            response?.Dispose();
            if (e is OperationCanceledException && !cancellation.IsCancellationRequested)
                throw new ImageSourceException(
                    $"GET {RedactedUrl.Of(url)}: no answer within "
                        + $"{stallTimeout.TotalSeconds:0} s (the provider's downloadStallTimeout).",
                    e
                );
            if (e is HttpRequestException)
                throw new ImageSourceException($"GET {RedactedUrl.Of(url)} failed: {e.Message}", e);
            throw;
        }
    }

    /// <summary>
    /// Reads the next bytes; 0 at the end. Fails when the server sends nothing for the stall timeout.
    /// </summary>
    public async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellation)
    {
        using var stall = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        stall.CancelAfter(_stallTimeout);
        try
        {
            var read = await _body.ReadAsync(buffer, stall.Token);
            _received += read;
            return read;
        }
        catch (OperationCanceledException e) when (!cancellation.IsCancellationRequested)
        {
            throw new ImageSourceException(
                $"GET {RedactedUrl.Of(Url)}: the server sent nothing for {_stallTimeout.TotalSeconds:0} s after "
                    + $"{Received()} (the provider's downloadStallTimeout).",
                e
            );
        }
        catch (Exception e) when (e is IOException or HttpRequestException)
        {
            throw new ImageSourceException(
                $"GET {RedactedUrl.Of(Url)}: the connection broke after {Received()}: {e.Message}",
                e
            );
        }
    }

    private string Received() => Length is { } length ? $"{_received} of {length} bytes" : $"{_received} bytes";

    /// <summary>A small text file (a checksum list), at most <paramref name="limit"/> bytes.</summary>
    public static async Task<string> ReadTextAsync(
        Uri url,
        int limit,
        TimeSpan stallTimeout,
        CancellationToken cancellation
    )
    {
        using var download = await OpenAsync(url, stallTimeout, cancellation);
        var buffer = new byte[limit + 1];
        var length = 0;
        int read;
        while (length < buffer.Length && (read = await download.ReadAsync(buffer.AsMemory(length), cancellation)) > 0)
            length += read;
        if (length > limit)
            throw new ImageSourceException(
                $"GET {RedactedUrl.Of(url)}: more than {limit} bytes, too large for a checksum list."
            );
        return Encoding.UTF8.GetString(buffer, 0, length);
    }

    public void Dispose()
    {
        _body.Dispose();
        _response.Dispose();
    }
}
