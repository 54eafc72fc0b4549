using Grpc.Core;
using PulumiLibvirt.Protocol;
using PulumiLibvirt.Tests.Support;

namespace PulumiLibvirt.Tests;

/// <summary>
/// Bad inputs sent to the built binary on the real daemon as the engine sends them (<see cref="BadInputCases"/>: those
/// that need the daemon or this machine, and a representative set; <see cref="BadInputUnitTests"/> runs the others in
/// process): each is a CheckFailure on its property that says what to do, never an internal error or an input taken
/// as given, and nothing is made.
/// </summary>
public sealed class BadInputProtocolTests(BadInputDaemon daemon) : IClassFixture<BadInputDaemon>
{
    public static IEnumerable<object[]> Cases => BadInputCases.DaemonRows;

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Is_refused_at_check_on_its_property(string id)
    {
        var bad = BadInputCases.All[id];
        var tag = TestPool.UniqueName("bad");
        var inputs = bad.Inputs(daemon.Host, tag);
        var response =
            bad.Type == BadInputCases.Config
                ? await daemon.CheckConfigAsync(inputs)
                : await daemon.CheckAsync(bad.Type, tag, inputs, bad.Olds?.Invoke(daemon.Host, tag));

        var failures = string.Join("; ", response.Failures.Select(f => $"{f.Property}: {f.Reason}"));
        var failure = response.Failures.FirstOrDefault(f => f.Property == bad.Property);
        Assert.True(failure is not null, $"no failure on '{bad.Property}'; failures: [{failures}]");
        Assert.True(
            failure.Reason.Contains(bad.Says, StringComparison.Ordinal),
            $"the failure on '{bad.Property}' does not say \"{bad.Says}\": {failure.Reason}"
        );
        Assert.Empty(daemon.ObjectsNamed(tag));
    }

    [Fact]
    public void The_table_has_at_least_200_cases_across_every_resource_and_the_config()
    {
        Assert.True(BadInputCases.All.Count >= 200, $"{BadInputCases.All.Count} cases");
        var types = BadInputCases.All.Values.Select(c => c.Type).ToHashSet();
        Assert.Equal(7, types.Count);
    }

    [Fact]
    public async Task A_size_libvirt_refuses_at_create_is_an_error_on_capacity_and_leaves_nothing()
    {
        // Create without Check, as where Check cannot know the pool's limit (a remote host): libvirt's refusal names
        // 'capacity'.
        var tag = TestPool.UniqueName("bad");
        var inputs = Props.Object(("name", tag), ("pool", daemon.Pool.Name), ("format", "raw"), ("capacity", 1e15));
        var error = await Assert.ThrowsAsync<RpcException>(() =>
            daemon.CreateAsync("libvirt:index:Volume", tag, PropertyStruct.Encode(inputs))
        );
        Assert.NotEqual(StatusCode.Internal, error.StatusCode);
        Assert.Contains("'capacity'", error.Status.Detail, StringComparison.Ordinal);
        Assert.Empty(daemon.ObjectsNamed(tag));
    }

    [Fact]
    public async Task A_block_device_given_explicitly_is_defined_as_one()
    {
        // A loop device the host does not use: what a user would hand a guest with blockDevice: true.
        var image = Path.Combine(daemon.Host.Files, "loop.raw");
        File.WriteAllBytes(image, new byte[Sizes.MiB]);
        var loop = Command.Run("losetup", "--find", "--show", image).Trim();
        var tag = daemon.Domains.Name("blk");
        try
        {
            var program = Props.Object(
                ("name", tag),
                ("type", "qemu"),
                ("memory", 64),
                ("running", false),
                ("disks", Props.Array(Props.Object(("file", loop), ("blockDevice", true))))
            );
            var check = await daemon.CheckAsync("libvirt:index:Domain", tag, program);
            Assert.Empty(check.Failures);
            var created = await daemon.CreateAsync("libvirt:index:Domain", tag, check.Inputs);
            using var domain = daemon.Pool.Libvirt.FindDomain(created.Id)!;
            var disk = domain.Describe().Disks.Single();
            Assert.True(disk.BlockDevice);
            Assert.Equal(loop, disk.Path);
        }
        finally
        {
            Command.Run("losetup", "--detach", loop);
        }
    }
}
