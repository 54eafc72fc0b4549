using PulumiLibvirt.Framework;
using PulumiLibvirt.Libvirt;

namespace PulumiLibvirt.Resources;

/// <summary>Carries out a <see cref="MachineDeletePlan"/>: the delete of a Domain or a Clone.</summary>
internal static class MachineDelete
{
    /// <param name="domain">The machine's domain; null when it is gone.</param>
    public static async Task ApplyAsync(
        MachineDeletePlan plan,
        LibvirtDomain? domain,
        string name,
        LibvirtContext context
    )
    {
        if (plan.Refusal is { } refusal)
            throw new ProviderException(ErrorKind.FailedPrecondition, refusal);
        var libvirt = context.Libvirt;
        if (domain is not null)
        {
            if (plan.Stops)
                await DomainPower.StopAsync(domain, plan.ShutdownTimeout, context);
            foreach (var snapshotName in plan.DeletedSnapshots)
            {
                await context.InfoAsync(
                    $"Deleting snapshot '{snapshotName}' of '{name}' and its data ('deleteSnapshots')."
                );
                using var snapshot = domain.FindSnapshot(snapshotName);
                snapshot?.Delete();
            }
            if (plan.Undefines)
                domain.Undefine();
        }
        foreach (var path in plan.DeletedFiles)
            libvirt.DeleteFile(path);
        if (plan.KeptDisks.Count > 0)
        {
            await context.InfoAsync(
                $"'{name}' is deleted; kept: "
                    + string.Join("; ", plan.KeptDisks.Select(d => $"'{d.Path}' ({d.Why})"))
                    + "."
            );
        }
        HostReservations.Remove(libvirt, plan.RemovedReservations);
    }
}
