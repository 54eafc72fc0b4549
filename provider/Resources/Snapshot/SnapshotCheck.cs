using PulumiLibvirt.Framework;
using PulumiLibvirt.Libvirt;

namespace PulumiLibvirt.Resources;

/// <summary>
/// What Check refuses in a snapshot's inputs: a domain libvirt cannot snapshot internally, or a base that must not
/// change. Create and Update ask the same questions again, of the host as it is then.
/// </summary>
internal static class SnapshotCheck
{
    public static Checked<SnapshotArgs> Run(SnapshotArgs news, SnapshotArgs? olds, PropertyMarks marks, ICheckHost host)
    {
        var failures = new List<CheckFailure>();
        if (marks.IsKnown("name") && ObjectNames.Problem("name", news.Name!, "snapshot") is { } nameProblem)
            failures.Add(new CheckFailure("name", nameProblem));
        // A domain made in the same deployment is not there yet: Create judges it.
        if (!marks.IsKnown("domain") || host.FindDomain(news.Domain) is not { } domain)
            return new Checked<SnapshotArgs>(news, failures);
        if (Unsupported(domain) is { } unsupported)
            failures.Add(new CheckFailure("domain", unsupported));
        // Only a snapshot about to be taken (no olds: a new one, or its replacement) takes memory.
        if (
            olds is null
            && marks.IsKnown("memory")
            && news.Memory
            && MemoryRefusal(host, domain, host.DomainIsActive(news.Domain)) is { } memoryRefusal
        )
            failures.Add(new CheckFailure("memory", memoryRefusal));
        // A revert happens where restoreOn changes, which only a Check with olds sees.
        if (
            olds is not null
            && marks.IsKnown("restoreOn")
            && olds.RestoreOn != news.RestoreOn
            && RevertRefusal(host, domain) is { } refusal
        )
            failures.Add(new CheckFailure("restoreOn", refusal));
        return new Checked<SnapshotArgs>(news, failures);
    }

    /// <summary>
    /// Why libvirt cannot take an internal snapshot of <paramref name="domain"/>, or null when it can.
    /// </summary>
    public static string? Unsupported(DomainDefinition domain)
    {
        // A read-only disk (an installer ISO, a seed) does not change, so the snapshot need not hold it.
        var raw = domain
            .Disks.Where(d => !d.ReadOnly && d.Format != "qcow2")
            .Select(d => $"{d.Target} ({d.Format}{(d.Path is { } path ? $", {path}" : "")})")
            .ToList();
        if (raw.Count > 0)
        {
            return $"Domain '{domain.Name}' has writable disks that are not qcow2: {string.Join(", ", raw)}. Internal "
                + "snapshots live inside qcow2 files; convert those disks to qcow2 (qemu-img convert -O qcow2) or make "
                + "them read-only.";
        }
        return domain.NvramPath is null
            ? null
            : $"Domain '{domain.Name}' boots with UEFI and keeps its variables in {domain.NvramPath}, which libvirt "
                + "cannot snapshot internally. Snapshots need a domain with BIOS firmware.";
    }

    /// <summary>
    /// Why reverting <paramref name="domain"/> would break other machines (its disk is the backing store of overlays),
    /// naming them; null when nothing builds on its disks.
    /// </summary>
    public static string? RevertRefusal(ICheckHost host, DomainDefinition domain) =>
        Dependents(host, domain) is { Count: > 0 } dependents
            ? $"Domain '{domain.Name}' is a base: its disks are the backing store of {string.Join(", ", dependents)}. "
                + "Changing a base breaks every overlay on it, so it is not reverted. Delete those first."
            : null;

    /// <summary>
    /// Why a snapshot with memory of <paramref name="domain"/> is refused while it runs and its disks back overlays,
    /// or null when it is not.
    /// </summary>
    public static string? MemoryRefusal(ICheckHost host, DomainDefinition domain, bool running) =>
        running && Dependents(host, domain) is { Count: > 0 } dependents
            ? $"Domain '{domain.Name}' runs and its disks are the backing store of {string.Join(", ", dependents)}: a "
                + "snapshot with memory of a running base is refused. Shut it off and take a disk-only snapshot "
                + "('memory: false')."
            : null;

    /// <summary>The overlays on the domain's disks, each with the domains that use it.</summary>
    private static List<string> Dependents(ICheckHost host, DomainDefinition domain)
    {
        var paths = domain.Disks.Select(d => DiskPath(host, d)).OfType<string>().ToHashSet();
        var domains = host.Domains().Where(d => d.Name != domain.Name).ToList();
        return host.AllVolumes()
            .Where(v =>
                v.BackingStore is { } b
                && paths.Contains(Path.GetFullPath(b.Path, Path.GetDirectoryName(v.Path) ?? "/"))
            )
            .Select(v =>
                domains.Where(d => d.Disks.Any(disk => disk.Path == v.Path)).Select(d => $"'{d.Name}'").ToList()
                    is { Count: > 0 } users
                    ? $"'{v.Path}' (a disk of {string.Join(", ", users)})"
                    : $"'{v.Path}'"
            )
            .ToList();
    }

    private static string? DiskPath(ICheckHost host, DomainDisk disk) =>
        disk.Path is null && disk.PoolVolume is var (pool, volume)
            ? host.FindPoolVolume(pool, volume)?.Path
            : disk.Path;
}
