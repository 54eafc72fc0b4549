using System.ComponentModel;
using PulumiLibvirt.Libvirt;
using PulumiLibvirt.Resources.Framework;

namespace PulumiLibvirt.Resources;

[Description("A storage volume in a libvirt pool: a disk image, or a copy-on-write overlay on a base image (a linked clone).")]
public sealed class Volume : LibvirtResource<VolumeArgs, VolumeState>
{
    public override string Token => "libvirt:index:Volume";

    protected override async Task<Checked<VolumeArgs>> CheckAsync(VolumeArgs news, VolumeArgs? olds, PropertyMarks marks, LibvirtContext context)
    {
        var failures = new List<CheckFailure>();
        if (marks.IsKnown("name") && NameProblem(news.Name!) is { } nameProblem)
            failures.Add(new CheckFailure("name", nameProblem));
        if (marks.IsKnown("pool") && PoolProblem(news.Pool, context.Libvirt) is { } poolProblem)
            failures.Add(new CheckFailure("pool", poolProblem));

        if (news.BackingStore is null)
        {
            if (marks.IsKnown("backingStore") && marks.IsKnown("capacity") && news.Capacity is not > 0)
                failures.Add(new CheckFailure("capacity", "'capacity' (in bytes, more than 0) is required for a volume without a backing store."));
            return new Checked<VolumeArgs>(news, failures);
        }

        if (marks.IsKnown("format") && news.Format != VolumeFormat.Qcow2)
            failures.Add(new CheckFailure("format", "A volume with a backing store must be 'qcow2': only qcow2 records a base image. Remove 'format' or set it to qcow2."));
        if (!marks.IsKnown("backingStore.volume")) return new Checked<VolumeArgs>(news, failures);

        using var baseVolume = context.Libvirt.FindVolume(news.BackingStore.Volume);
        if (baseVolume is null)
        {
            failures.Add(new CheckFailure("backingStore.volume",
                $"No volume with key or path '{news.BackingStore.Volume}' exists on {context.Libvirt.Uri}. Create the base first (or declare it as a Volume and pass its key)."));
            return new Checked<VolumeArgs>(news, failures);
        }
        var based = baseVolume.Describe();
        if (news.BackingStore.Format is { } declared && LibvirtNames.Of(declared) != based.Format)
            failures.Add(new CheckFailure("backingStore.format",
                $"The base '{based.Path}' is {based.Format}, not {LibvirtNames.Of(declared)}. Remove 'backingStore.format' to use the detected format."));

        if (!marks.IsKnown("capacity")) return new Checked<VolumeArgs>(news, failures);
        var capacity = news.Capacity ?? (long)based.Capacity;
        if (capacity < (long)based.Capacity)
        {
            failures.Add(new CheckFailure("capacity",
                $"'capacity' {capacity} is smaller than the base's {based.Capacity} bytes: an overlay can never be smaller than its base. Leave it out to use the base's size."));
        }
        else if (capacity > (long)based.Capacity)
        {
            await context.WarnAsync($"Volume capacity {capacity} is larger than its base ({based.Capacity} bytes): the guest sees a larger disk, but its partition and filesystem must be grown inside the guest (growpart, resize2fs).");
        }
        return new Checked<VolumeArgs>(news with { Capacity = capacity }, failures);
    }

    protected override bool RequiresReplacement(PropertyShape property, VolumeArgs olds, VolumeArgs news) =>
        property.Name == "capacity" ? news.Capacity < olds.Capacity : property.ReplaceOnChange;

    // A replacement that takes the same file name in the same pool needs the old volume gone first.
    protected override bool DeleteBeforeReplace(Replacement<VolumeArgs, VolumeState> replacement) =>
        replacement.KeepsName && replacement.Olds.Pool == replacement.News.Pool;

