using System.Globalization;
using System.Xml.Linq;

namespace PulumiLibvirt.Libvirt;

/// <summary>
/// A disk of a domain. Our definitions use file paths; domains defined elsewhere may name a pool volume instead.
/// </summary>
public sealed record DomainDisk
{
    /// <summary>
    /// The file or block device on the host; null for a disk that names a pool volume or has no medium.
    /// </summary>
    public string? Path { get; init; }

    /// <summary>For a disk of type 'volume': the pool and the volume's name in it.</summary>
    public (string Pool, string Volume)? PoolVolume { get; init; }

    /// <summary>The path is a block device of the host (a disk of type block), not a file.</summary>
    public bool BlockDevice { get; init; }

    public string Format { get; init; } = "raw";
    public string Device { get; init; } = "disk";
    public string Bus { get; init; } = "virtio";
    public string Target { get; init; } = "";
    public bool ReadOnly { get; init; }
    public bool Shareable { get; init; }
}

/// <summary>A network interface: on a libvirt network or on a host bridge.</summary>
public sealed record DomainInterface
{
    public string? Network { get; init; }
    public string? Bridge { get; init; }
    public string? Mac { get; init; }
    public string Model { get; init; } = "virtio";

    /// <summary>Read only, in a running domain's definition: the host's tap device of the interface (vnet0…).</summary>
    public string? Tap { get; init; }
}

/// <summary>The serial console: a pseudo-terminal (virsh console) or a file on the host.</summary>
public sealed record DomainConsole(string Type, string? Path);

public sealed record DomainGraphics(string Type, string Listen);

/// <summary>
/// The part of libvirt's domain XML this provider writes and reads, built from and parsed into typed values.
/// Devices are written in a fixed order and disks boot in the order given.
/// </summary>
public sealed record DomainDefinition
{
    public required string Name { get; init; }
    public string? Uuid { get; init; }
    public string? Description { get; init; }

    /// <summary>Who manages the domain (see <see cref="DomainOwner"/>); null for a domain nobody claimed.</summary>
    public string? Owner { get; init; }

    /// <summary>Set while the owner's create has not finished (see <see cref="DomainOwner"/>).</summary>
    public UnfinishedCreate? Unfinished { get; init; }

    /// <summary>The hypervisor type: kvm, or qemu for software emulation.</summary>
    public string Type { get; init; } = "kvm";

    public ulong MemoryKiB { get; init; }
    public int Vcpus { get; init; } = 1;

    /// <summary>"efi" for UEFI firmware chosen by libvirt; null for the default BIOS.</summary>
    public string? Firmware { get; init; }

    public string? Kernel { get; init; }
    public string? Initrd { get; init; }
    public string? Cmdline { get; init; }
    public IReadOnlyList<DomainDisk> Disks { get; init; } = [];
    public IReadOnlyList<DomainInterface> Interfaces { get; init; } = [];
    public DomainConsole? Console { get; init; }
    public DomainGraphics? Graphics { get; init; }

    /// <summary>Host folders the guest mounts (see <see cref="FilesystemXml"/>).</summary>
    public IReadOnlyList<DomainFilesystem> Filesystems { get; init; } = [];

    /// <summary>
    /// Not read back: an XSLT stylesheet <see cref="ToXml"/> applies last (see <see cref="DefinitionXslt"/>).
    /// </summary>
    public string? Xslt { get; init; }

    /// <summary>Whether the domain has the QEMU guest agent's virtio channel.</summary>
    public bool QemuAgent { get; init; }

    /// <summary>The name of the QEMU guest agent's virtio channel, which qemu-guest-agent in the guest opens.</summary>
    public const string AgentChannel = "org.qemu.guest_agent.0";

    /// <summary>An emulated TPM (see <see cref="TpmXml"/>); null for none.</summary>
    public DomainTpm? Tpm { get; init; }

    /// <summary>UEFI Secure Boot with Microsoft's keys (see <see cref="SecureBootXml"/>); needs firmware efi.</summary>
    public bool SecureBoot { get; init; }

    /// <summary>The guest's CPU mode and model; null leaves it to libvirt.</summary>
    public DomainCpu? Cpu { get; init; }

    /// <summary>The video model (virtio, qxl, vga, bochs, none); null leaves it to libvirt.</summary>
    public string? Video { get; init; }

    /// <summary>Whether the domain has a virtio RNG fed from the host (see <see cref="RngXml"/>).</summary>
    public bool Rng { get; init; }

    /// <summary>Read only (libvirt chooses it): the file of the domain's UEFI variables, when it has one.</summary>
    public string? NvramPath { get; init; }

    /// <summary>
    /// Read only (written by <see cref="CloneXml"/>): the UUID of the domain this one was cloned from.
    /// </summary>
    public string? ClonedFrom { get; init; }

    /// <summary>The fixed addresses the domain holds on networks (see <see cref="HostReservationXml"/>).</summary>
    public IReadOnlyList<HostReservation> Reservations { get; init; } = [];

