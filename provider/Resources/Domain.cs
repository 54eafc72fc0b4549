using System.ComponentModel;
using PulumiLibvirt.Libvirt;
using PulumiLibvirt.Resources.Framework;

namespace PulumiLibvirt.Resources;

public enum DomainType { Kvm, Qemu }

public enum DiskDevice { Disk, Cdrom }

public enum DiskBus { Virtio, Sata, Scsi, Ide }

public enum DomainFirmware { Bios, Efi }

public enum ConsoleType { Pty, File }

public enum GraphicsType { Vnc, Spice }

[Description("A disk of a domain: a storage volume or a file on the libvirt host.")]
public sealed record DomainDiskArgs
{
    [Description("Key or path of a storage volume (for example a Volume's key). Give either this or 'file'.")]
    public string? Volume { get; init; }

    [Description("Path of a file on the libvirt host (an ISO image, a disk image outside any pool). Give either this or 'volume'.")]
    public string? File { get; init; }

    [Description("What the guest sees: a disk or a CD-ROM drive.")]
    public DiskDevice Device { get; init; } = DiskDevice.Disk;

    [Description("The bus the disk is on. A CD-ROM needs sata, scsi or ide.")]
    public DiskBus Bus { get; init; } = DiskBus.Virtio;

    [Description("The device name in the guest (vda, sdb, hdc…). Default: the next free name for the bus, in list order.")]
    public string? Target { get; init; }

    [Description("Attach the disk read-only.")]
    public bool ReadOnly { get; init; }
}

[Description("A network interface of a domain.")]
public sealed record DomainNetworkInterfaceArgs
{
    [Description("Name of a libvirt network (e.g. default). Give either this or 'bridge'.")]
    public string? Network { get; init; }

    [Description("Name of a bridge on the host (e.g. br0). Give either this or 'network'.")]
    public string? Bridge { get; init; }

    [Description("MAC address. Default: a random 52:54:00:xx:xx:xx that no other domain uses, kept for the life of the domain.")]
    public string? Mac { get; init; }

    [Description("The NIC model the guest sees (virtio, e1000e, rtl8139…).")]
    public string Model { get; init; } = "virtio";
}

[Description("The domain's serial console.")]
public sealed record DomainConsoleArgs
{
    [Description("pty: a pseudo-terminal (virsh console); file: everything the guest writes goes to 'path' on the host.")]
    public ConsoleType Type { get; init; } = ConsoleType.Pty;

    [Description("For type file: the log file's path on the libvirt host.")]
    public string? Path { get; init; }
}

[Description("A graphical display for the domain.")]
public sealed record DomainGraphicsArgs
{
    [Description("The display protocol.")]
    public required GraphicsType Type { get; init; }

    [Description("The host address the display listens on; its port is chosen by libvirt.")]
    public string Listen { get; init; } = "127.0.0.1";
}

public sealed record DomainArgs
{
    [AutoName, ReplaceOnChange]
    [Description("Name of the domain. Default: the resource name plus a random suffix.")]
    public string? Name { get; init; }

    [Description("A free-form description, shown by virsh and virt-manager.")]
    public string? Description { get; init; }

    [ReplaceOnChange]
    [Description("kvm (hardware virtualisation) or qemu (software emulation, slower, works without /dev/kvm).")]
    public DomainType Type { get; init; } = DomainType.Kvm;

    [Description("Memory in MiB.")]
    public int Memory { get; init; } = 512;

    [Description("Number of virtual CPUs.")]
    public int Vcpus { get; init; } = 1;

    [Description("The disks, in boot order.")]
    public IReadOnlyList<DomainDiskArgs> Disks { get; init; } = [];

    [Description("The network interfaces, in order.")]
    public IReadOnlyList<DomainNetworkInterfaceArgs> NetworkInterfaces { get; init; } = [];

    [ReplaceOnChange]
    [Description("bios or efi (UEFI firmware and its NVRAM chosen by libvirt).")]
    public DomainFirmware Firmware { get; init; } = DomainFirmware.Bios;

    [Description("Direct kernel boot: path of the kernel on the libvirt host.")]
    public string? Kernel { get; init; }

