using System.ComponentModel;
using PulumiLibvirt.Guestfs;
using PulumiLibvirt.Libvirt;
using PulumiLibvirt.Resources.Framework;

namespace PulumiLibvirt.Resources;

public enum CloneMode { Full, Linked }

public enum CloneDiskMode { Full, Linked, Share, Skip }

[Description("How one disk of the source is cloned.")]
public sealed record CloneDiskArgs
{
    [Description("The disk's target in the source (vda, sdb…).")]
    public required string Target { get; init; }

    [Description("full: a copy; linked: a qcow2 overlay on the source's disk; share: the clone uses the source's file itself (only safe when at most one of them writes it); skip: the clone has no such disk.")]
    public required CloneDiskMode Mode { get; init; }
}

[Description("A disk of the clone, as made.")]
public sealed record CloneVolume
{
    [Description("The disk's target (vda, sdb…).")]
    public string Target { get; init; } = "";

    [Description("full, linked or share.")]
    public string Mode { get; init; } = "";

    [Description("libvirt's key of the disk's volume (empty for a shared file outside any pool).")]
    public string Key { get; init; } = "";

    [Description("The disk's file on the libvirt host.")]
    public string Path { get; init; } = "";

    [Description("For a linked disk: the source's file it is an overlay on.")]
    public string? BackingPath { get; init; }
}

public sealed record CloneArgs
{
    [ReplaceOnChange]
    [Description("Name or UUID of the domain to clone (the template). It must be shut off when the clone is made.")]
    public required string Source { get; init; }

    [AutoName, ReplaceOnChange]
    [Description("Name of the clone. Default: the resource name plus a random suffix.")]
    public string? Name { get; init; }

    [Description("The clone's description. Default: the source's.")]
    public string? Description { get; init; }

    [ReplaceOnChange]
    [Description("full: each writable disk is copied (sparse); linked: each writable disk becomes a qcow2 overlay on the source's disk, made in constant time whatever its size. Read-only and shareable disks and CD-ROMs are shared.")]
    public CloneMode Mode { get; init; } = CloneMode.Full;

    [ReplaceOnChange]
    [Description("Per-disk exceptions to 'mode', by target.")]
    public IReadOnlyList<CloneDiskArgs> Disks { get; init; } = [];

    [ReplaceOnChange]
    [Description("The pool for the clone's new volumes. Default: the pool of each source disk.")]
    public string? Pool { get; init; }

    [ReplaceOnChange]
    [Description("MAC addresses, one per interface of the source. Default: new ones that no domain uses.")]
    public IReadOnlyList<string>? Macs { get; init; }

    [Description("Memory in MiB. Default: the source's.")]
    public int? Memory { get; init; }

    [Description("Number of virtual CPUs. Default: the source's.")]
    public int? Vcpus { get; init; }

    [Description("Whether the clone runs. Setting it to false shuts the guest down (by force after 'shutdownTimeout').")]
    public bool Running { get; init; } = true;

    [Description("Whether libvirt starts the clone when the host boots.")]
    public bool Autostart { get; init; }

    [Description("Seconds to wait for a graceful shutdown before stopping the clone by force (on delete or running: false).")]
    public int ShutdownTimeout { get; init; } = 30;

    [ReplaceOnChange]
    [Description("Make the guest a distinct machine before its first boot (hostname, machine-id, SSH host keys, DHCP leases, persistent net rules), with virt-sysprep on the clone's own disks. Needs libguestfs on the libvirt host, which must be the provider's machine; takes tens of seconds per clone.")]
    public CloneIdentityArgs? Identity { get; init; }
}

public sealed record CloneState
{
    [Computed]
    [Description("The clone's UUID (also the resource id).")]
    public string Uuid { get; init; } = "";

    public string Name { get; init; } = "";
    public string Source { get; init; } = "";

    [Computed]
    [Description("UUID of the domain the clone was made from.")]
    public string SourceUuid { get; init; } = "";