    /// <summary>The definition's XML, transformed by <see cref="Xslt"/> when there is one.</summary>
    public string ToXml()
    {
        var os = new XElement("os", new XElement("type", "hvm"));
        if (Firmware is not null)
            os.Add(new XAttribute("firmware", Firmware));
        if (Kernel is not null)
            os.Add(new XElement("kernel", Kernel));
        if (Initrd is not null)
            os.Add(new XElement("initrd", Initrd));
        if (Cmdline is not null)
            os.Add(new XElement("cmdline", Cmdline));

        var devices = new XElement(
            "devices",
            Disks.Select(DiskXml),
            FilesystemXml.Elements(Filesystems),
            Interfaces.Select(InterfaceXml)
        );
        if (Disks.Any(d => d.Bus == "scsi"))
            devices.Add(
                new XElement("controller", new XAttribute("type", "scsi"), new XAttribute("model", "virtio-scsi"))
            );
        if (Console is not null)
            devices.Add(ConsoleXml(Console));
        if (Graphics is not null)
            devices.Add(GraphicsXml(Graphics));
        // libvirt chooses the host side's socket path.
        if (QemuAgent)
            devices.Add(
                new XElement(
                    "channel",
                    new XAttribute("type", "unix"),
                    new XElement("target", new XAttribute("type", "virtio"), new XAttribute("name", AgentChannel))
                )
            );
        if (Tpm is not null)
            devices.Add(TpmXml.Element(Tpm));
        if (Video is not null)
            devices.Add(VideoXml.Element(Video));
        if (Rng)
            devices.Add(RngXml.Element());

        var domain = new XElement("domain", new XAttribute("type", Type), new XElement("name", Name));
        if (Uuid is not null)
            domain.Add(new XElement("uuid", Uuid));
        if (!string.IsNullOrEmpty(Description))
            domain.Add(new XElement("description", Description));
        domain.Add(
            new XElement("memory", new XAttribute("unit", "KiB"), MemoryKiB.ToString(CultureInfo.InvariantCulture)),
            FilesystemXml.MemoryBacking(Filesystems),
            new XElement("vcpu", Vcpus.ToString(CultureInfo.InvariantCulture)),
            os,
            // ACPI lets a graceful shutdown reach the guest.
            new XElement("features", new XElement("acpi"), new XElement("apic")),
            Cpu is null ? null : CpuXml.Element(Cpu),
            devices
        );
        if (SecureBoot)
            SecureBootXml.Add(domain);
        if (Owner is not null)
            DomainOwner.Set(domain, Owner, Unfinished);
        if (HostReservationXml.ElementFor(Reservations) is { } reservations)
            DomainOwner.Metadata(domain).Add(reservations);
        var xml = domain.ToString(SaveOptions.DisableFormatting);
        return Xslt is null ? xml : DefinitionXslt.Apply(Xslt, xml);
    }

    private XElement DiskXml(DomainDisk disk, int index)
    {
        var element = new XElement(
            "disk",
            new XAttribute("type", disk.BlockDevice ? "block" : "file"),
            new XAttribute("device", disk.Device),
            new XElement("driver", new XAttribute("name", "qemu"), new XAttribute("type", disk.Format))
        );
        if (disk.Path is not null)
            element.Add(new XElement("source", new XAttribute(disk.BlockDevice ? "dev" : "file", disk.Path)));
        element.Add(new XElement("target", new XAttribute("dev", disk.Target), new XAttribute("bus", disk.Bus)));
        if (disk.ReadOnly)
            element.Add(new XElement("readonly"));
        if (disk.Shareable)
            element.Add(new XElement("shareable"));
        element.Add(new XElement("boot", new XAttribute("order", index + 1)));
        return element;
    }

    private static XElement InterfaceXml(DomainInterface nic)
    {
        var (type, attribute, value) = nic.Network is not null
            ? ("network", "network", nic.Network)
            : ("bridge", "bridge", nic.Bridge);
        var element = new XElement("interface", new XAttribute("type", type));
        if (nic.Mac is not null)
            element.Add(new XElement("mac", new XAttribute("address", nic.Mac)));
        element.Add(
            new XElement("source", new XAttribute(attribute, value ?? "")),
            new XElement("model", new XAttribute("type", nic.Model))
        );
        return element;
    }

    private static IEnumerable<XElement> ConsoleXml(DomainConsole console)
    {
        var source = console.Path is null ? null : new XElement("source", new XAttribute("path", console.Path));
        yield return new XElement(
            "serial",
            new XAttribute("type", console.Type),
            source,
            new XElement("target", new XAttribute("port", 0))
        );
        yield return new XElement(
            "console",
            new XAttribute("type", console.Type),
            source,
            new XElement("target", new XAttribute("type", "serial"), new XAttribute("port", 0))
        );
    }

