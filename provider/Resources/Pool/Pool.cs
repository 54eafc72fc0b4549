using System.ComponentModel;
using PulumiLibvirt.Framework;
using PulumiLibvirt.Libvirt;

namespace PulumiLibvirt.Resources;

[Description("A libvirt storage pool on a folder of the host: the place volumes are made in.")]
public sealed class Pool : LibvirtResource<PoolArgs, PoolState>
{
    public override string Token => "libvirt:index:Pool";

    // The mode of a folder the provider makes: qemu runs as another user (libvirt-qemu) and must reach the disks.
    private const string DirectoryMode = "0755";

    protected override async Task<Checked<PoolArgs>> CheckAsync(
        PoolArgs news,
        PoolArgs? olds,
        PropertyMarks marks,
        LibvirtContext context
    )
    {
        var check = PoolCheck.Run(news, olds, marks, context.CheckHost);
        if (PoolCheck.UncheckedWarning(news, marks, context.CheckHost) is { } warning)
            await context.WarnAsync(warning);
        return check;
    }

    // Two pools cannot share a name or a folder: the old one must be gone before the replacement takes either.
    protected override bool DeleteBeforeReplace(Replacement<PoolArgs, PoolState> replacement) =>
        replacement.KeepsName
        || PoolCheck.Normalize(replacement.Olds.Path) == PoolCheck.Normalize(replacement.News.Path);

    protected override async Task<(string Id, PoolState State)> CreateAsync(PoolArgs inputs, LibvirtContext context)
    {
        var libvirt = context.Libvirt;
        var name = inputs.Name!;
        using (var existing = libvirt.FindPool(name))
        {
            if (existing is not null)
                throw new ProviderException(
                    ErrorKind.FailedPrecondition,
                    NameTaken.Reason("storage pool", name, $"on {libvirt.Uri}", Token, existing.Uuid)
                );
        }
        // On a remote host the folder's existence is unknown here: count it as existing, so that it is never removed.
        var createdDirectory = libvirt.IsLocal && !Directory.Exists(inputs.Path);
        // An existing folder keeps its mode; a new one gets a mode qemu can reach.
        using var pool = libvirt.DefineDirectoryPool(name, inputs.Path, createdDirectory ? DirectoryMode : null);
        try
        {
            pool.Build();
            pool.Start();
            pool.SetAutostart(inputs.Autostart);
        }
        catch (Exception failure)
        {
            // A pool that cannot be built or started is not left defined, nor its new folder made, behind the engine's
            // back.
            try
            {
                if (pool.IsActive)
                    pool.Stop();
                if (createdDirectory && Directory.Exists(inputs.Path))
                    pool.Delete();
                pool.Undefine();
            }
            catch (LibvirtException undo)
            {
                throw new ResourceInitFailedException(
                    pool.Uuid,
                    EncodeOutputs(inputs, StateOf(pool.Describe(), createdDirectory)),
                    $"{failure.Message}; the pool could not be removed again ({undo.Message}), so it is recorded as "
                        + "made: fix the cause and run `pulumi up` again, or `pulumi destroy`."
                );
            }
            throw AfterRollback(failure, context);
        }
        await context.InfoAsync(
            $"Storage pool '{name}' started on "
                + $"{inputs.Path}{(createdDirectory ? $" (folder made, mode {DirectoryMode})" : "")}."
        );
        var state = StateOf(pool.Describe(), createdDirectory);
        return (state.Uuid, state);
    }

    protected override Task<(string Id, PoolArgs Inputs, PoolState State)?> ReadAsync(
        string id,
        PoolArgs? inputs,
        PoolState? oldState,
        LibvirtContext context
    )
    {
        using var pool = context.Libvirt.FindPool(id);
        if (pool is null)
            return Task.FromResult<(string, PoolArgs, PoolState)?>(null);
        var described = pool.Describe();
        // On import the inputs are derived from what exists; only directory pools are managed.
        inputs ??= new PoolArgs
        {
            Name = described.Name,
            Type = LibvirtNames.Parse<PoolType>(described.Type, $"The type of storage pool '{described.Name}'"),
            Path = described.Path,
        };
        // What can change outside Pulumi is read back into the inputs, so that the next preview proposes to undo it. A
        // pool stopped outside Pulumi is read as it is (no sizes, no drift in the inputs): an update starts it again.
        var read = inputs with
        {
            Path =
                PoolCheck.Normalize(inputs.Path) == PoolCheck.Normalize(described.Path) ? inputs.Path : described.Path,
            Autostart = described.Autostart,
        };
        // An imported pool's folder was not made by the provider: it is never removed.
        var state = StateOf(described, oldState?.CreatedDirectory ?? false);
        return Task.FromResult<(string, PoolArgs, PoolState)?>((state.Uuid, read, state));
    }

    protected override async Task<PoolState> UpdateAsync(
        string id,
        PoolArgs olds,
        PoolArgs news,
        PoolState state,
        LibvirtContext context
    )
    {
        using var pool = context.Libvirt.FindPool(id) ?? throw NoLongerExists(id);
        // An update makes the pool as declared: running, and autostarted or not.
        if (!pool.IsActive)
        {
            pool.Start();
            await context.InfoAsync($"Storage pool '{news.Name}' was stopped; started it again.");
        }
        pool.SetAutostart(news.Autostart);
        return StateOf(pool.Describe(), state.CreatedDirectory);
    }

    protected override Task DeleteAsync(string id, PoolArgs inputs, PoolState state, LibvirtContext context) =>
        PoolDelete.RunAsync(id, inputs, state, context);

    internal static PoolState StateOf(PoolDescription pool, bool createdDirectory) =>
        new()
        {
            Uuid = pool.Uuid,
            Name = pool.Name,
            Capacity = (long)pool.Capacity,
            Allocation = (long)pool.Allocation,
            Available = (long)pool.Available,
            CreatedDirectory = createdDirectory,
        };
}
