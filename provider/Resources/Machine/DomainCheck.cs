using System.Net;
using System.Net.Sockets;
using PulumiLibvirt.Framework;
using PulumiLibvirt.Libvirt;

namespace PulumiLibvirt.Resources;

/// <summary>
/// Validates the inputs a Domain and a Clone share (name, disks, interfaces, firmware…) against the libvirt host,
/// collecting every failure with the property it names.
/// Values still unknown (a preview) are skipped; libvirt is only asked about known ones. Names and MACs of the
/// resource's <paramref name="own"/> domain are its own, not taken; <paramref name="token"/> is its type, for import
/// advice.
/// </summary>
internal sealed class DomainCheck(ICheckHost host, PropertyMarks marks, OwnDomain own, string token)
{
    public List<CheckFailure> Failures { get; } = [];

    public void Fail(string property, string reason) => Failures.Add(new CheckFailure(property, reason));

    public void Name(string? name)
    {
        if (!marks.IsKnown("name") || name is null)
            return;
        if (ObjectNames.Problem("name", name, "domain") is { } invalid)
        {
            Fail("name", invalid);
            return;
        }
        if (own.NameProblem(host, name, token, creating: false) is { } problem)
            Fail("name", problem);
    }

    /// <summary>
    /// Whether this host runs guests of <paramref name="type"/>: a kvm domain on a host without usable KVM would
    /// otherwise fail deep in libvirt. <paramref name="property"/> is where the type comes from.
    /// </summary>
    public bool HypervisorType(string type, string property, string? template = null)
    {
        var offered = host.GuestDomainTypes;
        if (offered.Contains(type))
            return true;
        var kvm = type == "kvm" ? " (/dev/kvm is missing or unusable)" : "";
        Fail(
            property,
            template is null
                ? $"'{property}' is {type}, but {host.Uri} cannot run {type} guests{kvm}; it offers "
                    + $"{string.Join(", ", offered)}. Set 'type: qemu' for software emulation (slower, needs no "
                    + "KVM), or "
                    + "use a host with KVM."
                : $"The template '{template}' is a {type} domain, but {host.Uri} cannot run {type} guests{kvm}; it "
                    + $"offers {string.Join(", ", offered)}. Make the template a qemu domain (software emulation), or "
                    + "clone it on a host with KVM."
        );
        return false;
    }

    public void ShutdownTimeout(int seconds)
    {
        if (seconds < 0)
            Fail("shutdownTimeout", "'shutdownTimeout' is a number of seconds, 0 or more.");
    }

    /// <param name="type">The hypervisor type (kvm, qemu…), whose vCPU limit applies; null when it is unknown or
    /// unusable.</param>
    public void Size(string? type, int memory, int vcpus)
    {
        if (marks.IsKnown("memory"))
        {
            var hostMiB = host.MemoryKiB / 1024;
            if (memory < 1 || (ulong)memory > hostMiB)
                Fail("memory", $"'memory' is {memory} MiB; it must be between 1 and the host's {hostMiB} MiB.");
        }
        if (marks.IsKnown("vcpus") && type is not null)
        {
            var max = host.MaxVcpus(type);
            if (vcpus < 1 || vcpus > max)
                Fail(
                    "vcpus",
                    $"'vcpus' is {vcpus}; it must be between 1 and {max}, the most this host's {type} allows."
                );
        }
    }

