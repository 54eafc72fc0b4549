using System.ComponentModel;
using PulumiLibvirt.Framework;
using PulumiLibvirt.Libvirt;

namespace PulumiLibvirt.Resources;

[Description(
    "A storage volume in a libvirt pool: a disk image, or a copy-on-write overlay on a base image (a linked clone)."
)]
public sealed class Volume : LibvirtResource<VolumeArgs, VolumeState>
{
    public override string Token => "libvirt:index:Volume";

    protected override Task<Checked<VolumeArgs>> CheckAsync(
        VolumeArgs news,
        VolumeArgs? olds,
        PropertyMarks marks,
        LibvirtContext context
    ) => new VolumeCheck(marks, context).RunAsync(news);

    protected override bool RequiresReplacement(PropertyShape property, VolumeArgs olds, VolumeArgs news) =>
        property.Name == "capacity" ? news.Capacity < olds.Capacity : property.ReplaceOnChange;

    // A replacement that takes the same file name in the same pool needs the old volume gone first.
    protected override bool DeleteBeforeReplace(Replacement<VolumeArgs, VolumeState> replacement) =>
        replacement.KeepsName && replacement.Olds.Pool == replacement.News.Pool;

    protected override async Task<(string Id, VolumeState State)> CreateAsync(VolumeArgs inputs, LibvirtContext context)
    {
        var libvirt = context.Libvirt;
        using var pool = libvirt.LookupPool(inputs.Pool);
        await UnfinishedCreates.RemoveVolumesAsync(pool, libvirt, context);
        using (var existing = pool.FindVolume(inputs.Name!))
        {
            if (existing is not null)
                throw new ProviderException(
                    ErrorKind.FailedPrecondition,
                    NameTaken.Reason(
                        "volume",
                        inputs.Name!,
                        $"in pool '{inputs.Pool}' ({existing.Path})",
                        Token,
                        existing.Key
                    )
                );
        }
        var definition = VolumePlan.Definition(
            inputs,
            inputs.BackingStore is { } wanted ? BaseOf(wanted, libvirt) : null
        );
        try
        {
            // Marked unfinished until made: if libvirtd or the provider dies half-way, the next create of the resource
            // removes it. The marker too may be made with its answer lost: the undo looks for it.
            UnfinishedCreates.MarkVolume(pool, inputs.Name!, context.Urn);
            VolumeState state;
            if (definition is null)
            {
                var made = await VolumeImage.CreateAsync(inputs, pool, context);
                using var filled = made.Volume;
                state = StateOf(filled.Describe(), null) with { Sha256 = made.Sha256 };
            }
            else
            {
                using var volume = SizedBy(definition.Capacity, () => pool.CreateVolume(definition));
                state = StateOf(volume.Describe(), inputs.BackingStore?.Volume);
            }
            UnfinishedCreates.UnmarkVolume(pool, inputs.Name!, context.Urn);
            return (state.Key, state);
        }
        catch (LibvirtException e) when (e.Code == LibvirtErrorCode.StorageVolumeExists)
        {
            // Another made a volume of this name since the check above: it is theirs to keep.
            UnfinishedCreates.UnmarkVolume(pool, inputs.Name!, context.Urn);
            throw;
        }
        catch (Exception failure)
        {
            throw await UndoneAsync(failure, context, async live =>
            {
                using var livePool = live.LookupPool(inputs.Pool);
                await UnfinishedCreates.RemoveVolumesAsync(livePool, live, context);
                // The name was free before the marker: a volume of that name is this create's, even when the marker
                // went with the last step and only that step's answer was lost.
                await UnfinishedCreates.RemoveVolumeAsync(livePool, inputs.Name!, live, context);
            });
        }
    }

    private static VolumeDescription BaseOf(VolumeBackingStoreArgs backingStore, Connection libvirt)
    {
        using var baseVolume = libvirt.FindVolume(backingStore.Volume)
            ?? throw new ProviderException(
                ErrorKind.NotFound,
                $"The base volume '{backingStore.Volume}' no longer exists on {libvirt.Uri}."
            );
        return baseVolume.Describe();
    }

