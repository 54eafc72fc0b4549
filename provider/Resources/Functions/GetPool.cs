using System.ComponentModel;
using PulumiLibvirt.Framework;

namespace PulumiLibvirt.Resources;

public sealed record GetPoolArgs
{
    [Description("The pool's name or UUID.")]
    public required string Name { get; init; }
}

public sealed record GetPoolResult
{
    [Description("The pool's UUID.")]
    public string Uuid { get; init; } = "";

    [Description("The pool's name: what a Volume's 'pool' takes.")]
    public string Name { get; init; } = "";

    [Description("The pool's type, as libvirt names it (dir, logical, netfs…).")]
    public string Type { get; init; } = "";

    [Description("The pool's target path on the host (for a directory pool, its folder).")]
    public string Path { get; init; } = "";

    [Description("Whether the pool is started: only an active pool holds new volumes.")]
    public bool Active { get; init; }

    [Description("Whether libvirtd starts the pool when it starts.")]
    public bool Autostart { get; init; }

    [Description("Size of the pool in bytes (0 while it is not active).")]
    public long Capacity { get; init; }

    [Description("Bytes allocated to its volumes (0 while it is not active).")]
    public long Allocation { get; init; }

    [Description("Bytes still free (0 while it is not active).")]
    public long Available { get; init; }
}

[Description(
    "An existing storage pool (the default pool, one made by hand…), found by name or UUID, to put a lab's volumes "
        + "in without importing it."
)]
public sealed class GetPool : LibvirtFunction<GetPoolArgs, GetPoolResult>
{
    public override string Token => "libvirt:index:getPool";

    protected override IReadOnlyList<CheckFailure> Check(GetPoolArgs args) => NameLength("name", args.Name);

    protected override Task<GetPoolResult> InvokeAsync(GetPoolArgs args, LibvirtContext context)
    {
        var libvirt = context.Libvirt;
        using var pool = libvirt.FindPool(args.Name)
            ?? throw new ProviderException(
                ErrorKind.NotFound,
                $"No storage pool named or with UUID '{args.Name}' on {libvirt.Uri}. `virsh -c {libvirt.Uri} "
                    + "pool-list --all` shows the pools there."
            );
        var described = pool.Describe();
        return Task.FromResult(
            new GetPoolResult
            {
                Uuid = described.Uuid,
                Name = described.Name,
                Type = described.Type,
                Path = described.Path,
                Active = described.Active,
                Autostart = described.Autostart,
                Capacity = (long)described.Capacity,
                Allocation = (long)described.Allocation,
                Available = (long)described.Available,
            }
        );
    }
}
