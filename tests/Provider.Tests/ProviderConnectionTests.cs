using System.Diagnostics;
using System.Net.Sockets;
using PulumiLibvirt.Framework;
using PulumiLibvirt.Libvirt;
using PulumiLibvirt.Resources;
using PulumiLibvirt.Tests.Support;
using Xunit.Abstractions;

namespace PulumiLibvirt.Tests;

/// <summary>
/// How the provider opens its connection, without a daemon: on libvirt's test driver behind an opener that the test
/// holds back, and on a socket that accepts and never answers, where libvirt's client waits as on a frozen libvirtd.
/// </summary>
[Trait(Category.Name, Category.Unit)]
public sealed class ProviderConnectionTests(ITestOutputHelper output) : IDisposable
{
    private const string TestUri = "test:///default";
    private readonly HeldOpener _opener = new();

    public void Dispose() => _opener.Dispose();

    private ProviderConnection NewConnection(TimeSpan? openTimeout = null) =>
        new(TestUri, _opener.Open, openTimeout ?? LibvirtProvider.OpenTimeout);

    // A thread of its own for each wait: Get blocks, and the pool's few threads would start them late.
    private static Task<Connection?> Waiting(ProviderConnection connection, CancellationToken cancellation = default) =>
        Task.Factory.StartNew(
            () => connection.Get(cancellation),
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default
        );

    [Fact]
    public async Task Operations_that_ask_while_it_opens_share_one_attempt()
    {
        using var connection = NewConnection();
        var waiting = Enumerable.Range(0, 5).Select(_ => Waiting(connection)).ToList();
        await _opener.StartedAsync();
        await Task.Delay(TimeSpan.FromMilliseconds(300));
        _opener.Release();
        var got = await Task.WhenAll(waiting).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(1, _opener.Calls);
        Assert.All(got, c => Assert.Same(_opener.Opened.Single(), c));
        Assert.Same(got[0], connection.Get(CancellationToken.None));
    }

    [Fact]
    public void A_connection_that_broke_is_opened_again_by_the_next_operation()
    {
        _opener.Release();
        using var connection = NewConnection();
        var first = connection.Get(CancellationToken.None)!;
        // What libvirtd's restart does to it: every call fails, and IsAlive says so.
        first.Dispose();
        var second = connection.Get(CancellationToken.None)!;
        Assert.NotSame(first, second);
        Assert.True(second.IsAlive);
        Assert.Equal(2, _opener.Calls);
    }

    [Fact]
    public async Task A_cancelled_wait_ends_at_once_and_the_attempt_goes_on_for_the_next_operation()
    {
        using var connection = NewConnection();
        using var cancellation = new CancellationTokenSource();
        var cancelled = Waiting(connection, cancellation.Token);
        await _opener.StartedAsync();
        var clock = Stopwatch.StartNew();
        await cancellation.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.True(
            clock.Elapsed < TimeSpan.FromSeconds(1),
            $"the cancelled wait ended after {clock.ElapsedMilliseconds} ms"
        );
        _opener.Release();
        Assert.True(connection.Get(CancellationToken.None)!.IsAlive);
        Assert.Equal(1, _opener.Calls);
    }

    [Fact]
    public async Task Disposed_while_it_opens_it_hands_the_late_connection_to_no_one_and_closes_it()
    {
        var connection = NewConnection();
        var waiting = Waiting(connection);
        await _opener.StartedAsync();
        connection.Dispose();
        // The wait ends with the Dispose, before the attempt does.
        Assert.Null(await waiting.WaitAsync(TimeSpan.FromSeconds(5)));
        _opener.Release();
        await EventuallyAsync(() => _opener.Opened.Count == 1 && !_opener.Opened[0].IsAlive);
        Assert.Null(connection.Get(CancellationToken.None));
    }

    [Fact]
    public async Task An_opening_past_the_timeout_fails_unavailable_closes_the_late_connection_and_is_tried_again()
    {
        using var connection = NewConnection(TimeSpan.FromMilliseconds(300));
        var error = Assert.Throws<ProviderException>(() => connection.Get(CancellationToken.None));
        Assert.Equal(ErrorKind.Unavailable, error.Kind);
        Assert.Equal(
            $"Cannot connect to libvirt at '{TestUri}': libvirtd is not answering (no answer within 0.3 s). "
                + "Check that libvirtd runs there and is not stuck (systemctl status libvirtd).",
            error.Message
        );
        _opener.Release();
        await EventuallyAsync(() => _opener.Opened.Count == 1 && !_opener.Opened[0].IsAlive);
        Assert.True(connection.Get(CancellationToken.None)!.IsAlive);
        Assert.Equal(2, _opener.Calls);
    }