    public string? Description { get; init; }
    public CloneMode Mode { get; init; }
    public IReadOnlyList<CloneDiskArgs> Disks { get; init; } = [];
    public string? Pool { get; init; }

    [Computed]
    [Description("The MAC address of each network interface, in order.")]
    public IReadOnlyList<string> Macs { get; init; } = [];

    [Computed]
    [Description("Memory in MiB.")]
    public int Memory { get; init; }

    [Computed]
    [Description("Number of virtual CPUs.")]
    public int Vcpus { get; init; }

    public bool Running { get; init; }
    public bool Autostart { get; init; }
    public int ShutdownTimeout { get; init; }

    [Computed]
    [Description("The clone's disks: target, mode, volume key, path, and for linked disks the file they are an overlay on.")]
    public IReadOnlyList<CloneVolume> Volumes { get; init; } = [];

    [Computed]
    [Description("What the clone is doing, as libvirt says: running, shutoff, paused…")]
    public string State { get; init; } = "";

    [Computed]
    [Description("The identity applied: the guest's hostname, the operations, and the public SSH host keys put in place.")]
    public AppliedIdentity? Identity { get; init; }
}

[Description("A virtual machine cloned from a shut-off template domain: a full copy of its disks, or overlays on them (a linked clone), with a name, UUID, MACs, disks, NVRAM and logs of its own.")]
public sealed class Clone : Resource<CloneArgs, CloneState>
{
    public override string Token => "libvirt:index:Clone";

    protected override async Task<Checked<CloneArgs>> CheckAsync(CloneArgs news, CloneArgs? olds, PropertyMarks marks, ResourceContext context)
    {
        var libvirt = context.Libvirt;
        var check = new DomainCheck(libvirt, marks, new OwnDomain(context.Urn, olds?.Name));
        check.Name(news.Name);
        if (news.Pool is not null && marks.IsKnown("pool") && Volume.PoolProblem(news.Pool, libvirt) is { } poolProblem)
            check.Fail("pool", poolProblem);
        if (news.ShutdownTimeout < 0)
            check.Fail("shutdownTimeout", "'shutdownTimeout' is a number of seconds, 0 or more.");
        if (news.Identity is { } identity && marks.IsKnown("identity"))
            await GuestIdentity.CheckAsync(identity, news.Name, context.Config.EffectiveUri, check, context.Cancellation);
        if (!marks.IsKnown("source")) return new Checked<CloneArgs>(news, check.Failures);

        using var source = libvirt.FindDomain(news.Source);
        if (source is null)
        {
            check.Fail("source", $"No domain named '{news.Source}' (or with that UUID) exists on {libvirt.Uri}. Name the template domain to clone.");
            return new Checked<CloneArgs>(news, check.Failures);
        }
        var template = source.Describe();
        check.Size(check.HypervisorType(template.Type, "source", template.Name) ? template.Type : null,
            news.Memory ?? (int)(template.MemoryKiB / 1024), news.Vcpus ?? template.Vcpus);

        var targets = new Dictionary<string, int>();
        for (var i = 0; i < news.Disks.Count; i++)
        {
            var (disk, path) = (news.Disks[i], $"disks[{i}].target");
            if (!marks.IsKnown($"disks[{i}]")) continue;
            var sourceDisk = template.Disks.FirstOrDefault(d => d.Target == disk.Target);
            if (sourceDisk is null)
                check.Fail(path, $"'{path}': the source '{template.Name}' has no disk {disk.Target}; its disks are {string.Join(", ", template.Disks.Select(d => d.Target))}.");
            else if (!targets.TryAdd(disk.Target, i))
                check.Fail(path, $"'{path}': disks[{targets[disk.Target]}] already names {disk.Target}.");
            else if (disk.Mode == CloneDiskMode.Share && !IsSharedByDefault(sourceDisk) && news.Identity is not null)
                check.Fail($"disks[{i}].mode", $"Disk {disk.Target} is shared with the source, and 'identity' would change it for both machines. Clone it (full or linked), skip it, or leave 'identity' out.");
            else if (disk.Mode == CloneDiskMode.Share && !IsSharedByDefault(sourceDisk))
                await context.WarnAsync($"Disk {disk.Target} of '{template.Name}' is writable and shared with the clone: never run both machines at once, or the disk is corrupted.");
        }

        if (news.Macs is { } macs && marks.IsKnown("macs"))
        {
            if (macs.Count != template.Interfaces.Count)
                check.Fail("macs", $"'macs' has {macs.Count} addresses but the source '{template.Name}' has {template.Interfaces.Count} network interfaces; give one per interface, or leave 'macs' out.");
            check.Macs(macs.Select((mac, i) => ($"macs[{i}]", mac)).ToList());
        }
        var inputs = news.Macs is null ? news : news with { Macs = news.Macs.Select(MacAddresses.Normalize).ToList() };
        return new Checked<CloneArgs>(inputs, check.Failures);
    }

