using PulumiLibvirt.Tests.Support;
using Xunit.Abstractions;

namespace PulumiLibvirt.Tests;

/// <summary>
/// libvirtd frozen (SIGSTOP) while the provider connects to it. The test runs in the fault-injection collection, after
/// the parallel ones and alone: a frozen libvirtd answers no other test either.
/// </summary>
[Collection(FaultInjection.Name)]
public sealed class FrozenConnectTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Cancel_answers_within_a_second_while_the_connect_waits_on_a_frozen_libvirtd()
    {
        // Configure opens nothing: the first request that needs libvirt connects, after the freeze.
        using var harness = new ResourceHarness(HungConnect.VolumeToken);
        try
        {
            Libvirtd.Freeze();
            var (preview, cancel) = await HungConnect.AnswersWhileItHangsAsync(harness);
            output.WriteLine(
                "libvirtd frozen during the connect: a preview answered in "
                    + $"{preview.TotalMilliseconds:0.0} ms, Cancel in {cancel.TotalMilliseconds:0.0} ms"
            );
        }
        finally
        {
            Libvirtd.Restore();
        }
        // Thawed, libvirtd answers the connect that the cancelled read started, and the next request uses it.
        Assert.Null(await harness.ReadAsync("/no/such/volume"));
    }
}