    protected override Task<(string Id, VolumeArgs Inputs, VolumeState State)?> ReadAsync(
        string id,
        VolumeArgs? inputs,
        VolumeState? oldState,
        LibvirtContext context
    )
    {
        using var volume = context.Libvirt.FindVolume(id);
        if (volume is null)
            return Task.FromResult<(string, VolumeArgs, VolumeState)?>(null);
        var described = volume.Describe();
        // The digest of what was fetched cannot be read back without reading the whole volume: the state keeps it.
        var state = StateOf(described, inputs?.BackingStore?.Volume ?? described.BackingStore?.Path) with
        {
            Sha256 = oldState?.Sha256,
        };
        // On refresh the inputs stay what the program asked, but for a size changed outside Pulumi: the refresh shows
        // it and the next update undoes it. A size libvirt merely rounded is the one the state already has.
        if (inputs is not null && oldState is not null && state.Capacity != oldState.Capacity)
            inputs = inputs with { Capacity = state.Capacity };
        // On import the inputs are derived from what exists.
        inputs ??= new VolumeArgs
        {
            Name = described.Name,
            Pool = volume.PoolName,
            Capacity = (long)described.Capacity,
            Format = LibvirtNames.Parse<VolumeFormat>(described.Format, "The volume's format"),
            BackingStore = described.BackingStore is { } b ? new VolumeBackingStoreArgs { Volume = b.Path } : null,
        };
        return Task.FromResult<(string, VolumeArgs, VolumeState)?>((state.Key, inputs, state));
    }

    protected override async Task<VolumeState> UpdateAsync(
        string id,
        VolumeArgs olds,
        VolumeArgs news,
        VolumeState state,
        LibvirtContext context
    )
    {
        using var volume = context.Libvirt.FindVolume(id) ?? throw NoLongerExists(id);
        var described = volume.Describe();
        if (VolumePlan.GrowTo(news, described.Capacity) is { } wanted)
        {
            SizedBy(wanted, () =>
            {
                volume.Resize(wanted);
                return true;
            });
            await context.InfoAsync(
                $"Volume '{described.Name}' grown to {wanted} bytes in place; grow the partition and filesystem "
                    + "inside the guest to use the space."
            );
            described = volume.Describe();
        }
        return StateOf(described, news.BackingStore?.Volume) with { Sha256 = state.Sha256 };
    }

    /// <summary>
    /// Runs a libvirt call that makes or grows a volume to <paramref name="capacity"/>. Its refusal (a size beyond what
    /// the pool's filesystem holds, which Check cannot know for every host) is reported on 'capacity'.
    /// </summary>
    private static T SizedBy<T>(ulong capacity, Func<T> call)
    {
        try
        {
            return call();
        }
        catch (LibvirtException e) when (e.Category is LibvirtErrorCategory.InvalidInput or LibvirtErrorCategory.Other)
        {
            throw new ProviderException(
                ErrorKind.InvalidArgument,
                $"'capacity' {capacity}: libvirt could not make a volume of that size: {e.Message}. Give a capacity "
                    + "the pool's storage can hold.",
                e
            );
        }
    }

    protected override Task DeleteAsync(string id, VolumeArgs inputs, VolumeState state, LibvirtContext context) =>
        VolumeUsage.DeleteUnlessUsedAsync(context.Libvirt, id);

    private static VolumeState StateOf(VolumeDescription volume, string? baseVolume) =>
        new()
        {
            Key = volume.Key,
            Path = volume.Path,
            Capacity = (long)volume.Capacity,
            Allocation = (long)volume.Allocation,
            Format = volume.Format,
            BackingStore = volume.BackingStore is { } b
                ? new ResolvedBackingStore
                {
                    Volume = baseVolume ?? b.Path,
                    Path = b.Path,
                    Format = b.Format,
                }
                : null,
        };
}