    /// <summary>
    /// Checks each disk and gives those without a bus the default for their device (a CD-ROM cannot be on virtio),
    /// and those without a target the next free name for their bus.
    /// </summary>
    public List<DomainDiskArgs> Disks(IReadOnlyList<DomainDiskArgs> disks)
    {
        var taken = new Dictionary<string, int>();
        disks = disks
            .Select(
                (disk, i) =>
                    disk.Bus is not null || !marks.IsKnown($"disks[{i}]")
                        ? disk
                        : disk with
                        {
                            Bus = DefaultBus(disk.Device),
                        }
            )
            .ToList();
        for (var i = 0; i < disks.Count; i++)
        {
            var (disk, path) = (disks[i], $"disks[{i}]");
            if (!marks.IsKnown(path))
                continue;
            if ((disk.Volume is null) == (disk.File is null))
                Fail(
                    path,
                    $"'{path}' needs exactly one of 'volume' (a volume's key or path) or 'file' (a path on the host)."
                );
            else if (disk.Volume is not null)
                VolumeUsable($"{path}.volume", disk.Volume, Writable(disk));
            else if (FileExists($"{path}.file", disk.File!))
            {
                if (
                    host.IsLocal
                    && HostFileCheck.DiskProblem($"{path}.file", disk.File!, disk.BlockDevice, $"{path}.blockDevice")
                        is { } problem
                )
                    Failures.Add(problem);
                else if (Writable(disk))
                    NotAnotherDomainsDisk($"{path}.file", disk.File!, null);
            }
            if (disk.BlockDevice && disk.File is null)
                Fail(
                    $"{path}.blockDevice",
                    $"'{path}.blockDevice' is for a 'file' that is a block device of the host; a volume's kind is "
                        + "its pool's. Remove it."
                );
            if (disk.Device == DiskDevice.Cdrom && disk.Bus == DiskBus.Virtio)
                Fail(
                    $"{path}.bus",
                    $"'{path}' is a CD-ROM, which cannot be on the virtio bus; set 'bus' to sata, scsi or ide."
                );
            if (disk.Target is { } target)
            {
                if (
                    !target.StartsWith(TargetPrefix(disk.Bus!.Value), StringComparison.Ordinal)
                    || target.Length < 3
                    || !target[2..].All(char.IsAsciiLetterLower)
                )
                    Fail(
                        $"{path}.target",
                        $"'{path}.target' \"{target}\" does not name a disk on the {LibvirtNames.Of(disk.Bus.Value)} "
                            + $"bus; use {TargetPrefix(disk.Bus.Value)}a, {TargetPrefix(disk.Bus.Value)}b… or leave it "
                            + "out."
                    );
                else if (!taken.TryAdd(target, i))
                    Fail(
                        $"{path}.target",
                        $"'{path}.target' {target} is already the target of disks[{taken[target]}]; two disks cannot "
                            + "share a target."
                    );
            }
        }
        return disks
            .Select(
                (disk, i) =>
                    disk.Target is not null || !marks.IsKnown($"disks[{i}]")
                        ? disk
                        : disk with
                        {
                            Target = NextFree(disk.Bus!.Value, taken, i),
                        }
            )
            .ToList();
    }

    public void NetworkInterfaces(IReadOnlyList<DomainNetworkInterfaceArgs> interfaces, bool running)
    {
        var macs = new List<(string, string)>();
        for (var i = 0; i < interfaces.Count; i++)
        {
            var (nic, path) = (interfaces[i], $"networkInterfaces[{i}]");
            if (!marks.IsKnown(path))
                continue;
            if ((nic.Network is null) == (nic.Bridge is null))
                Fail(
                    path,
                    $"'{path}' needs exactly one of 'network' (a libvirt network) or 'bridge' (a bridge on the host)."
                );
            else if (nic.Network is { } network)
                NetworkUsable($"{path}.network", network, running);
            else if (host.IsLocal && marks.IsKnown($"{path}.bridge") && !host.IsBridge(nic.Bridge!))
                Fail(
                    $"{path}.bridge",
                    $"'{path}.bridge' {ObjectNames.Quote(nic.Bridge!)} is not a bridge on this host "
                        + "(see `ip -br link show type bridge`), so the domain could not start. Create the bridge "
                        + "first, "
                        + "or use 'network' to attach to a libvirt network."
                );
            if (marks.IsKnown($"{path}.model") && !NicModels.Contains(nic.Model))
                Fail(
                    $"{path}.model",
                    $"'{path}.model' {ObjectNames.Quote(nic.Model)} is not a NIC model this provider knows; use one "
                        + $"of {string.Join(", ", NicModels)}."
                );
            if (nic.Mac is not null)
                macs.Add(($"{path}.mac", nic.Mac));
        }
        Macs(macs);
    }

    /// <summary>
    /// Each MAC must be well-formed, unicast, given once, and used by no domain but the resource's own.
    /// </summary>
    public void Macs(IReadOnlyList<(string Property, string Mac)> macs)
    {
        HashSet<string>? inUse = null;
        var given = new Dictionary<string, string>();
        foreach (var (property, value) in macs)
        {
            if (MacAddresses.Problem(value) is { } problem)
            {
                Fail(property, $"'{property}': {problem}");
                continue;
            }
            var mac = MacAddresses.Normalize(value);
            if (!given.TryAdd(mac, property))
                Fail(property, $"'{property}' {mac} is also given to {given[mac]}; each interface needs its own.");
            else if ((inUse ??= MacAddresses.InUse(host.Domains(), own)).Contains(mac))
                Fail(
                    property,
                    $"'{property}' {mac} is already used by another domain on {host.Uri}; two machines "
                        + "with one MAC disturb each other's traffic. Leave it out to get a free one."
                );
            else if (host.IsLocal && host.InterfaceWithMac(mac) is { } device)
                Fail(
                    property,
                    $"'{property}' {mac} is the address of the host's interface {device}: the guest would "
                        + "take the host's traffic. Leave it out to get a free one."
                );
        }
    }

