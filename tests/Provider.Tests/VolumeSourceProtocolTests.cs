using System.Diagnostics;
using Grpc.Core;
using PulumiLibvirt.Tests.Support;
using Rpc = Pulumirpc;

namespace PulumiLibvirt.Tests;

/// <summary>
/// A Volume's source through the built binary, as the engine runs it: its environment and its engine log.
/// </summary>
public sealed class VolumeSourceProtocolTests(TestPool pool, TestImages images)
    : IClassFixture<TestPool>,
        IClassFixture<TestImages>
{
    [Fact]
    public async Task A_url_is_fetched_through_the_proxy_the_environment_names_and_progress_reaches_the_engine_log()
    {
        // The test server plays the proxy: it is asked for the absolute URL, of a host that does not resolve.
        using var proxy = new TestHttpServer();
        const string Url = "http://images.example.invalid/proxied.qcow2";
        proxy.Serve(Url, new TestHttpServer.Route(File.ReadAllBytes(images.Qcow2)));
        await using var session = await EngineSession.StartAsync(
            "libvirt:index:Volume",
            new Dictionary<string, string> { ["http_proxy"] = proxy.Url("").ToString(), ["no_proxy"] = "" }
        );

        var check = await session.CheckAsync(
            "proxied",
            Props.Object(
                ("pool", pool.Name),
                ("source", Props.Object(("url", Url))),
                ("name", TestPool.UniqueName("proxied"))
            )
        );
        Assert.Empty(check.Failures);
        var created = await session.CreateAsync("proxied", check.Inputs);

        Assert.Equal(1, proxy.Requests(Url));
        Assert.True(TestImages.SameContent(images.Qcow2, pool.Find(created.Id)!.Path));
        Assert.Contains(session.Engine.Logs, log =>
            log.Urn == session.Urn("proxied") && log.Message.Contains(Url) && log.Message.Contains("(100%)")
        );
    }

    [Fact]
    public async Task A_create_past_the_engines_timeout_answers_deadline_exceeded_and_leaves_no_volume_and_no_mark()
    {
        // The server sends a megabyte, then nothing: the download's own stall timeout (60 s) is far off.
        using var server = new TestHttpServer();
        var url = server.Serve("/slow.raw", new TestHttpServer.Route(new byte[8 << 20], StallAfter: 1 << 20));
        await using var session = await EngineSession.StartAsync("libvirt:index:Volume");
        var name = TestPool.UniqueName("deadline");
        var check = await session.CheckAsync(
            "deadline",
            Props.Object(("pool", pool.Name), ("source", Props.Object(("url", url.ToString()))), ("name", name))
        );
        Assert.Empty(check.Failures);

        var clock = Stopwatch.StartNew();
        var late = await Assert.ThrowsAsync<RpcException>(() =>
            session
                .Provider.Client.CreateAsync(
                    new Rpc.CreateRequest
                    {
                        Urn = session.Urn("deadline"),
                        Type = session.Type,
                        Properties = check.Inputs,
                        Timeout = 3,
                    }
                )
                .ResponseAsync
        );

        Assert.Equal(StatusCode.DeadlineExceeded, late.StatusCode);
        Assert.Contains("customTimeouts", late.Status.Detail, StringComparison.Ordinal);
        Assert.InRange(clock.Elapsed.TotalSeconds, 3, 30);
        pool.Pool.Refresh();
        Assert.DoesNotContain(
            pool.Pool.ListVolumes()
                .Select(v =>
                {
                    using (v)
                        return v.Describe().Name;
                }),
            v => v.StartsWith(name, StringComparison.Ordinal)
        );
    }
}
