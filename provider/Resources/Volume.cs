using System.ComponentModel;
using PulumiLibvirt.Libvirt;
using PulumiLibvirt.Resources.Framework;

namespace PulumiLibvirt.Resources;

public enum VolumeFormat { Qcow2, Raw }

[Description("The image a volume is an overlay on.")]
public sealed record VolumeBackingStoreArgs
{
    [Description("Key or path of an existing volume on the libvirt host: the base image. It must not change while overlays depend on it.")]
    public required string Volume { get; init; }

    [Description("Format of the base image. Default: the format libvirt detects for it.")]
    public VolumeFormat? Format { get; init; }
}

[Description("The base image a volume is an overlay on, as resolved on the libvirt host.")]
public sealed record ResolvedBackingStore
{
    [Description("The base volume as given in the inputs.")]
    public string Volume { get; init; } = "";

    [Description("Path of the base image, as written in the overlay.")]
    public string Path { get; init; } = "";

    [Description("Format of the base image.")]
    public string Format { get; init; } = "";
}

public sealed record VolumeArgs
{
    [AutoName, ReplaceOnChange]
    [Description("Name of the volume in its pool (in a directory pool, its file name). Default: the resource name plus a random suffix.")]
    public string? Name { get; init; }

    [ReplaceOnChange]
    [Description("The storage pool that holds the volume.")]
    public string Pool { get; init; } = "default";

    [Description("Size in bytes. With a backing store it defaults to the base's size and cannot be smaller; a larger one leaves the guest's filesystem to be grown. Growing it later resizes the volume in place, keeping its data; shrinking it replaces the volume.")]
    public long? Capacity { get; init; }

    [ReplaceOnChange]
    [Description("Disk image format: qcow2 (sparse, copy-on-write, required for a backing store) or raw.")]
    public VolumeFormat Format { get; init; } = VolumeFormat.Qcow2;

    [ReplaceOnChange]
    [Description("Make the volume a copy-on-write overlay (a linked clone) of an existing volume: it stores only what differs from the base.")]
    public VolumeBackingStoreArgs? BackingStore { get; init; }
}

public sealed record VolumeState
{
    [Description("Name of the volume in its pool.")]
    public string Name { get; init; } = "";

    [Description("The storage pool that holds the volume.")]
    public string Pool { get; init; } = "";

    [Description("libvirt's key of the volume, unique on the host (also the resource id).")]
    public string Key { get; init; } = "";

    [Description("Path of the volume on the libvirt host.")]
    public string Path { get; init; } = "";

    [Computed]
    [Description("Size in bytes, as libvirt reports it.")]
    public long Capacity { get; init; }

    [Description("Bytes actually allocated on the host.")]
    public long Allocation { get; init; }

    [Description("Disk image format.")]
    public string Format { get; init; } = "";

    [Computed]
    [Description("The base image the volume is an overlay on, as resolved on the host.")]
    public ResolvedBackingStore? BackingStore { get; init; }
}

[Description("A storage volume in a libvirt pool: a disk image, or a copy-on-write overlay on a base image (a linked clone).")]
public sealed class Volume : Resource<VolumeArgs, VolumeState>
{
    public override string Token => "libvirt:index:Volume";

    protected override async Task<Checked<VolumeArgs>> CheckAsync(VolumeArgs news, VolumeArgs? olds, PropertyMarks marks, ResourceContext context)
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
        if (news.BackingStore.Format is { } declared && FormatName(declared) != based.Format)
            failures.Add(new CheckFailure("backingStore.format",
                $"The base '{based.Path}' is {based.Format}, not {FormatName(declared)}. Remove 'backingStore.format' to use the detected format."));

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

