using System.Globalization;
using System.Xml.Linq;

namespace PulumiLibvirt.Libvirt;

/// <summary>The image a volume is an overlay on: its path and its format (qcow2, raw…).</summary>
public sealed record BackingStore(string Path, string Format);

/// <summary>What to create: libvirt's storage volume XML, built from typed values.</summary>
public sealed record VolumeDefinition(string Name, ulong Capacity, string Format, BackingStore? BackingStore = null)
{
    public string ToXml()
    {
        var volume = new XElement(
            "volume",
            new XElement("name", Name),
            new XElement("capacity", new XAttribute("unit", "bytes"), Capacity.ToString(CultureInfo.InvariantCulture)),
            // Thin: without it libvirt preallocates a raw file (or a raw copy) to its whole capacity, holes and all.
            new XElement("allocation", new XAttribute("unit", "bytes"), "0"),
            new XElement("target", new XElement("format", new XAttribute("type", Format)))
        );
        if (BackingStore is not null)
        {
            volume.Add(
                new XElement(
                    "backingStore",
                    new XElement("path", BackingStore.Path),
                    new XElement("format", new XAttribute("type", BackingStore.Format))
                )
            );
        }
        return volume.ToString(SaveOptions.DisableFormatting);
    }
}

/// <summary>What libvirt reports about an existing volume.</summary>
public sealed record VolumeDescription(
    string Name,
    string Key,
    string Path,
    ulong Capacity,
    ulong Allocation,
    string Format,
    BackingStore? BackingStore
)
{
    public static VolumeDescription Parse(string xml)
    {
        var volume = XElement.Parse(xml);
        var target = volume.Element("target");
        var backing = volume.Element("backingStore");
        var backingPath = backing?.Element("path")?.Value;
        return new VolumeDescription(
            Name: volume.Element("name")?.Value ?? "",
            Key: volume.Element("key")?.Value ?? "",
            Path: target?.Element("path")?.Value ?? "",
            Capacity: Bytes(volume.Element("capacity")),
            Allocation: Bytes(volume.Element("allocation")),
            Format: target?.Element("format")?.Attribute("type")?.Value ?? "raw",
            BackingStore: string.IsNullOrEmpty(backingPath)
                ? null
                : new BackingStore(backingPath, backing!.Element("format")?.Attribute("type")?.Value ?? "raw")
        );
    }

    private static ulong Bytes(XElement? size)
    {
        if (size is null)
            return 0;
        var value = ulong.Parse(size.Value, CultureInfo.InvariantCulture);
        return value * UnitMultiplier(size.Attribute("unit")?.Value ?? "bytes");
    }

    // libvirt writes "bytes" in its own output, but the format allows the other units too.
    private static ulong UnitMultiplier(string unit) =>
        unit switch
        {
            "b" or "bytes" => 1,
            "KB" => 1000,
            "k" or "KiB" => 1UL << 10,
            "MB" => 1000_000,
            "M" or "MiB" => 1UL << 20,
            "GB" => 1000_000_000,
            "G" or "GiB" => 1UL << 30,
            "TB" => 1000_000_000_000,
            "T" or "TiB" => 1UL << 40,
            _ => throw new FormatException($"unknown size unit '{unit}' in volume XML"),
        };
}