    [Description("Direct kernel boot: path of the initrd on the libvirt host.")]
    public string? Initrd { get; init; }

    [Description("Direct kernel boot: the kernel command line.")]
    public string? Cmdline { get; init; }

    [Description("The serial console. Default: a pty.")]
    public DomainConsoleArgs? Console { get; init; }

    [Description("A graphical display (VNC or SPICE). Default: none.")]
    public DomainGraphicsArgs? Graphics { get; init; }

    [Description("Whether the domain runs. Setting it to false shuts the guest down (by force after 'shutdownTimeout').")]
    public bool Running { get; init; } = true;

    [Description("Whether libvirt starts the domain when the host boots.")]
    public bool Autostart { get; init; }

    [Description("Seconds to wait for a graceful shutdown before stopping the domain by force (on delete or running: false).")]
    public int ShutdownTimeout { get; init; } = 30;
}

public sealed record DomainState
{
    [Computed]
    [Description("The domain's UUID (also the resource id).")]
    public string Uuid { get; init; } = "";

    [Description("Name of the domain.")]
    public string Name { get; init; } = "";

    public string? Description { get; init; }
    public DomainType Type { get; init; }
    public int Memory { get; init; }
    public int Vcpus { get; init; }
    public IReadOnlyList<DomainDiskArgs> Disks { get; init; } = [];
    public IReadOnlyList<DomainNetworkInterfaceArgs> NetworkInterfaces { get; init; } = [];
    public DomainFirmware Firmware { get; init; }
    public string? Kernel { get; init; }
    public string? Initrd { get; init; }
    public string? Cmdline { get; init; }
    public DomainConsoleArgs? Console { get; init; }
    public DomainGraphicsArgs? Graphics { get; init; }
    public bool Running { get; init; }
    public bool Autostart { get; init; }
    public int ShutdownTimeout { get; init; }

    [Computed]
    [Description("The MAC address of each network interface, in order: given, or assigned once and kept.")]
    public IReadOnlyList<string> Macs { get; init; } = [];

    [Computed]
    [Description("What the domain is doing, as libvirt says: running, shutoff, paused…")]
    public string State { get; init; } = "";
}

[Description("A libvirt virtual machine (domain) that boots from declared volumes or files.")]
public sealed class Domain : Resource<DomainArgs, DomainState>
{
    public override string Token => "libvirt:index:Domain";

    // Changes to these redefine the persistent definition; a running domain sees them at its next boot.
    private static readonly string[] DefinitionProperties =
        ["memory", "vcpus", "disks", "networkInterfaces", "console", "graphics", "kernel", "initrd", "cmdline"];

    protected override Task<Checked<DomainArgs>> CheckAsync(DomainArgs news, DomainArgs? olds, PropertyMarks marks, ResourceContext context)
    {
        var check = new DomainCheck(context.Libvirt, marks, new OwnDomain(context.Urn, olds?.Name));
        check.Name(news.Name);
        var type = Lower(news.Type);
        check.Size(marks.IsKnown("type") && check.HypervisorType(type, "type") ? type : null, news.Memory, news.Vcpus);
        var disks = check.Disks(news.Disks);
        check.NetworkInterfaces(news.NetworkInterfaces, news.Running);
        check.Boot(news);
        check.Console(news.Console);
        if (news.ShutdownTimeout < 0)
            check.Fail("shutdownTimeout", "'shutdownTimeout' is a number of seconds, 0 or more.");
        var inputs = news with
        {
            Disks = disks,
            NetworkInterfaces = news.NetworkInterfaces.Select(n => n.Mac is null ? n : n with { Mac = MacAddresses.Normalize(n.Mac) }).ToList(),
        };
        return Task.FromResult(new Checked<DomainArgs>(inputs, check.Failures));
    }

