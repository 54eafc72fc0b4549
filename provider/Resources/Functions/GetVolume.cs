using System.ComponentModel;
using PulumiLibvirt.Framework;
using PulumiLibvirt.Libvirt;

namespace PulumiLibvirt.Resources;

public sealed record GetVolumeArgs
{
    [Description("The storage pool that holds the volume; give it with 'name', or give 'key' instead.")]
    public string? Pool { get; init; }

    [Description("The volume's name in 'pool' (in a directory pool, its file name).")]
    public string? Name { get; init; }

    [Description("The volume's key or path on the host; give it instead of 'pool' and 'name'.")]
    public string? Key { get; init; }
}

[Description("The image an existing volume is an overlay on.")]
public sealed record GetVolumeBackingStore
{
    [Description("Path of the base image, as written in the overlay.")]
    public string Path { get; init; } = "";

    [Description("Format of the base image.")]
    public string Format { get; init; } = "";
}

public sealed record GetVolumeResult
{
    [Description(
        "libvirt's key of the volume, unique on the host: what a Volume's backingStore.volume or a Domain disk's "
            + "volume takes."
    )]
    public string Key { get; init; } = "";

    [Description("Path of the volume on the libvirt host.")]
    public string Path { get; init; } = "";

    [Description("The volume's name in its pool.")]
    public string Name { get; init; } = "";

    [Description("The storage pool that holds the volume.")]
    public string Pool { get; init; } = "";

    [Description("Size in bytes, as the guest sees it.")]
    public long Capacity { get; init; }

    [Description("Bytes actually allocated on the host.")]
    public long Allocation { get; init; }

    [Description("Disk image format (qcow2, raw, iso…).")]
    public string Format { get; init; } = "";

    [Description("The base image the volume is an overlay on; none for a volume that has no base.")]
    public GetVolumeBackingStore? BackingStore { get; init; }
}

[Description("An existing storage volume (a base image made by hand…), found by pool and name, or by key or path.")]
public sealed class GetVolume : LibvirtFunction<GetVolumeArgs, GetVolumeResult>
{
    public override string Token => "libvirt:index:getVolume";

    private const string BothWays = "look a volume up either by 'key' (its key or path) or by 'pool' and 'name'";

    protected override IReadOnlyList<CheckFailure> Check(GetVolumeArgs args)
    {
        var given = new[] { ("pool", args.Pool), ("name", args.Name) };
        IReadOnlyList<CheckFailure> tooLong =
        [
            .. NameLength("key", args.Key, MaxPathBytes),
            .. NameLength("pool", args.Pool),
            .. NameLength("name", args.Name),
        ];
        if (tooLong.Count > 0)
            return tooLong;
        return args.Key is null
            ?
            [
                .. given
                    .Where(p => p.Item2 is null)
                    .Select(p => new CheckFailure(p.Item1, $"'{p.Item1}' is required: {BothWays}.")),
            ]
            :
            [
                .. given
                    .Where(p => p.Item2 is not null)
                    .Select(p => new CheckFailure(p.Item1, $"'{p.Item1}' cannot go with 'key': {BothWays}.")),
            ];
    }

    protected override Task<GetVolumeResult> InvokeAsync(GetVolumeArgs args, LibvirtContext context)
    {
        var libvirt = context.Libvirt;
        using var volume = args.Key is { } key
            ? libvirt.FindVolume(key)
                ?? throw new ProviderException(
                    ErrorKind.NotFound,
                    $"No volume with key or path '{key}' on {libvirt.Uri}. `virsh -c {libvirt.Uri} vol-list POOL` "
                        + "shows a pool's volumes."
                )
            : InPool(args.Pool!, args.Name!, libvirt);
        var described = volume.Describe();
        return Task.FromResult(
            new GetVolumeResult
            {
                Key = described.Key,
                Path = described.Path,
                Name = described.Name,
                Pool = volume.PoolName,
                Capacity = (long)described.Capacity,
                Allocation = (long)described.Allocation,
                Format = described.Format,
                BackingStore = described.BackingStore is { } b
                    ? new GetVolumeBackingStore { Path = b.Path, Format = b.Format }
                    : null,
            }
        );
    }

    /// <summary>A volume by name in a pool, seen after a refresh when its file was put there outside libvirt.</summary>
    private static StorageVolume InPool(string poolName, string name, Connection libvirt)
    {
        using var pool = libvirt.FindPool(poolName)
            ?? throw new ProviderException(
                ErrorKind.NotFound,
                $"No storage pool '{poolName}' on {libvirt.Uri} to look up volume '{name}' in. `virsh -c "
                    + $"{libvirt.Uri} pool-list --all` shows the pools there."
            );
        var volume = pool.FindVolume(name);
        if (volume is null)
        {
            pool.RefreshIfIdle();
            volume = pool.FindVolume(name);
        }
        return volume
            ?? throw new ProviderException(
                ErrorKind.NotFound,
                $"No volume named '{name}' in storage pool '{poolName}' on {libvirt.Uri}. `virsh -c {libvirt.Uri} "
                    + $"vol-list {poolName}` shows its volumes."
            );
    }
}