    private static XElement GraphicsXml(DomainGraphics graphics) =>
        new(
            "graphics",
            new XAttribute("type", graphics.Type),
            new XAttribute("autoport", "yes"),
            new XElement("listen", new XAttribute("type", "address"), new XAttribute("address", graphics.Listen))
        );

    public static DomainDefinition Parse(string xml)
    {
        var domain = XElement.Parse(xml);
        var os = domain.Element("os");
        var devices = domain.Element("devices");
        var serial = devices?.Element("serial");
        var graphics = devices?.Element("graphics");
        return new DomainDefinition
        {
            Name = domain.Element("name")?.Value ?? "",
            Uuid = domain.Element("uuid")?.Value,
            Description = domain.Element("description")?.Value,
            Owner = DomainOwner.Of(domain),
            Unfinished = DomainOwner.UnfinishedOf(domain),
            ClonedFrom = CloneXml.SourceUuidOf(domain),
            Reservations = HostReservationXml.Of(domain),
            Type = domain.Attribute("type")?.Value ?? "kvm",
            MemoryKiB = Kibibytes(domain.Element("memory")),
            Vcpus = int.Parse(domain.Element("vcpu")?.Value ?? "1", CultureInfo.InvariantCulture),
            Firmware = os?.Attribute("firmware")?.Value,
            Kernel = os?.Element("kernel")?.Value,
            Initrd = os?.Element("initrd")?.Value,
            Cmdline = os?.Element("cmdline")?.Value,
            NvramPath = os?.Element("nvram")?.Value is { Length: > 0 } nvram ? nvram : null,
            Disks = devices?.Elements("disk").Select(ParseDisk).ToList() ?? [],
            Interfaces = devices?.Elements("interface").Select(ParseInterface).ToList() ?? [],
            Filesystems = FilesystemXml.Parse(devices),
            Console = serial is null
                ? null
                : new DomainConsole(
                    serial.Attribute("type")?.Value ?? "pty",
                    serial.Attribute("type")?.Value == "file"
                        ? serial.Element("source")?.Attribute("path")?.Value
                        : null
                ),
            Graphics = graphics is null
                ? null
                : new DomainGraphics(
                    graphics.Attribute("type")?.Value ?? "vnc",
                    graphics.Element("listen")?.Attribute("address")?.Value
                        ?? graphics.Attribute("listen")?.Value
                        ?? "127.0.0.1"
                ),
            QemuAgent = devices
                ?.Elements("channel")
                .Any(c => c.Element("target")?.Attribute("name")?.Value == AgentChannel)
                ?? false,
            Tpm = TpmXml.Of(domain),
            SecureBoot = SecureBootXml.Of(domain),
            Cpu = CpuXml.Of(domain),
            Video = VideoXml.Of(domain),
            Rng = RngXml.Of(domain),
        };
    }

    private static DomainDisk ParseDisk(XElement disk)
    {
        var source = disk.Element("source");
        var target = disk.Element("target");
        var pool = source?.Attribute("pool")?.Value;
        var volume = source?.Attribute("volume")?.Value;
        return new DomainDisk
        {
            Path = source?.Attribute("file")?.Value ?? source?.Attribute("dev")?.Value,
            PoolVolume = pool is not null && volume is not null ? (pool, volume) : null,
            BlockDevice = disk.Attribute("type")?.Value == "block",
            Format = disk.Element("driver")?.Attribute("type")?.Value ?? "raw",
            Device = disk.Attribute("device")?.Value ?? "disk",
            Bus = target?.Attribute("bus")?.Value ?? "",
            Target = target?.Attribute("dev")?.Value ?? "",
            ReadOnly = disk.Element("readonly") is not null,
            Shareable = disk.Element("shareable") is not null,
        };
    }

    private static DomainInterface ParseInterface(XElement nic)
    {
        var source = nic.Element("source");
        return new DomainInterface
        {
            Network = nic.Attribute("type")?.Value == "network" ? source?.Attribute("network")?.Value : null,
            Bridge = nic.Attribute("type")?.Value == "bridge" ? source?.Attribute("bridge")?.Value : null,
            Mac = nic.Element("mac")?.Attribute("address")?.Value,
            Model = nic.Element("model")?.Attribute("type")?.Value ?? "",
            Tap = nic.Element("target")?.Attribute("dev")?.Value,
        };
    }

    private static ulong Kibibytes(XElement? size)
    {
        if (size is null)
            return 0;
        var value = ulong.Parse(size.Value, CultureInfo.InvariantCulture);
        return (size.Attribute("unit")?.Value ?? "KiB") switch
        {
            "b" or "bytes" => value / 1024,
            "KiB" or "k" or "K" => value,
            "MiB" or "M" => value * 1024,
            "GiB" or "G" => value * 1024 * 1024,
            var unit => throw new FormatException($"Unexpected memory unit '{unit}' in domain XML."),
        };
    }
}
