using System.Diagnostics;
using PulumiLibvirt.Framework;
using PulumiLibvirt.Guestfs;
using PulumiLibvirt.Images;
using PulumiLibvirt.Libvirt;

namespace PulumiLibvirt.Resources;

/// <summary>
/// Carries out a <see cref="CloneResetPlan"/>. The new disks are made beside the old ones and the identity is applied
/// to them there; one define then points the clone at all of them at once. Until that define, a cancel or failure
/// removes the new disks and leaves the clone as it was; after it, the clone is reset and the rest (the snapshots'
/// metadata, the old files) is finished whatever happens. The template's files are only ever read.
/// </summary>
internal static class CloneReset
{
    /// <summary>
    /// Resets the clone <paramref name="domain"/> to what <paramref name="news"/> makes of its source now.
    /// </summary>
    /// <returns>The identity applied, or null when the clone has none; whether the reset started the clone.</returns>
    public static async Task<(AppliedIdentity? Identity, bool Started)> RunAsync(
        LibvirtDomain domain,
        CloneArgs news,
        LibvirtContext context
    )
    {
        var libvirt = context.Libvirt;
        ClonePlan created;
        using (
            var source = libvirt.FindDomain(news.Source)
                ?? throw new ProviderException(
                    ErrorKind.NotFound,
                    $"The source '{news.Source}' is gone, so clone '{news.Name}' cannot be made afresh from it."
                )
        )
        {
            created = ClonePlan.For(news, CloneFacts.Read(libvirt, source, news), domain.Uuid, context.Urn);
        }
        var plan = CloneResetPlan.For(news, created, domain.Describe(), domain.IsActive, domain.SnapshotNames());
        return (await ApplyAsync(domain, plan, news.ShutdownTimeout, context), plan.StartAfter);
    }

    /// <returns>The identity applied to the new disks, or null when the clone has none.</returns>
    private static async Task<AppliedIdentity?> ApplyAsync(
        LibvirtDomain domain,
        CloneResetPlan plan,
        int shutdownTimeout,
        LibvirtContext context
    )
    {
        var (libvirt, name) = (context.Libvirt, plan.Name);
        await context.InfoAsync(
            $"Clone '{name}': resetting: "
                + string.Join(", ", plan.Disks.Select(d => $"{d.Target} {LibvirtNames.Of(d.Action)}"))
                + "."
        );
        if (plan.StopFirst)
            await DomainPower.StopAsync(domain, shutdownTimeout, context);
        var made = new Dictionary<string, ClonedDisk>();
        AppliedIdentity? identity;
        try
        {
            foreach (var disk in plan.MadeAgain)
                made[disk.Target] = await MakeAsideAsync(libvirt, name, disk.Fresh!, context);
            identity = plan.Identity is null
                ? null
                : await GuestIdentity.ApplyAsync(
                    plan.Identity,
                    name,
                    made.Values.Select(d => new SysprepDisk(d.Path, d.Format)).ToList(),
                    context
                );
            context.Cancellation.ThrowIfCancellationRequested();
        }
        catch
        {
            foreach (var disk in made.Values)
                libvirt.DeleteFile(disk.Path);
            throw;
        }
        libvirt.PointDisksAt(domain, made);
        foreach (var snapshotName in plan.Snapshots)
        {
            using var snapshot = domain.FindSnapshot(snapshotName);
            snapshot?.DeleteMetadata();
        }
        if (plan.Snapshots.Count > 0)
        {
            await context.InfoAsync(
                $"Clone '{name}': its snapshots {string.Join(", ", plan.Snapshots)} went with "
                    + "its old disks and are deleted."
            );
        }
        foreach (var disk in plan.MadeAgain.Where(d => d.OldPath is not null))
            libvirt.DeleteFile(disk.OldPath!);
        if (plan.StartAfter)
            domain.Start();
        await context.InfoAsync($"Clone '{name}': reset{(plan.StartAfter ? " and started again" : "")}.");
        return identity;
    }

    /// <summary>
    /// Makes one disk again under its new name, first removing a file of that name that an interrupted reset left; a
    /// copy that takes long says so every few seconds.
    /// </summary>
    private static async Task<ClonedDisk> MakeAsideAsync(
        Connection libvirt,
        string name,
        PlannedCloneDisk disk,
        LibvirtContext context
    )
    {
        context.Cancellation.ThrowIfCancellationRequested();
        using (var pool = libvirt.LookupPool(disk.Volume!.Pool))
        using (var stale = pool.FindVolume(disk.Volume.Name))
        {
            if (stale is not null)
            {
                await context.InfoAsync($"Clone '{name}': removing {stale.Path}, left by a reset that did not finish.");
                stale.Delete();
            }
        }
        var what =
            $"Clone '{name}': {(disk.Mode == CloneDiskMode.Full ? "copying" : "linking")} disk "
            + $"{disk.Disk.Target} afresh from '{disk.SourceVolume!.Path}'";
        await context.InfoAsync($"{what}.");
        var watch = Stopwatch.StartNew();
        // libvirt's copy is one call that cannot be interrupted: a cancel takes effect when it returns.
        var making = Task.Run(() => CloneDisks.Make(libvirt, disk));
        while (await Task.WhenAny(making, Task.Delay(TransferProgress.Interval)) != making)
            await context.InfoAsync($"{what}: {watch.Elapsed.TotalSeconds:0} s so far.");
        return await making;
    }
}
