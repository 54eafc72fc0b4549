using System.Globalization;
using System.Xml.Linq;

namespace PulumiLibvirt.Libvirt;

/// <summary>A clone's own copy or overlay of a source disk: its file and image format.</summary>
public sealed record ClonedDisk(string Path, string Format);

/// <summary>What makes a clone a machine of its own; everything else is the source's.</summary>
public sealed record CloneChanges
{
    public required string Name { get; init; }
    public required string Uuid { get; init; }
    public required string SourceUuid { get; init; }

    /// <summary>Who manages the clone (see <see cref="DomainOwner"/>); a source's owner is never inherited.</summary>
    public required string Owner { get; init; }

    /// <summary>What the create still makes, noted with the owner until it finishes.</summary>
    public UnfinishedCreate? Unfinished { get; init; }

    /// <summary>Null keeps the source's description.</summary>
    public string? Description { get; init; }

    /// <summary>One per interface, in order.</summary>
    public required IReadOnlyList<string> Macs { get; init; }

    /// <summary>
    /// By target: the clone's own file for a copied or linked disk, null for a disk left out. Disks not listed are
    /// shared.
    /// </summary>
    public required IReadOnlyDictionary<string, ClonedDisk?> Disks { get; init; }

    /// <summary>The clone's own NVRAM file, when the source has one.</summary>
    public string? NvramPath { get; init; }

    public ulong? MemoryKiB { get; init; }
    public int? Vcpus { get; init; }

    /// <summary>The clone's TPM device and CPU, taking the place of the source's; null keeps the source's.</summary>
    public DomainTpm? Tpm { get; init; }
    public DomainCpu? Cpu { get; init; }

    /// <summary>
    /// A NoCloud seed for the clone alone: the CD-ROM at its target gets the seed's file, or is added (sata).
    /// </summary>
    public CloneSeed? Seed { get; init; }

    /// <summary>The clone's shared folders, in place of the source's; null keeps the source's.</summary>
    public IReadOnlyList<DomainFilesystem>? Filesystems { get; init; }

    /// <summary>An XSLT stylesheet applied to the clone's definition last (see <see cref="DefinitionXslt"/>).</summary>
    public string? Xslt { get; init; }
}

/// <summary>The seed's file, and the CD-ROM target it goes to: the source's seed drive, or a free one.</summary>
public sealed record CloneSeed(string Target, string Path);

/// <summary>
/// Turns a source domain's persistent XML into its clone's, the way virt-clone does and one step further: new name,
/// UUID (and SMBIOS system UUID), MACs, disks, NVRAM, graphics on automatic ports, and file-backed character
/// devices (serial, console logs) renamed after the clone so the two machines never write one log.
/// </summary>
public static class CloneXml
{
    /// <summary>Where the provider notes which domain a clone was made from (found again on import).</summary>
    public static readonly XNamespace MetadataNamespace = "urn:pulumi-resource-libvirt:clone";

    public static string Make(string sourceXml, CloneChanges changes)
    {
        var domain = XElement.Parse(sourceXml);
        var sourceName = domain.Element("name")!.Value;
        domain.Element("name")!.Value = changes.Name;
        SetChild(domain, "uuid", changes.Uuid);
        foreach (
            var entry in domain
                .Elements("sysinfo")
                .Elements("system")
                .Elements("entry")
                .Where(e => e.Attribute("name")?.Value == "uuid")
        )
            entry.Value = changes.Uuid;
        if (changes.Description is not null)
            SetChild(domain, "description", changes.Description);
        SetMetadata(domain, changes.SourceUuid);
        DomainOwner.Set(domain, changes.Owner, changes.Unfinished);
        Resize(domain, changes.MemoryKiB, changes.Vcpus);
        if (changes.NvramPath is not null && domain.Element("os")?.Element("nvram") is { } nvram)
            nvram.Value = changes.NvramPath;
        if (changes.Tpm is not null)
            TpmXml.Set(domain, changes.Tpm);
        if (changes.Cpu is not null)
            CpuXml.Set(domain, changes.Cpu);

        if (changes.Filesystems is { } filesystems)
            FilesystemXml.Replace(domain, filesystems);
        var devices = domain.Element("devices");
        if (devices is null)
            return Transformed(domain, changes.Xslt);
        foreach (var disk in devices.Elements("disk").ToList())
        {
            var target = disk.Element("target")?.Attribute("dev")?.Value ?? "";
            if (!changes.Disks.TryGetValue(target, out var cloned))
                continue;
            if (cloned is null)
            {
                disk.Remove();
                continue;
            }
            PointAt(disk, cloned);
        }
        if (changes.Seed is { } seed)
            SetSeed(devices, seed);
        foreach (var (nic, mac) in devices.Elements("interface").Zip(changes.Macs))
        {
            var element = nic.Element("mac");
            if (element is null)
                nic.AddFirst(element = new XElement("mac"));
            element.SetAttributeValue("address", mac);
        }
        foreach (
            var graphics in devices
                .Elements("graphics")
                .Where(g => g.Attribute("autoport")?.Value != "yes" && g.Attribute("port") is { Value: not "-1" })
        )
        {
            // A fixed port would be taken by whichever machine starts first; the other would fail to start.
            graphics.Attribute("port")?.Remove();
            graphics.Attribute("tlsPort")?.Remove();
            graphics.SetAttributeValue("autoport", "yes");
        }
        foreach (var device in devices.Elements().Where(IsCharacterDevice))
        {
            if (device.Attribute("type")?.Value == "file" && device.Element("source")?.Attribute("path") is { } path)
                path.Value = RenamedFile(path.Value, sourceName, changes.Name);
            if (device.Element("log")?.Attribute("file") is { } log)
                log.Value = RenamedFile(log.Value, sourceName, changes.Name);
        }
        return Transformed(domain, changes.Xslt);
    }