    /// <summary>
    /// The replacement cannot run beside the old domain when it takes its name, one of its MACs (both machines on
    /// one network with one address), one of its writable disks (two machines writing one disk corrupt it) or its
    /// console log file.
    /// </summary>
    protected override bool DeleteBeforeReplace(Replacement<DomainArgs, DomainState> replacement)
    {
        var (olds, oldState, news) = (replacement.Olds, replacement.OldState, replacement.News);
        static IEnumerable<string?> WritableDisks(DomainArgs args) =>
            args.Disks.Where(d => d.Device == DiskDevice.Disk && !d.ReadOnly).Select(d => d.Volume ?? d.File);
        static string? ConsoleFile(DomainArgs args) => args.Console is { Type: ConsoleType.File } console ? console.Path : null;
        return replacement.KeepsName
            || news.NetworkInterfaces.Any(n => n.Mac is { } mac && oldState.Macs.Contains(MacAddresses.Normalize(mac)))
            || WritableDisks(news).Intersect(WritableDisks(olds)).Any()
            || (ConsoleFile(news) is { } log && log == ConsoleFile(olds));
    }

    protected override async Task<(string Id, DomainState State)> CreateAsync(DomainArgs inputs, ResourceContext context)
    {
        var libvirt = context.Libvirt;
        LibvirtDomain domain;
        await MacAddresses.DefineLock.WaitAsync(context.Cancellation);
        try
        {
            OwnDomain.EnsureNameFree(libvirt, inputs.Name!, context.Urn, Token);
            var macs = AssignMacs(inputs.NetworkInterfaces, [], MacAddresses.InUse(libvirt));
            domain = libvirt.DefineDomain(Definition(inputs, null, macs, context));
        }
        finally
        {
            MacAddresses.DefineLock.Release();
        }
        using (domain)
        {
            try
            {
                domain.Autostart = inputs.Autostart;
                if (inputs.Running) domain.Start();
            }
            catch (Exception failure)
            {
                // A domain that cannot start is not left defined behind the engine's back.
                try
                {
                    domain.Undefine();
                }
                catch (LibvirtException undo)
                {
                    throw new ResourceInitFailedException(domain.Uuid, PropertyMapper.Encode(StateOf(inputs, domain, domain.Describe())),
                        $"{failure.Message}; the domain could not be undefined again ({undo.Message}), so it is recorded as made: fix the cause and run `pulumi up` again, or `pulumi destroy`.");
                }
                throw ProviderException.AfterRollback(failure);
            }
            var state = StateOf(inputs, domain, domain.Describe());
            return (state.Uuid, state);
        }
    }

    protected override Task<(string Id, DomainArgs Inputs, DomainState State)?> ReadAsync(string id, DomainArgs? inputs, DomainState? oldState, ResourceContext context)
    {
        using var domain = context.Libvirt.FindDomain(id);
        if (domain is null) return Task.FromResult<(string, DomainArgs, DomainState)?>(null);
        var definition = domain.Describe();
        OwnDomain.Claim(domain, definition, context.Urn);
        // What can drift outside Pulumi is read back into the inputs, so that the next preview proposes to undo it.
        var read = (inputs ?? Imported(definition, context.Libvirt)) with
        {
            Description = string.IsNullOrEmpty(definition.Description) ? null : definition.Description,
            Memory = (int)(definition.MemoryKiB / 1024),
            Vcpus = definition.Vcpus,
            Running = domain.IsActive,
            Autostart = domain.Autostart,
        };
        var state = StateOf(read, domain, definition);
        return Task.FromResult<(string, DomainArgs, DomainState)?>((state.Uuid, read, state));
    }

    protected override async Task<DomainState> UpdateAsync(string id, DomainArgs olds, DomainArgs news, DomainState state, ResourceContext context)
    {
        var libvirt = context.Libvirt;
        using var domain = libvirt.FindDomain(id)
            ?? throw new ProviderException(ErrorKind.NotFound, $"Domain '{id}' no longer exists; run `pulumi refresh` to recreate it.");
        var changed = ChangedInputs(olds, news);
        if (DefinitionProperties.Any(changed.Contains))
        {
            await MacAddresses.DefineLock.WaitAsync(context.Cancellation);
            try
            {
                var macs = AssignMacs(news.NetworkInterfaces, state.Macs, MacAddresses.InUse(libvirt, new OwnDomain(context.Urn, news.Name)));
                using var redefined = libvirt.DefineDomain(Definition(news, domain.Uuid, macs, context));
            }
            finally
            {
                MacAddresses.DefineLock.Release();
            }
            if (domain.IsActive && news.Running)
            {
                await context.InfoAsync($"Domain '{news.Name}' is running: the change to {string.Join(", ", DefinitionProperties.Where(changed.Contains))} takes effect at its next boot.");
            }
        }
        if (changed.Contains("description")) domain.SetDescription(news.Description);
        if (changed.Contains("autostart")) domain.Autostart = news.Autostart;
        await DomainPower.ApplyAsync(domain, news.Running, news.ShutdownTimeout, context);
        return StateOf(news, domain, domain.Describe());
    }