    /// <summary>
    /// The replacement cannot exist beside the old clone when it takes its name (and so its volumes' names), one of
    /// its MACs, or shares a writable disk of the source with it.
    /// </summary>
    protected override bool DeleteBeforeReplace(Replacement<CloneArgs, CloneState> replacement) =>
        replacement.KeepsName
        || (replacement.News.Macs ?? []).Intersect(replacement.OldState.Macs).Any()
        || SharedTargets(replacement.News).Intersect(SharedTargets(replacement.Olds)).Any();

    private static IEnumerable<string> SharedTargets(CloneArgs args) => args.Disks.Where(d => d.Mode == CloneDiskMode.Share).Select(d => d.Target);

    protected override async Task<(string Id, CloneState State)> CreateAsync(CloneArgs inputs, ResourceContext context)
    {
        var libvirt = context.Libvirt;
        var name = inputs.Name!;
        using var source = libvirt.FindDomain(inputs.Source)
            ?? throw new ProviderException(ErrorKind.NotFound, $"The source domain '{inputs.Source}' does not exist on {libvirt.Uri}.");
        var sourceName = source.Name;
        if (source.IsActive)
            throw new ProviderException(ErrorKind.FailedPrecondition,
                $"The source domain '{sourceName}' is running: its disks would be cloned while they change. Shut it down first (`virsh shutdown {sourceName}`, or running: false on its Domain).");
        var sourceXml = source.Xml();
        var template = DomainDefinition.Parse(sourceXml);
        OwnDomain.EnsureNameFree(libvirt, name, context.Urn, Token);

        // Everything made so far, so that a failure half-way removes it: nothing is left that the state does not know.
        var made = new List<string>();
        LibvirtDomain? domain = null;
        try
        {
            var disks = new Dictionary<string, ClonedDisk?>();
            foreach (var disk in template.Disks)
            {
                var mode = ModeOf(disk, inputs);
                if (mode == CloneDiskMode.Skip) disks[disk.Target] = null;
                if (mode is not (CloneDiskMode.Full or CloneDiskMode.Linked)) continue;
                context.Cancellation.ThrowIfCancellationRequested();
                await context.InfoAsync($"Clone '{name}': {(mode == CloneDiskMode.Full ? "copying" : "linking")} disk {disk.Target} of '{sourceName}'.");
                var cloned = MakeDisk(libvirt, disk, mode, name, inputs.Pool);
                made.Add(cloned.Path);
                disks[disk.Target] = cloned;
            }
            var nvram = CopyNvram(libvirt, sourceXml, name, made);
            var identity = inputs.Identity is null ? null : await GuestIdentity.ApplyAsync(inputs.Identity, name,
                disks.Values.OfType<ClonedDisk>().Select(d => new SysprepDisk(d.Path, d.Format)).ToList(), context);

            await MacAddresses.DefineLock.WaitAsync(context.Cancellation);
            try
            {
                var used = MacAddresses.InUse(libvirt);
                var macs = inputs.Macs?.ToList() ?? template.Interfaces.Select(_ => MacAddresses.NewUnique(used)).ToList();
                domain = libvirt.DefineDomain(CloneXml.Make(sourceXml, new CloneChanges
                {
                    Name = name,
                    Uuid = Guid.NewGuid().ToString(),
                    SourceUuid = source.Uuid,
                    Owner = context.Urn,
                    Description = inputs.Description,
                    Macs = macs,
                    Disks = disks,
                    NvramPath = nvram,
                    MemoryKiB = (ulong?)inputs.Memory * 1024,
                    Vcpus = inputs.Vcpus,
                }));
            }
            finally
            {
                MacAddresses.DefineLock.Release();
            }
            domain.Autostart = inputs.Autostart;
            if (inputs.Running) domain.Start();
            var state = StateOf(inputs, domain, domain.Describe(), source.Uuid, identity, libvirt);
            return (state.Uuid, state);
        }
        catch (Exception failure)
        {
            try
            {
                await RemoveAsync(domain, made, libvirt, context);
            }
            catch (Exception undo) when (undo is LibvirtException or IOException)
            {
                var left = $"removing what was made failed too ({undo.Message})";
                // A clone still defined is recorded by the engine; files alone cannot be, so they are named.
                if (domain is not null && libvirt.FindDomain(domain.Uuid) is { } stillDefined)
                {
                    using (stillDefined)
                        throw new ResourceInitFailedException(domain.Uuid, PropertyMapper.Encode(StateOf(inputs, domain, domain.Describe(), source.Uuid, null, libvirt)),
                            $"{failure.Message}; {left}, so the clone is recorded as made: `pulumi destroy` removes it.");
                }
                throw new ProviderException(ErrorKind.Failed, $"{failure.Message}; {left}. Delete what is left by hand: {string.Join(", ", made)}.");
            }
            throw ProviderException.AfterRollback(failure);
        }
        finally
        {
            domain?.Dispose();
        }
    }

