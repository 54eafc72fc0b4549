using Grpc.Core;
using PulumiLibvirt.Tests.Support;

namespace PulumiLibvirt.Tests;

/// <summary>
/// The hostile inputs of issue 27 that are not one CheckFailure of the table (<see cref="BadInputCases"/>), through
/// the built binary: answers that must come at once (each call is bounded, so that a hang fails the test rather than
/// hanging it), credentials that must not be echoed, and disks that are rightly shared.
/// </summary>
public sealed class HostileInputProtocolTests(BadInputDaemon daemon) : IClassFixture<BadInputDaemon>
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task GetNetwork_with_a_name_of_100000_characters_is_a_failure_on_name_at_once()
    {
        var args = Props.Object(("name", new string('n', 100_000)));
        var response = await daemon.InvokeAsync("libvirt:index:getNetwork", args).WaitAsync(Bound);
        var failure = Assert.Single(response.Failures);
        Assert.Equal("name", failure.Property);
        Assert.Contains("more than 255", failure.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_source_file_that_is_a_device_is_refused_at_once()
    {
        var tag = TestPool.UniqueName("bad");
        var inputs = Props.Object(
            ("name", tag),
            ("pool", daemon.Pool.Name),
            ("source", Props.Object(("file", "/dev/zero")))
        );
        var check = await daemon.CheckAsync("libvirt:index:Volume", tag, inputs).WaitAsync(Bound);
        Assert.Equal("source.file", Assert.Single(check.Failures).Property);
        Assert.Empty(daemon.ObjectsNamed(tag));
    }

    [Fact]
    public async Task A_url_password_is_in_no_error_and_no_log()
    {
        using var server = new TestHttpServer();
        var url = server.Serve("/missing.img", new TestHttpServer.Route([], Status: 404));
        var secretUrl = $"http://user:s3cretpw@127.0.0.1:{url.Port}/missing.img";
        var tag = TestPool.UniqueName("bad");
        var inputs = Props.Object(
            ("name", tag),
            ("pool", daemon.Pool.Name),
            ("source", Props.Object(("url", secretUrl)))
        );
        var check = await daemon.CheckAsync("libvirt:index:Volume", tag, inputs).WaitAsync(Bound);
        Assert.Empty(check.Failures);

        var error = await Assert.ThrowsAsync<RpcException>(() =>
            daemon.CreateAsync("libvirt:index:Volume", tag, check.Inputs).WaitAsync(Bound)
        );
        Assert.Contains("404", error.Status.Detail, StringComparison.Ordinal);
        Assert.Contains("http://***@127.0.0.1", error.Status.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cretpw", error.Status.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain(daemon.Logs, log => log.Message.Contains("s3cretpw", StringComparison.Ordinal));
        Assert.Empty(daemon.ObjectsNamed(tag));
    }

    [Fact]
    public async Task Another_domains_disk_is_accepted_read_only_and_as_a_cd_rom()
    {
        var tag = daemon.Domains.Name("ro");
        var template = daemon.Host.Template;
        var program = Props.Object(
            ("name", tag),
            ("type", "qemu"),
            ("memory", 64),
            ("running", false),
            (
                "disks",
                Props.Array(
                    Props.Object(("file", template.SystemDisk), ("readOnly", true)),
                    Props.Object(("volume", template.DataDisk), ("readOnly", true)),
                    Props.Object(("file", template.Iso), ("device", "cdrom"))
                )
            )
        );
        var check = await daemon.CheckAsync("libvirt:index:Domain", tag, program).WaitAsync(Bound);
        Assert.Empty(check.Failures);
    }
}