    protected override async Task DeleteAsync(string id, DomainState state, ResourceContext context)
    {
        using var domain = context.Libvirt.FindDomain(id);
        if (domain is null) return;
        await DomainPower.DeleteAsync(domain, state.ShutdownTimeout, context);
    }

    /// <summary>Each interface's MAC: the one given, else the one it had, else a new one no domain uses.</summary>
    private static List<string> AssignMacs(IReadOnlyList<DomainNetworkInterfaceArgs> interfaces, IReadOnlyList<string> kept, HashSet<string> used)
    {
        var macs = new List<string>();
        for (var i = 0; i < interfaces.Count; i++)
        {
            var mac = interfaces[i].Mac ?? kept.ElementAtOrDefault(i);
            if (mac is not null && !used.Add(mac) && interfaces[i].Mac is not null)
                throw new ProviderException(ErrorKind.FailedPrecondition, $"networkInterfaces[{i}].mac: {mac} is already used by another domain. If that is the domain this resource replaces, add the resource option `deleteBeforeReplace: true`.");
            macs.Add(mac ?? MacAddresses.NewUnique(used));
        }
        return macs;
    }

    /// <summary>The domain's definition, marked as the resource's own (its URN).</summary>
    private static DomainDefinition Definition(DomainArgs inputs, string? uuid, IReadOnlyList<string> macs, ResourceContext context) => new()
    {
        Name = inputs.Name!,
        Uuid = uuid,
        Owner = context.Urn,
        Description = inputs.Description,
        Type = Lower(inputs.Type),
        MemoryKiB = (ulong)inputs.Memory * 1024,
        Vcpus = inputs.Vcpus,
        Firmware = inputs.Firmware == DomainFirmware.Efi ? "efi" : null,
        Kernel = inputs.Kernel,
        Initrd = inputs.Initrd,
        Cmdline = inputs.Cmdline,
        Disks = inputs.Disks.Select((disk, i) => ResolveDisk(disk, i, context.Libvirt)).ToList(),
        Interfaces = inputs.NetworkInterfaces.Select((nic, i) => new DomainInterface
        {
            Network = nic.Network,
            Bridge = nic.Bridge,
            Mac = macs[i],
            Model = nic.Model,
        }).ToList(),
        Console = inputs.Console is { } console ? new DomainConsole(Lower(console.Type), console.Path) : new DomainConsole("pty", null),
        Graphics = inputs.Graphics is { } graphics ? new DomainGraphics(Lower(graphics.Type), graphics.Listen) : null,
    };

    private static DomainDisk ResolveDisk(DomainDiskArgs disk, int index, Connection libvirt)
    {
        string path, format;
        if (disk.Volume is not null)
        {
            using var volume = libvirt.FindVolume(disk.Volume)
                ?? throw new ProviderException(ErrorKind.NotFound, $"disks[{index}].volume: no volume '{disk.Volume}' exists on {libvirt.Uri}.");
            var described = volume.Describe();
            (path, format) = (described.Path, described.Format);
        }
        else
        {
            path = disk.File!;
            using var volume = libvirt.FindVolume(path);
            format = volume?.Describe().Format ?? "raw";
        }
        return new DomainDisk
        {
            Path = path,
            // libvirt's pools call ISO images "iso"; qemu reads them as raw.
            Format = format == "iso" ? "raw" : format,
            Device = Lower(disk.Device),
            Bus = Lower(disk.Bus),
            Target = disk.Target!,
            ReadOnly = disk.ReadOnly,
        };
    }