    protected override Task<(string Id, CloneArgs Inputs, CloneState State)?> ReadAsync(string id, CloneArgs? inputs, CloneState? oldState, ResourceContext context)
    {
        var libvirt = context.Libvirt;
        var (cloneId, sourceHint) = id.Split('/', 2) is [var c, var s] ? (c, s) : (id, null);
        using var domain = libvirt.FindDomain(cloneId);
        if (domain is null) return Task.FromResult<(string, CloneArgs, CloneState)?>(null);
        var xml = domain.Xml();
        var definition = DomainDefinition.Parse(xml);
        OwnDomain.Claim(domain, definition, context.Urn);
        var sourceUuid = CloneXml.SourceUuidOf(xml);
        // On import the source is the one the provider noted, the one named after '/', or the domain whose disks the clone's overlays are on.
        var read = inputs ?? Imported(definition, sourceUuid ?? sourceHint, libvirt);
        using var source = libvirt.FindDomain(sourceUuid ?? read.Source);
        var template = source?.Describe();
        // What can drift outside Pulumi is read back. A value the program leaves to the source stays left to it while
        // it is still the source's (or the source is gone and cannot say); one changed outside becomes the value read.
        bool LeftToSource(object? given, object live, Func<DomainDefinition, object> ofSource) =>
            given is null && (template is null || Equals(live, ofSource(template)));
        var (description, memory) = (definition.Description ?? "", (int)(definition.MemoryKiB / 1024));
        read = read with
        {
            Description = LeftToSource(read.Description, description, t => t.Description ?? "") ? null : description,
            Memory = LeftToSource(read.Memory, memory, t => (int)(t.MemoryKiB / 1024)) ? null : memory,
            Vcpus = LeftToSource(read.Vcpus, definition.Vcpus, t => t.Vcpus) ? null : definition.Vcpus,
            Running = domain.IsActive,
            Autostart = domain.Autostart,
        };
        var state = StateOf(read, domain, definition, sourceUuid ?? source?.Uuid ?? "", oldState?.Identity, libvirt);
        return Task.FromResult<(string, CloneArgs, CloneState)?>((state.Uuid, read, state));
    }