    protected override Task<(string Id, VolumeState State)> CreateAsync(VolumeArgs inputs, LibvirtContext context)
    {
        var libvirt = context.Libvirt;
        using var pool = libvirt.LookupPool(inputs.Pool);
        using (var existing = pool.FindVolume(inputs.Name!))
        {
            if (existing is not null)
                throw new ProviderException(ErrorKind.FailedPrecondition,
                    NameTaken.Reason("volume", inputs.Name!, $"in pool '{inputs.Pool}' ({existing.Path})", Token, existing.Key));
        }
        BackingStore? backing = null;
        if (inputs.BackingStore is { } wanted)
        {
            using var baseVolume = libvirt.FindVolume(wanted.Volume)
                ?? throw new ProviderException(ErrorKind.NotFound, $"The base volume '{wanted.Volume}' no longer exists on {libvirt.Uri}.");
            var based = baseVolume.Describe();
            backing = new BackingStore(based.Path, wanted.Format is { } f ? LibvirtNames.Of(f) : based.Format);
        }
        var capacity = (ulong)(inputs.Capacity ?? 0);
        using var volume = pool.CreateVolume(new VolumeDefinition(inputs.Name!, capacity, LibvirtNames.Of(inputs.Format), backing));
        var state = StateOf(volume.Describe(), inputs.BackingStore?.Volume);
        return Task.FromResult((state.Key, state));
    }

    protected override Task<(string Id, VolumeArgs Inputs, VolumeState State)?> ReadAsync(string id, VolumeArgs? inputs, VolumeState? oldState, LibvirtContext context)
    {
        using var volume = context.Libvirt.FindVolume(id);
        if (volume is null) return Task.FromResult<(string, VolumeArgs, VolumeState)?>(null);
        var described = volume.Describe();
        var state = StateOf(described, inputs?.BackingStore?.Volume ?? described.BackingStore?.Path);
        // On refresh the inputs stay what the program asked, but for a size changed outside Pulumi: the refresh shows it
        // and the next update undoes it. A size libvirt merely rounded is the one the state already has.
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

    protected override async Task<VolumeState> UpdateAsync(string id, VolumeArgs olds, VolumeArgs news, VolumeState state, LibvirtContext context)
    {
        using var volume = context.Libvirt.FindVolume(id) ?? throw NoLongerExists(id);
        var described = volume.Describe();
        if (news.Capacity is { } wanted && (ulong)wanted > described.Capacity)
        {
            volume.Resize((ulong)wanted);
            await context.InfoAsync($"Volume '{described.Name}' grown to {wanted} bytes in place; grow the partition and filesystem inside the guest to use the space.");
            described = volume.Describe();
        }
        return StateOf(described, news.BackingStore?.Volume);
    }

    protected override Task DeleteAsync(string id, VolumeArgs inputs, VolumeState state, LibvirtContext context)
    {
        var libvirt = context.Libvirt;
        using var volume = libvirt.FindVolume(id);
        if (volume is null) return Task.CompletedTask;
        if (VolumeUsage.Problem(libvirt, volume) is { } problem) throw new ProviderException(ErrorKind.FailedPrecondition, problem);
        volume.Delete();
        return Task.CompletedTask;
    }

    private static VolumeState StateOf(VolumeDescription volume, string? baseVolume) => new()
    {
        Key = volume.Key,
        Path = volume.Path,
        Capacity = (long)volume.Capacity,
        Allocation = (long)volume.Allocation,
        Format = volume.Format,
        BackingStore = volume.BackingStore is { } b
            ? new ResolvedBackingStore { Volume = baseVolume ?? b.Path, Path = b.Path, Format = b.Format }
            : null,
    };

    private static string? NameProblem(string name)
    {
        if (string.IsNullOrWhiteSpace(name)) return "'name' is empty: give the volume a name, or leave it out to get one from the resource name.";
        if (name.Contains('/') || name.Contains('\0') || name.Contains(".."))
            return $"'name' \"{name.Replace("\0", "\\0")}\" may not contain '/', '..' or a NUL character: it becomes a file name inside the pool.";
        return null;
    }

    internal static string? PoolProblem(string name, Connection libvirt)
    {
        using var pool = libvirt.FindPool(name);
        if (pool is null) return $"Storage pool '{name}' does not exist on {libvirt.Uri}. Create it (virsh pool-define-as {name} dir --target /var/lib/libvirt/images; virsh pool-build {name}; virsh pool-start {name}) or name an existing pool.";
        return pool.IsActive ? null : $"Storage pool '{name}' exists but is not active. Start it with `virsh pool-start {name}`.";
    }
}
