using System.Net;
using PulumiLibvirt.Libvirt;

namespace PulumiLibvirt.Resources;

/// <summary>A storage pool as Check sees it: its folder, and whether it runs.</summary>
public sealed record PoolFacts(string Name, string Path, bool Active);

/// <summary>
/// What Check asks of the libvirt host, and nothing more: which pools, volumes, networks and domains exist and what
/// they are, and the host's limits. <see cref="LibvirtCheckHost"/> answers from the connection; unit tests answer from
/// facts of their own, so that bad inputs are judged without a daemon. The contents of a local host's files are not
/// asked here: that host is this machine, and Check reads them itself.
/// </summary>
public interface ICheckHost
{
    /// <summary>The connection's URI, which messages name.</summary>
    string Uri { get; }

    /// <summary>Whether libvirt runs on this machine: only then are its files, devices and routes ours.</summary>
    bool IsLocal { get; }

    PoolFacts? FindPool(string name);

    /// <summary>Every pool, active or not.</summary>
    IReadOnlyList<PoolFacts> Pools();

    VolumeDescription? FindVolume(string keyOrPath);

    /// <summary>
    /// The volume named <paramref name="volume"/> in pool <paramref name="pool"/>, or null when either is missing.
    /// </summary>
    VolumeDescription? FindPoolVolume(string pool, string volume);

    /// <summary>Every volume of every active pool, for who builds on what (the overlays on a base).</summary>
    IReadOnlyList<VolumeDescription> AllVolumes();

    /// <summary>
    /// A file of the host as libvirt probes it (a volume's key or path, or any absolute path), or null when there is
    /// none. Throws <see cref="LibvirtException"/> when libvirt cannot look (the file's folder is missing there).
    /// </summary>
    VolumeDescription? HostFile(string path);

    /// <summary>Every network's definition.</summary>
    IReadOnlyList<NetworkDefinition> Networks();

    (bool Exists, bool Active) NetworkStatus(string name);

    DomainDefinition? FindDomain(string uuidOrName);

    /// <summary>Every domain's definition.</summary>
    IReadOnlyList<DomainDefinition> Domains();

    /// <summary>Whether the domain runs now; false when there is none.</summary>
    bool DomainIsActive(string uuidOrName);

    /// <summary>The hypervisor types the host runs guests of (kvm, qemu…).</summary>
    IReadOnlySet<string> GuestDomainTypes { get; }

    ulong MemoryKiB { get; }

    /// <summary>What a guest of <paramref name="type"/> (one the host runs) can have: CPU, firmware.</summary>
    DomainCapabilities DomainCapabilities(string type);

    /// <summary>The most vCPUs a guest of <paramref name="type"/> may have.</summary>
    int MaxVcpus(string type);

    /// <summary>The host's routes, with their devices; asked only of a local host.</summary>
    IReadOnlyList<(IPNetwork Subnet, string Device)> Routes();

    /// <summary>Whether the host has a network interface of that name; asked only of a local host.</summary>
    bool HasInterface(string device);

    /// <summary>Whether the host's interface of that name is a bridge; asked only of a local host.</summary>
    bool IsBridge(string device);

    /// <summary>
    /// The name of the host's interface whose MAC address is <paramref name="mac"/>, or null; asked only of a local
    /// host.
    /// </summary>
    string? InterfaceWithMac(string mac);

    /// <summary>
    /// Whether a guest's display can listen on the address here: any address, or one of the host's own; asked only of
    /// a local host.
    /// </summary>
    bool CanListenOn(IPAddress address);

    /// <summary>
    /// The type of the filesystem that holds <paramref name="folder"/> (ext4, xfs…), or null when the folder is not
    /// there; asked only of a local host.
    /// </summary>
    string? FileSystem(string folder);

    /// <summary>Whether a program of that name is on the host's PATH; asked only of a local host.</summary>
    bool HasProgram(string name);

    /// <summary>
    /// libvirt's reason for refusing a domain definition, or null when it would take it; nothing stays defined.
    /// </summary>
    string? DefinitionProblem(string xml);
}