    [Fact]
    public void An_opening_that_libvirt_refuses_fails_unavailable_with_libvirts_reason_and_is_tried_again()
    {
        var uri = $"qemu+unix:///system?socket={Path.GetTempPath()}pulumi-libvirt-no-such-{Guid.NewGuid():N}.sock";
        using var connection = new ProviderConnection(uri, Connection.Open, LibvirtProvider.OpenTimeout);
        var first = Assert.Throws<ProviderException>(() => connection.Get(CancellationToken.None));
        Assert.Equal(ErrorKind.Unavailable, first.Kind);
        Assert.StartsWith($"Cannot connect to libvirt at '{uri}': libvirtd is not answering (", first.Message);
        Assert.Contains("No such file or directory", first.Message);
        Assert.Contains("pulumi config set libvirt:uri", first.Message);
        // Not the first failure again: a second attempt, which fails on its own.
        var second = Assert.Throws<ProviderException>(() => connection.Get(CancellationToken.None));
        Assert.NotSame(first, second);
    }

    [Fact]
    public async Task Cancel_and_requests_that_need_no_connection_answer_while_a_connect_hangs()
    {
        using var daemon = new SilentDaemon();
        using var harness = new ResourceHarness(HungConnect.VolumeToken, daemon.Uri);
        var (preview, cancel) = await HungConnect.AnswersWhileItHangsAsync(harness);
        output.WriteLine(
            $"while the connect hangs: a preview answered in {preview.TotalMilliseconds:0.0} ms, "
                + $"Cancel in {cancel.TotalMilliseconds:0.0} ms"
        );
    }

    [Fact]
    public async Task A_configure_while_a_connect_hangs_serves_the_waiting_request_from_the_new_uri()
    {
        using var daemon = new SilentDaemon();
        using var provider = new LibvirtProvider(new RecordingLog());
        provider.Configure(Props.Object(("uri", daemon.Uri)));
        var volume = provider.Resource(HungConnect.VolumeToken);
        const string Urn = "urn:pulumi:test::libvirt-tests::libvirt:index:Volume::v";
        var request = new ReadRequest("/no/such/volume", Urn, null, null);
        var read = Task.Run(() => volume.ReadAsync(request, provider.Context(Urn)));
        await Task.Delay(TimeSpan.FromMilliseconds(500));
        Assert.False(read.IsCompleted, "the read waits for the connect");
        var clock = Stopwatch.StartNew();
        provider.Configure(Props.Object(("uri", TestUri)));
        // The test driver has no such volume: the read answers that, from the new URI, without waiting for the old one.
        Assert.Null(await read.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.True(
            clock.Elapsed < TimeSpan.FromSeconds(1),
            $"the read answered {clock.ElapsedMilliseconds} ms after Configure"
        );
    }

    private static async Task EventuallyAsync(Func<bool> condition)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), "the condition did not come true within 10 s");
            await Task.Delay(TimeSpan.FromMilliseconds(20));
        }
    }

    /// <summary>Opens test-driver connections once released, counting attempts and keeping the connections.</summary>
    private sealed class HeldOpener : IDisposable
    {
        private readonly ManualResetEventSlim _released = new();
        private readonly SemaphoreSlim _started = new(0);
        private readonly List<Connection> _opened = [];
        private int _calls;

        public int Calls => Volatile.Read(ref _calls);

        public IReadOnlyList<Connection> Opened
        {
            get
            {
                lock (_opened)
                    return [.. _opened];
            }
        }

        public Connection Open(string uri)
        {
            Interlocked.Increment(ref _calls);
            _started.Release();
            _released.Wait(TimeSpan.FromSeconds(30));
            var opened = Connection.Open(uri);
            lock (_opened)
                _opened.Add(opened);
            return opened;
        }

        public Task StartedAsync() => _started.WaitAsync(TimeSpan.FromSeconds(10));

        public void Release() => _released.Set();

        public void Dispose()
        {
            Release();
            foreach (var opened in Opened)
                opened.Dispose();
        }
    }

    /// <summary>A Unix socket that takes connections and never answers: a libvirt client waits on it forever.</summary>
    private sealed class SilentDaemon : IDisposable
    {
        private readonly string _path = Path.Combine(
            Path.GetTempPath(),
            $"pulumi-libvirt-silent-{Guid.NewGuid():N}.sock"
        );
        private readonly Socket _socket = new(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);

        public SilentDaemon()
        {
            _socket.Bind(new UnixDomainSocketEndPoint(_path));
            _socket.Listen(16);
        }

        public string Uri => $"qemu+unix:///system?socket={_path}";

        // Closing the socket resets the connections waiting on it: the hung opens fail and their threads end.
        public void Dispose()
        {
            _socket.Dispose();
            File.Delete(_path);
        }
    }
}