    private static string Transformed(XElement domain, string? xslt)
    {
        var xml = domain.ToString(SaveOptions.DisableFormatting);
        return xslt is null ? xml : DefinitionXslt.Apply(xslt, xml);
    }

    /// <summary>
    /// Makes <paramref name="disk"/> a disk of the file <paramref name="file"/>, whatever its source was.
    /// </summary>
    private static void PointAt(XElement disk, ClonedDisk file)
    {
        disk.SetAttributeValue("type", "file");
        disk.Element("source")?.Remove();
        disk.Element("backingStore")?.Remove();
        var driver = disk.Element("driver");
        if (driver is null)
            disk.AddFirst(driver = new XElement("driver", new XAttribute("name", "qemu")));
        driver.SetAttributeValue("type", file.Format);
        driver.AddAfterSelf(new XElement("source", new XAttribute("file", file.Path)));
    }

    /// <summary>
    /// The seed goes into the CD-ROM at its target; when there is none, a read-only sata CD-ROM is added after the
    /// disks.
    /// </summary>
    private static void SetSeed(XElement devices, CloneSeed seed)
    {
        var drive = devices
            .Elements("disk")
            .FirstOrDefault(d => d.Element("target")?.Attribute("dev")?.Value == seed.Target);
        if (drive is null)
        {
            drive = new XElement(
                "disk",
                new XAttribute("type", "file"),
                new XAttribute("device", "cdrom"),
                new XElement("target", new XAttribute("dev", seed.Target), new XAttribute("bus", "sata")),
                new XElement("readonly")
            );
            if (devices.Elements("disk").LastOrDefault() is { } last)
                last.AddAfterSelf(drive);
            else
                devices.AddFirst(drive);
        }
        PointAt(drive, new ClonedDisk(seed.Path, "raw"));
    }

    /// <summary>A domain's XML with the disks at the targets of <paramref name="disks"/> on those files.</summary>
    public static string WithDisks(string xml, IReadOnlyDictionary<string, ClonedDisk> disks)
    {
        var domain = XElement.Parse(xml);
        foreach (var disk in domain.Element("devices")?.Elements("disk") ?? [])
        {
            var target = disk.Element("target")?.Attribute("dev")?.Value ?? "";
            if (disks.TryGetValue(target, out var file))
                PointAt(disk, file);
        }
        return domain.ToString(SaveOptions.DisableFormatting);
    }

    /// <summary>A domain's XML with exactly this TPM device and CPU (null removes them).</summary>
    public static string WithTpmAndCpu(string xml, DomainTpm? tpm, DomainCpu? cpu)
    {
        var domain = XElement.Parse(xml);
        TpmXml.Set(domain, tpm);
        CpuXml.Set(domain, cpu);
        return domain.ToString(SaveOptions.DisableFormatting);
    }

    /// <summary>A domain's XML with another memory size or number of vCPUs (null keeps it).</summary>
    public static string Resized(string xml, ulong memoryKiB, int vcpus)
    {
        var domain = XElement.Parse(xml);
        Resize(domain, memoryKiB, vcpus);
        return domain.ToString(SaveOptions.DisableFormatting);
    }

    private static void Resize(XElement domain, ulong? memoryKiB, int? vcpus)
    {
        if (memoryKiB is { } memory)
        {
            foreach (
                var element in new[] { domain.Element("memory"), domain.Element("currentMemory") }.OfType<XElement>()
            )
            {
                element.Value = memory.ToString(CultureInfo.InvariantCulture);
                element.SetAttributeValue("unit", "KiB");
            }
        }
        if (vcpus is { } count && domain.Element("vcpu") is { } vcpu)
        {
            vcpu.Value = count.ToString(CultureInfo.InvariantCulture);
            // A smaller number of vCPUs online at boot than the new total would be stale.
            vcpu.Attribute("current")?.Remove();
        }
    }

    /// <summary>
    /// The domain a clone was made from, as the provider noted it; null for a domain made another way.
    /// </summary>
    public static string? SourceUuidOf(XElement domain) =>
        domain.Element("metadata")?.Element(MetadataNamespace + "clone")?.Attribute("sourceUuid")?.Value;

    /// <summary>
    /// The clone's name for a file of the source: the source's name in the file name becomes the clone's, or the
    /// clone's name is put in front. It stays in the same folder, where libvirt and the guest's tools expect it.
    /// </summary>
    public static string RenamedFile(string path, string sourceName, string cloneName)
    {
        var folder = Path.GetDirectoryName(path) ?? "/";
        var file = Path.GetFileName(path);
        var renamed = file.Contains(sourceName, StringComparison.Ordinal)
            ? file.Replace(sourceName, cloneName, StringComparison.Ordinal)
            : $"{cloneName}-{file}";
        return Path.Combine(folder, renamed);
    }

    private static bool IsCharacterDevice(XElement device) =>
        device.Name.LocalName is "serial" or "console" or "parallel" or "channel";

    private static void SetChild(XElement parent, string name, string value)
    {
        var element = parent.Element(name);
        if (element is null)
            parent.Element("name")!.AddAfterSelf(element = new XElement(name));
        element.Value = value;
    }

    private static void SetMetadata(XElement domain, string sourceUuid)
    {
        var metadata = DomainOwner.Metadata(domain);
        metadata.Element(MetadataNamespace + "clone")?.Remove();
        metadata.Add(new XElement(MetadataNamespace + "clone", new XAttribute("sourceUuid", sourceUuid)));
    }
}