    protected override Task<(string Id, VolumeState State)> CreateAsync(VolumeArgs inputs, ResourceContext context)
    {
        var libvirt = context.Libvirt;
        using var pool = libvirt.LookupPool(inputs.Pool);
        using (var existing = pool.FindVolume(inputs.Name!))
        {
            if (existing is not null)
                throw new ProviderException(ErrorKind.FailedPrecondition,
                    $"A volume named '{inputs.Name}' already exists in pool '{inputs.Pool}' ({existing.Path}). Choose another name, or adopt it with `pulumi import libvirt:index:Volume <name> {existing.Key}`.");
        }
        BackingStore? backing = null;
        if (inputs.BackingStore is { } wanted)
        {
            using var baseVolume = libvirt.FindVolume(wanted.Volume)
                ?? throw new ProviderException(ErrorKind.NotFound, $"The base volume '{wanted.Volume}' no longer exists on {libvirt.Uri}.");
            var based = baseVolume.Describe();
            backing = new BackingStore(based.Path, wanted.Format is { } f ? FormatName(f) : based.Format);
        }
        var capacity = (ulong)(inputs.Capacity ?? 0);
        using var volume = pool.CreateVolume(new VolumeDefinition(inputs.Name!, capacity, FormatName(inputs.Format), backing));
        var state = StateOf(volume.Describe(), inputs.Pool, inputs.BackingStore?.Volume);
        return Task.FromResult((state.Key, state));
    }

    protected override Task<(string Id, VolumeArgs Inputs, VolumeState State)?> ReadAsync(string id, VolumeArgs? inputs, VolumeState? oldState, ResourceContext context)
    {
        using var volume = context.Libvirt.FindVolume(id);
        if (volume is null) return Task.FromResult<(string, VolumeArgs, VolumeState)?>(null);
        using var pool = volume.GetPool();
        var described = volume.Describe();
        var state = StateOf(described, pool.Name, inputs?.BackingStore?.Volume ?? described.BackingStore?.Path);
        // On refresh the inputs stay what the program asked, but for a size changed outside Pulumi: the refresh shows it
        // and the next update undoes it. A size libvirt merely rounded is the one the state already has.
        if (inputs is not null && oldState is not null && state.Capacity != oldState.Capacity)
            inputs = inputs with { Capacity = state.Capacity };
        // On import the inputs are derived from what exists.
        inputs ??= new VolumeArgs
        {
            Name = described.Name,
            Pool = pool.Name,
            Capacity = (long)described.Capacity,
            Format = ParseFormat(described.Format),
            BackingStore = described.BackingStore is { } b ? new VolumeBackingStoreArgs { Volume = b.Path } : null,
        };
        return Task.FromResult<(string, VolumeArgs, VolumeState)?>((state.Key, inputs, state));
    }

    protected override async Task<VolumeState> UpdateAsync(string id, VolumeArgs olds, VolumeArgs news, VolumeState state, ResourceContext context)
    {
        using var volume = context.Libvirt.FindVolume(id)
            ?? throw new ProviderException(ErrorKind.NotFound, $"Volume '{id}' no longer exists; run `pulumi refresh` to recreate it.");
        var described = volume.Describe();
        if (news.Capacity is { } wanted && (ulong)wanted > described.Capacity)
        {
            volume.Resize((ulong)wanted);
            await context.InfoAsync($"Volume '{described.Name}' grown to {wanted} bytes in place; grow the partition and filesystem inside the guest to use the space.");
            described = volume.Describe();
        }
        return StateOf(described, state.Pool, news.BackingStore?.Volume);
    }

    protected override Task DeleteAsync(string id, VolumeState state, ResourceContext context)
    {
        var libvirt = context.Libvirt;
        using var volume = libvirt.FindVolume(id);
        if (volume is null) return Task.CompletedTask;
        if (VolumeUsage.Problem(libvirt, volume) is { } problem) throw new ProviderException(ErrorKind.FailedPrecondition, problem);
        volume.Delete();
        return Task.CompletedTask;
    }

    private static VolumeState StateOf(VolumeDescription volume, string pool, string? baseVolume) => new()
    {
        Name = volume.Name,
        Pool = pool,
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

    private static string FormatName(VolumeFormat format) => TypeShape.CamelCase(format.ToString());

    private static VolumeFormat ParseFormat(string format) => format switch
    {
        "qcow2" => VolumeFormat.Qcow2,
        "raw" => VolumeFormat.Raw,
        _ => throw new ProviderException(ErrorKind.InvalidArgument, $"The volume's format is {format}; this provider manages qcow2 and raw volumes only."),
    };
}