    /// <param name="definition">The domain's persistent definition, as just read.</param>
    private static DomainState StateOf(DomainArgs inputs, LibvirtDomain domain, DomainDefinition definition)
    {
        return new DomainState
        {
            Uuid = domain.Uuid,
            Name = inputs.Name!,
            Description = inputs.Description,
            Type = inputs.Type,
            Memory = inputs.Memory,
            Vcpus = inputs.Vcpus,
            Disks = inputs.Disks,
            NetworkInterfaces = inputs.NetworkInterfaces,
            Firmware = inputs.Firmware,
            Kernel = inputs.Kernel,
            Initrd = inputs.Initrd,
            Cmdline = inputs.Cmdline,
            Console = inputs.Console,
            Graphics = inputs.Graphics,
            Running = inputs.Running,
            Autostart = inputs.Autostart,
            ShutdownTimeout = inputs.ShutdownTimeout,
            Macs = definition.Interfaces.Select(i => i.Mac ?? "").ToList(),
            State = TypeShape.CamelCase(domain.State.ToString()),
        };
    }

    /// <summary>The inputs that would declare an existing domain (pulumi import).</summary>
    private static DomainArgs Imported(DomainDefinition definition, Connection libvirt) => new()
    {
        Name = definition.Name,
        Type = Parse<DomainType>(definition.Type, "type"),
        Firmware = definition.Firmware == "efi" ? DomainFirmware.Efi : DomainFirmware.Bios,
        Kernel = definition.Kernel,
        Initrd = definition.Initrd,
        Cmdline = definition.Cmdline,
        Disks = definition.Disks.Select(disk => ImportedDisk(disk, libvirt)).ToList(),
        NetworkInterfaces = definition.Interfaces.Select(nic => nic.Network is null && nic.Bridge is null
            ? throw new ProviderException(ErrorKind.InvalidArgument, $"Domain '{definition.Name}' has an interface that is neither on a libvirt network nor on a bridge; this provider cannot manage it.")
            : new DomainNetworkInterfaceArgs { Network = nic.Network, Bridge = nic.Bridge, Mac = nic.Mac, Model = nic.Model }).ToList(),
        Console = definition.Console is { Type: "pty" or "file" } console
            ? new DomainConsoleArgs { Type = Parse<ConsoleType>(console.Type, "console"), Path = console.Path }
            : null,
        Graphics = definition.Graphics is { Type: "vnc" or "spice" } graphics
            ? new DomainGraphicsArgs { Type = Parse<GraphicsType>(graphics.Type, "graphics"), Listen = graphics.Listen }
            : null,
    };

    private static DomainDiskArgs ImportedDisk(DomainDisk disk, Connection libvirt)
    {
        string? volumeKey = null;
        if (disk.PoolVolume is var (poolName, volumeName))
        {
            using var pool = libvirt.LookupPool(poolName);
            using var volume = pool.FindVolume(volumeName);
            volumeKey = volume?.Key;
        }
        else if (disk.Path is not null)
        {
            using var volume = libvirt.FindVolume(disk.Path);
            volumeKey = volume?.Key;
        }
        if (volumeKey is null && disk.Path is null)
            throw new ProviderException(ErrorKind.InvalidArgument, $"Disk '{disk.Target}' has no file or volume (an empty drive?); this provider cannot declare it.");
        return new DomainDiskArgs
        {
            Volume = volumeKey,
            File = volumeKey is null ? disk.Path : null,
            Device = Parse<DiskDevice>(disk.Device, $"disk {disk.Target}"),
            Bus = Parse<DiskBus>(disk.Bus, $"disk {disk.Target}"),
            Target = disk.Target,
            ReadOnly = disk.ReadOnly,
        };
    }

    private static T Parse<T>(string value, string what) where T : struct, Enum
    {
        foreach (var candidate in Enum.GetValues<T>())
        {
            if (Lower(candidate) == value) return candidate;
        }
        throw new ProviderException(ErrorKind.InvalidArgument,
            $"The domain's {what} is '{value}'; this provider manages {string.Join(", ", Enum.GetValues<T>().Select(v => Lower(v)))} only.");
    }

    internal static string Lower<T>(T value) where T : struct, Enum => TypeShape.CamelCase(value.ToString());
}
