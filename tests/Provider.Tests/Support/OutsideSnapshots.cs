using PulumiLibvirt.Framework;
using PulumiLibvirt.Libvirt;

namespace PulumiLibvirt.Tests.Support;

/// <summary>
/// A snapshot of a Domain's or a Clone's domain taken outside the provider (virsh snapshot-create-as), which the
/// machine's delete must refuse to lose unless its 'deleteSnapshots' says to delete it.
/// </summary>
public static class OutsideSnapshots
{
    public static IReadOnlyList<string> Names(string domain) =>
        Command
            .Run("virsh", "-c", TestPool.Uri, "snapshot-list", domain, "--name")
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>
    /// Takes a snapshot of the shut-off <paramref name="domain"/>, then shows its delete refused naming the snapshot
    /// and the input, with the machine and the snapshot still there; then that with 'deleteSnapshots' the delete
    /// removes the snapshot (saying so) and the machine. The snapshot is deleted when the test fails.
    /// </summary>
    public static async Task DeleteIsRefusedUnlessAllowedAsync(
        ResourceHarness machines,
        Connection libvirt,
        string id,
        ObjectValue outputs,
        string domain
    )
    {
        var snapshot = TestPool.UniqueName("outside");
        Command.Run("virsh", "-c", TestPool.Uri, "snapshot-create-as", domain, snapshot);
        try
        {
            var refused = await Assert.ThrowsAsync<ProviderException>(() => machines.DeleteAsync(id, outputs));
            Assert.Contains($"'{snapshot}'", refused.Message, StringComparison.Ordinal);
            Assert.Contains("'deleteSnapshots: true'", refused.Message, StringComparison.Ordinal);
            using (var kept = libvirt.FindDomain(id))
                Assert.NotNull(kept);
            Assert.Equal([snapshot], Names(domain));

            await machines.DeleteAsync(id, Props.With(outputs, ("deleteSnapshots", true)));
            Assert.Null(libvirt.FindDomain(id));
            Assert.Contains(machines.Log.Messages, m => m.Message.Contains($"Deleting snapshot '{snapshot}'"));
        }
        finally
        {
            Command.Try("virsh", null, "-c", TestPool.Uri, "snapshot-delete", domain, snapshot);
        }
    }
}