    protected override async Task<CloneState> UpdateAsync(string id, CloneArgs olds, CloneArgs news, CloneState state, ResourceContext context)
    {
        var libvirt = context.Libvirt;
        using var domain = libvirt.FindDomain(id)
            ?? throw new ProviderException(ErrorKind.NotFound, $"Clone '{id}' no longer exists; run `pulumi refresh` to recreate it.");
        var changed = ChangedInputs(olds, news);
        if (changed.Contains("memory") || changed.Contains("vcpus"))
        {
            // A size no longer given goes back to the source's.
            DomainDefinition? template = null;
            if (news.Memory is null || news.Vcpus is null)
            {
                using var source = libvirt.FindDomain(news.Source)
                    ?? throw new ProviderException(ErrorKind.NotFound, $"The source '{news.Source}' is gone, so the clone cannot take its memory or vCPUs; give 'memory' and 'vcpus'.");
                template = source.Describe();
            }
            var memoryKiB = (ulong?)news.Memory * 1024 ?? template!.MemoryKiB;
            using var redefined = libvirt.DefineDomain(CloneXml.Resized(domain.Xml(), memoryKiB, news.Vcpus ?? template!.Vcpus));
            if (domain.IsActive && news.Running)
                await context.InfoAsync($"Clone '{news.Name}' is running: the new memory and vCPUs take effect at its next boot.");
        }
        if (changed.Contains("description")) domain.SetDescription(news.Description);
        if (changed.Contains("autostart")) domain.Autostart = news.Autostart;
        await DomainPower.ApplyAsync(domain, news.Running, news.ShutdownTimeout, context);
        return StateOf(news, domain, domain.Describe(), state.SourceUuid, state.Identity, libvirt);
    }

    protected override async Task DeleteAsync(string id, CloneState state, ResourceContext context)
    {
        var libvirt = context.Libvirt;
        var owned = state.Volumes.Where(v => v.Mode is "full" or "linked").Select(v => v.Path).ToList();
        // Refuse before anything is stopped or undefined: a volume of the clone that something else needs stays, and so does the clone.
        foreach (var path in owned)
        {
            using var volume = libvirt.FindVolume(path);
            if (volume is not null && VolumeUsage.Problem(libvirt, volume, deletingDomain: state.Name) is { } problem)
                throw new ProviderException(ErrorKind.FailedPrecondition, $"Clone '{state.Name}' cannot be deleted: {problem}");
        }
        using var domain = libvirt.FindDomain(id);
        await RemoveAsync(domain, owned, libvirt, context, state.ShutdownTimeout);
    }

    /// <summary>
    /// The mode of one source disk: the per-disk exception, else shared for disks that are not the machine's own
    /// (CD-ROMs, read-only or shareable disks, empty drives), else the clone's mode.
    /// </summary>
    private static CloneDiskMode ModeOf(DomainDisk disk, CloneArgs inputs) =>
        inputs.Disks.FirstOrDefault(d => d.Target == disk.Target)?.Mode
        ?? (IsSharedByDefault(disk) ? CloneDiskMode.Share : inputs.Mode == CloneMode.Linked ? CloneDiskMode.Linked : CloneDiskMode.Full);

    private static bool IsSharedByDefault(DomainDisk disk) =>
        disk.Device is not "disk" || disk.ReadOnly || disk.Shareable || (disk.Path is null && disk.PoolVolume is null);

