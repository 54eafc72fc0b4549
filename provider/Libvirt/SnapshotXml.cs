using System.Globalization;
using System.Xml.Linq;

namespace PulumiLibvirt.Libvirt;

/// <summary>
/// What libvirt says of a snapshot: its name, when it was taken, the domain's state then, and its disks.
/// </summary>
public sealed record SnapshotDescription(
    string Name,
    string? Description,
    DateTimeOffset CreatedAt,
    string State,
    bool Memory,
    IReadOnlyList<string> Disks
)
{
    /// <summary>The XML asking for an internal snapshot, with or without the running guest's memory.</summary>
    public static string Request(string name, string? description, bool memory)
    {
        var snapshot = new XElement("domainsnapshot", new XElement("name", name));
        if (!string.IsNullOrEmpty(description))
            snapshot.Add(new XElement("description", description));
        // Internal snapshots keep the memory in the first disk's file; without it only the disks are kept.
        snapshot.Add(new XElement("memory", new XAttribute("snapshot", memory ? "internal" : "no")));
        return snapshot.ToString();
    }

    /// <summary>A snapshot's own XML with another description, for libvirt to redefine it.</summary>
    public static string WithDescription(string xml, string? description)
    {
        var snapshot = XElement.Parse(xml);
        snapshot.Element("description")?.Remove();
        if (!string.IsNullOrEmpty(description))
            snapshot.Element("name")!.AddAfterSelf(new XElement("description", description));
        return snapshot.ToString();
    }

    public static SnapshotDescription Parse(string xml)
    {
        var snapshot = XElement.Parse(xml);
        var seconds = long.Parse(snapshot.Element("creationTime")?.Value ?? "0", CultureInfo.InvariantCulture);
        var disks = snapshot
            .Element("disks")
            ?.Elements("disk")
            .Where(d => d.Attribute("snapshot")?.Value == "internal")
            .Select(d => d.Attribute("name")?.Value)
            .OfType<string>()
            .ToList()
            ?? [];
        return new SnapshotDescription(
            Name: snapshot.Element("name")?.Value ?? "",
            Description: snapshot.Element("description")?.Value,
            CreatedAt: DateTimeOffset.FromUnixTimeSeconds(seconds),
            State: snapshot.Element("state")?.Value ?? "",
            Memory: snapshot.Element("memory")?.Attribute("snapshot")?.Value == "internal",
            Disks: disks
        );
    }
}