    public void Boot(DomainArgs args)
    {
        if (args.Kernel is null)
        {
            if (args.Initrd is not null)
                Fail("initrd", "'initrd' is only used with 'kernel' (direct kernel boot); give 'kernel' too.");
            if (args.Cmdline is not null)
                Fail("cmdline", "'cmdline' is only used with 'kernel' (direct kernel boot); give 'kernel' too.");
            return;
        }
        if (marks.IsKnown("kernel"))
            BootFile("kernel", args.Kernel);
        if (args.Initrd is not null && marks.IsKnown("initrd"))
            BootFile("initrd", args.Initrd);
    }

    public void Console(DomainConsoleArgs? console)
    {
        if (console is null || !marks.IsKnown("console"))
            return;
        if (console.Type == ConsoleType.File && console.Path is null)
            Fail("console.path", "A console of type file needs 'console.path', the log file on the libvirt host.");
        else if (console.Type == ConsoleType.File && !console.Path!.StartsWith('/'))
            Fail("console.path", $"'console.path' \"{console.Path}\" must be an absolute path on the libvirt host.");
        else if (console.Type == ConsoleType.Pty && console.Path is not null)
            Fail(
                "console.path",
                "'console.path' is only used with type file; remove it or set 'console.type' to file."
            );
        else if (
            console.Type == ConsoleType.File
            && host.IsLocal
            && HostFileCheck.ConsoleProblem(console.Path!, host, own) is { } problem
        )
            Fail("console.path", problem);
    }

    /// <summary>The display listens on an IP address of the host: libvirt writes it into qemu's command line.</summary>
    public void Graphics(DomainGraphicsArgs? graphics)
    {
        if (graphics is null || !marks.IsKnown("graphics.listen"))
            return;
        // IPAddress.TryParse also takes "1" or "127.1"; a listen address is written out in full.
        var address =
            IPAddress.TryParse(graphics.Listen, out var parsed)
            && (parsed.AddressFamily == AddressFamily.InterNetworkV6 || graphics.Listen.Count(c => c == '.') == 3);
        if (!address || (host.IsLocal && !host.CanListenOn(parsed!)))
            Fail(
                "graphics.listen",
                $"'graphics.listen' {ObjectNames.Quote(graphics.Listen)} is not an IP address of the host; use "
                    + "127.0.0.1 (this machine only), 0.0.0.0 (every address) or one of the host's addresses."
            );
    }

    /// <summary>A CD-ROM is read-only whatever its inputs say.</summary>
    private static bool Writable(DomainDiskArgs disk) => !disk.ReadOnly && disk.Device == DiskDevice.Disk;

    /// <summary>
    /// A writable disk must be no other domain's disk: two machines writing one image corrupt it (a template's disk,
    /// given to a new domain, breaks the template and every clone made of it). A disk another domain has as shareable
    /// is shared on purpose, and a read-only disk of this one writes nothing.
    /// </summary>
    private void NotAnotherDomainsDisk(string property, string path, (string Pool, string Volume)? poolVolume)
    {
        var resolved = host.IsLocal ? HostFileCheck.Resolve(path) : path;
        var users = host.Domains()
            .Where(d => !own.Owns(d))
            .Where(d =>
                d.Disks.Any(disk =>
                    !disk.Shareable
                    && (
                        (poolVolume is not null && disk.PoolVolume == poolVolume)
                        || (disk.Path is { } other && (host.IsLocal ? HostFileCheck.Resolve(other) : other) == resolved)
                    )
                )
            )
            .Select(d => $"'{d.Name}'")
            .ToList();
        if (users.Count > 0)
            Fail(
                property,
                $"'{property}' {HostFileCheck.Named(path, resolved)} is already a disk of domain "
                    + $"{string.Join(", ", users)}: two machines writing one disk corrupt it. Give this domain its own "
                    + "copy or overlay (a Volume with a backingStore, or a Clone), or set 'readOnly: true'."
            );
    }

    public void Description(string? description)
    {
        if (description is null || !marks.IsKnown("description"))
            return;
        const string Fix = "Shorten it, and keep long documents elsewhere.";
        if (TextBound.Problem("description", description, TextBound.DescriptionBytes, Fix) is { } problem)
            Fail("description", problem);
    }

    /// <summary>
    /// The NIC models QEMU emulates on x86 and ARM machines; libvirt passes any word on, and qemu would fail at start.
    /// </summary>
    public static readonly IReadOnlyList<string> NicModels =
    [
        "virtio",
        "virtio-transitional",
        "virtio-non-transitional",
        "e1000",
        "e1000e",
        "igb",
        "rtl8139",
        "vmxnet3",
        "ne2k_pci",
        "pcnet",
        "i82559er",
        "usb-net",
    ];