    /// <summary>The clone's own volume for one source disk: a sparse copy, or a qcow2 overlay on the source's file.</summary>
    private static ClonedDisk MakeDisk(Connection libvirt, DomainDisk disk, CloneDiskMode mode, string cloneName, string? poolName)
    {
        using var sourceVolume = SourceVolume(libvirt, disk)
            ?? throw new ProviderException(ErrorKind.FailedPrecondition,
                $"Disk {disk.Target} ('{disk.Path}') is in no storage pool, so libvirt cannot {(mode == CloneDiskMode.Full ? "copy" : "make an overlay for")} it. Put it in a pool, or set its mode to share or skip in 'disks'.");
        var described = sourceVolume.Describe();
        using var pool = poolName is null ? sourceVolume.GetPool() : libvirt.LookupPool(poolName);
        if (mode == CloneDiskMode.Full)
        {
            using var copy = pool.CopyVolume(new VolumeDefinition(VolumeName(cloneName, disk.Target, described.Format), described.Capacity, described.Format), sourceVolume);
            return new ClonedDisk(copy.Path, described.Format);
        }
        using var overlay = pool.CreateVolume(new VolumeDefinition(VolumeName(cloneName, disk.Target, "qcow2"), described.Capacity, "qcow2",
            new BackingStore(described.Path, described.Format)));
        return new ClonedDisk(overlay.Path, "qcow2");
    }

    private static StorageVolume? SourceVolume(Connection libvirt, DomainDisk disk)
    {
        if (disk.PoolVolume is var (poolName, volumeName))
        {
            using var pool = libvirt.FindPool(poolName);
            return pool?.FindVolume(volumeName);
        }
        return disk.Path is null ? null : libvirt.FindVolume(disk.Path);
    }

    private static string VolumeName(string cloneName, string target, string format) =>
        $"{cloneName}-{target}.{(format == "raw" ? "img" : format)}";

    /// <summary>
    /// The clone's own NVRAM (UEFI variables: boot entries, secure boot keys): a copy of the source's, next to it and
    /// named as libvirt names them. A source that never started has no file yet; libvirt then makes the clone's
    /// from the template at its first start.
    /// </summary>
    private static string? CopyNvram(Connection libvirt, string sourceXml, string cloneName, List<string> made)
    {
        var sourcePath = System.Xml.Linq.XElement.Parse(sourceXml).Element("os")?.Element("nvram")?.Value;
        if (string.IsNullOrEmpty(sourcePath)) return null;
        var path = Path.Combine(Path.GetDirectoryName(sourcePath) ?? "/", $"{cloneName}_VARS.fd");
        using var volume = libvirt.FindVolume(sourcePath);
        if (volume is not null)
        {
            using var pool = volume.GetPool();
            var described = volume.Describe();
            using var copy = pool.CopyVolume(new VolumeDefinition(Path.GetFileName(path), described.Capacity, described.Format), volume);
            made.Add(copy.Path);
        }
        else if (libvirt.IsLocal && File.Exists(sourcePath))
        {
            File.Copy(sourcePath, path);
            made.Add(path);
        }
        return path;
    }

    /// <summary>Stops and undefines the clone's domain (if any), then deletes the files made for it.</summary>
    private static async Task RemoveAsync(LibvirtDomain? domain, IReadOnlyList<string> files, Connection libvirt, ResourceContext context, int shutdownTimeout = 0)
    {
        if (domain is not null) await DomainPower.DeleteAsync(domain, shutdownTimeout, context);
        foreach (var path in files)
        {
            using var volume = libvirt.FindVolume(path);
            if (volume is not null) volume.Delete();
            else if (libvirt.IsLocal && File.Exists(path)) File.Delete(path);
        }
    }