    /// <summary>
    /// The volume must exist; a volume whose file is a link (which a directory pool lists as a volume) must lead to a
    /// disk image, never to any other file of the host.
    /// </summary>
    private void VolumeUsable(string property, string keyOrPath, bool writable)
    {
        var volume = host.FindVolume(keyOrPath);
        if (volume is null)
            Fail(
                property,
                $"No volume with key or path '{keyOrPath}' exists on {host.Uri}. Create it first, or "
                    + "declare it as a Volume and pass its key."
            );
        else if (HostFileCheck.LinkedImageProblem(host.IsLocal, volume.Path) is { } problem)
            Fail(property, $"'{property}': the volume's file {problem}.");
        else if (writable)
            NotAnotherDomainsDisk(property, volume.Path, PoolVolume(volume));
    }

    /// <summary>
    /// The volume as a domain's disk of type volume names it (pool and volume), found by the pool whose folder holds
    /// it; null when no pool's folder does.
    /// </summary>
    private (string Pool, string Volume)? PoolVolume(VolumeDescription volume) =>
        host.Pools().FirstOrDefault(p => p.Path.TrimEnd('/') == Path.GetDirectoryName(volume.Path)) is { } pool
            ? (pool.Name, volume.Name)
            : null;

    /// <summary>
    /// A file the domain needs must exist. On a local connection the provider looks itself; on a remote one libvirt
    /// looks on the host, through the file's pool or a transient pool over its folder.
    /// </summary>
    private bool FileExists(string property, string path)
    {
        if (!path.StartsWith('/'))
        {
            Fail(property, $"'{property}' \"{path}\" must be an absolute path on the libvirt host.");
            return false;
        }
        if (host.FindVolume(path) is not null || (host.IsLocal && LocalFiles.KindOf(path) != LocalFileKind.Missing))
            return true;
        if (host.IsLocal)
        {
            Fail(
                property,
                $"'{property}': the file {HostFileCheck.Named(path, HostFileCheck.Resolve(path))} does not exist."
            );
            return false;
        }
        try
        {
            if (host.HostFile(path) is not null)
                return true;
            Fail(property, $"'{property}': the file '{path}' does not exist on {host.Uri}.");
        }
        catch (LibvirtException e)
        {
            Fail(
                property,
                $"'{property}': libvirt could not look for '{path}' on {host.Uri} ({e.Message}); put the "
                    + "file in a pool's folder (e.g. /var/lib/libvirt/images), or check that its folder exists there."
            );
        }
        return false;
    }

    /// <summary>A kernel or initrd must exist and, on a local host, be a regular file that is not text.</summary>
    private void BootFile(string property, string path)
    {
        if (FileExists(property, path) && host.IsLocal && HostFileCheck.BootFileProblem(property, path) is { } problem)
            Fail(property, problem);
    }

    private void NetworkUsable(string property, string network, bool running)
    {
        var (exists, active) = host.NetworkStatus(network);
        if (!exists)
            Fail(
                property,
                $"'{property}': no libvirt network named '{network}' exists on {host.Uri} (see "
                    + "`virsh net-list --all`)."
            );
        else if (!active)
            Fail(
                property,
                $"'{property}': the network '{network}' is not active, so the domain could not "
                    + $"start{(running ? "" : " when it is started later")}. Start it with `virsh net-start {network}` "
                    + $"(and `virsh net-autostart {network}`)."
            );
    }

    /// <summary>The bus a disk is on when none is given: virtio, which cannot carry a CD-ROM; sata for one.</summary>
    public static DiskBus DefaultBus(DiskDevice device) => device == DiskDevice.Cdrom ? DiskBus.Sata : DiskBus.Virtio;

    private static string TargetPrefix(DiskBus bus) =>
        bus switch
        {
            DiskBus.Virtio => "vd",
            DiskBus.Ide => "hd",
            _ => "sd",
        };

    /// <summary>The first free target name for the bus (vda…vdz, vdaa…), recording it as taken.</summary>
    private static string NextFree(DiskBus bus, Dictionary<string, int> taken, int disk)
    {
        for (var n = 0; ; n++)
        {
            var name = TargetPrefix(bus) + Letters(n);
            if (taken.TryAdd(name, disk))
                return name;
        }
    }

    private static string Letters(int n) =>
        n < 26 ? ((char)('a' + n)).ToString() : Letters(n / 26 - 1) + (char)('a' + n % 26);
}