    /// <param name="definition">The clone's persistent definition, as just read.</param>
    private static CloneState StateOf(CloneArgs inputs, LibvirtDomain domain, DomainDefinition definition, string sourceUuid, AppliedIdentity? identity, Connection libvirt)
    {
        return new CloneState
        {
            Uuid = domain.Uuid,
            Name = definition.Name,
            Source = inputs.Source,
            SourceUuid = sourceUuid,
            Description = inputs.Description,
            Mode = inputs.Mode,
            Disks = inputs.Disks,
            Pool = inputs.Pool,
            Macs = definition.Interfaces.Select(i => i.Mac ?? "").ToList(),
            Memory = (int)(definition.MemoryKiB / 1024),
            Vcpus = definition.Vcpus,
            Running = inputs.Running,
            Autostart = inputs.Autostart,
            ShutdownTimeout = inputs.ShutdownTimeout,
            Volumes = definition.Disks.Where(d => d.Path is not null).Select(d => VolumeOf(d, ModeOf(d, inputs), libvirt)).ToList(),
            State = TypeShape.CamelCase(domain.State.ToString()),
            Identity = identity,
        };
    }

    private static CloneVolume VolumeOf(DomainDisk disk, CloneDiskMode mode, Connection libvirt)
    {
        using var volume = libvirt.FindVolume(disk.Path!);
        var described = volume?.Describe();
        return new CloneVolume
        {
            Target = disk.Target,
            Mode = TypeShape.CamelCase(mode.ToString()),
            Key = described?.Key ?? "",
            Path = disk.Path!,
            BackingPath = mode == CloneDiskMode.Linked ? described?.BackingStore?.Path : null,
        };
    }

    /// <summary>
    /// The inputs that would declare a clone made elsewhere (pulumi import): the source, the mode its disks show
    /// (linked when they are overlays on the source's disks), and the disks it shares with the source or left out.
    /// </summary>
    private static CloneArgs Imported(DomainDefinition clone, string? sourceId, Connection libvirt)
    {
        var backingPaths = clone.Disks.Select(d => BackingPathOf(d, libvirt)).OfType<string>().ToHashSet();
        using var source = (sourceId is null ? null : libvirt.FindDomain(sourceId)) ?? InferSource(clone.Name, backingPaths, libvirt)
            ?? throw new ProviderException(ErrorKind.InvalidArgument,
                $"Cannot tell which domain '{clone.Name}' was cloned from. Import it with the id '{clone.Name}/SOURCE', naming the template domain.");
        var template = source.Describe();
        var overrides = new List<CloneDiskArgs>();
        foreach (var sourceDisk in template.Disks)
        {
            var cloneDisk = clone.Disks.FirstOrDefault(d => d.Target == sourceDisk.Target);
            if (cloneDisk is null)
                overrides.Add(new CloneDiskArgs { Target = sourceDisk.Target, Mode = CloneDiskMode.Skip });
            else if (cloneDisk.Path == sourceDisk.Path && !IsSharedByDefault(sourceDisk))
                overrides.Add(new CloneDiskArgs { Target = sourceDisk.Target, Mode = CloneDiskMode.Share });
        }
        return new CloneArgs
        {
            Source = template.Name,
            Name = clone.Name,
            Description = clone.Description == template.Description ? null : clone.Description,
            Mode = template.Disks.Any(d => d.Path is not null && backingPaths.Contains(d.Path)) ? CloneMode.Linked : CloneMode.Full,
            Disks = overrides,
            Memory = clone.MemoryKiB == template.MemoryKiB ? null : (int)(clone.MemoryKiB / 1024),
            Vcpus = clone.Vcpus == template.Vcpus ? null : clone.Vcpus,
        };
    }

    /// <summary>The domain whose disks the clone's disks are overlays on (their <paramref name="backingPaths"/>), if any.</summary>
    private static LibvirtDomain? InferSource(string cloneName, IReadOnlySet<string> backingPaths, Connection libvirt)
    {
        var source = libvirt.DescribeAllDomains().FirstOrDefault(d => d.Name != cloneName && d.Disks.Any(disk => disk.Path is not null && backingPaths.Contains(disk.Path)));
        return source is null ? null : libvirt.FindDomain(source.Name);
    }

    private static string? BackingPathOf(DomainDisk disk, Connection libvirt)
    {
        if (disk.Path is null) return null;
        using var volume = libvirt.FindVolume(disk.Path);
        return volume?.Describe().BackingStore?.Path;
    }
}
