using System.Net;
using PulumiLibvirt.Libvirt;
using PulumiLibvirt.Resources;
using static PulumiLibvirt.Tests.Support.Sizes;

namespace PulumiLibvirt.Tests.Support;

/// <summary>
/// A libvirt host made of facts held in memory, for Check's questions (<see cref="ICheckHost"/>): the pools, volumes,
/// networks and domains a test puts in, and limits it chooses. Nothing is asked of a daemon.
/// </summary>
public sealed class FakeCheckHost : ICheckHost
{
    public string Uri { get; init; } = "qemu:///system";

    public bool IsLocal { get; init; } = true;

    /// <summary>The programs on the host's PATH (swtpm and its setup tool by default).</summary>
    public HashSet<string> Programs { get; init; } = ["swtpm", "swtpm_setup"];

    public bool HasProgram(string name) => Programs.Contains(name);

    public List<PoolFacts> PoolList { get; } = [];

    /// <summary>Volumes by key and by path, as libvirt finds them.</summary>
    public List<VolumeDescription> Volumes { get; } = [];

    /// <summary>Files of the host in no pool, as libvirt probes them through a transient pool.</summary>
    public List<VolumeDescription> OtherFiles { get; } = [];

    public List<NetworkDefinition> NetworkList { get; } = [];

    /// <summary>The names of the networks that run.</summary>
    public HashSet<string> ActiveNetworks { get; } = [];

    public List<DomainDefinition> DomainList { get; } = [];

    /// <summary>The names of the domains that run.</summary>
    public HashSet<string> ActiveDomains { get; } = [];

    public IReadOnlySet<string> GuestDomainTypes { get; init; } = new HashSet<string> { "qemu" };

    /// <summary>4 GiB.</summary>
    public ulong MemoryKiB { get; init; } = 4UL << 20;

    public int Vcpus { get; init; } = 255;

    public List<(IPNetwork Subnet, string Device)> RouteList { get; } = [];

    /// <summary>The host's interfaces, each with whether it is a bridge.</summary>
    public Dictionary<string, bool> Interfaces { get; } = [];

    /// <summary>The filesystem of every folder (ext4 unless a test says otherwise).</summary>
    public string FileSystemType { get; init; } = "ext4";

    public PoolFacts? FindPool(string name) => PoolList.FirstOrDefault(p => p.Name == name);

    public IReadOnlyList<PoolFacts> Pools() => PoolList;

    public VolumeDescription? FindVolume(string keyOrPath) =>
        Volumes.FirstOrDefault(v => v.Key == keyOrPath || v.Path == keyOrPath);

    /// <summary>A directory pool's volume: the file of that name in the pool's folder.</summary>
    public VolumeDescription? FindPoolVolume(string pool, string volume) =>
        FindPool(pool) is { } found ? Volumes.FirstOrDefault(v => v.Path == Path.Combine(found.Path, volume)) : null;

    public IReadOnlyList<VolumeDescription> AllVolumes() => Volumes;

    /// <summary>When set, what libvirt answers when asked for a file in no pool (it cannot open the folder).</summary>
    public LibvirtException? FolderError { get; init; }

    public VolumeDescription? HostFile(string path)
    {
        if (FindVolume(path) is { } volume)
            return volume;
        if (!Path.IsPathRooted(path))
            return null;
        return FolderError is null ? OtherFiles.FirstOrDefault(f => f.Path == path) : throw FolderError;
    }

    public IReadOnlyList<NetworkDefinition> Networks() => NetworkList;

    public (bool Exists, bool Active) NetworkStatus(string name) =>
        (NetworkList.Any(n => n.Name == name), ActiveNetworks.Contains(name));

    public DomainDefinition? FindDomain(string uuidOrName) =>
        DomainList.FirstOrDefault(d => d.Uuid == uuidOrName || d.Name == uuidOrName);

    public IReadOnlyList<DomainDefinition> Domains() => DomainList;

    public bool DomainIsActive(string uuidOrName) =>
        FindDomain(uuidOrName) is { } domain && ActiveDomains.Contains(domain.Name);

    public int MaxVcpus(string type) => Vcpus;

    /// <summary>
    /// What libvirt's domain capabilities say, by hypervisor type: by default those of a host without KVM (like
    /// this one), with OVMF's Secure Boot build installed.
    /// </summary>
    public Dictionary<string, DomainCapabilities> Capabilities { get; init; } = new() { ["qemu"] = SoftwareEmulation };

    public static readonly DomainCapabilities SoftwareEmulation = new(
        new HashSet<string> { "maximum", "host-model", "custom" },
        new Dictionary<string, bool> { ["qemu64"] = true, ["Skylake-Client"] = false },
        SecureBootFirmware: true
    );

    public DomainCapabilities DomainCapabilities(string type) => Capabilities[type];

    public IReadOnlyList<(IPNetwork Subnet, string Device)> Routes() => RouteList;

    public bool HasInterface(string device) => Interfaces.ContainsKey(device);

    public bool IsBridge(string device) => Interfaces.GetValueOrDefault(device);

    /// <summary>The host's interfaces by MAC address.</summary>
    public Dictionary<string, string> InterfaceMacs { get; } = [];

    /// <summary>The host's own IP addresses, besides the any-addresses every host listens on.</summary>
    public List<IPAddress> Addresses { get; } = [IPAddress.Loopback];

    public string? InterfaceWithMac(string mac) => InterfaceMacs.GetValueOrDefault(mac);

    public bool CanListenOn(IPAddress address) =>
        address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any) || Addresses.Contains(address);

    public string? FileSystem(string folder) => FileSystemType;

    /// <summary>Every definition is taken: what libvirt refuses is judged on the daemon (NeedsDaemon rows).</summary>
    public string? DefinitionProblem(string xml) => null;

    /// <summary>A qcow2 volume of 1 MiB at <paramref name="path"/>, keyed by its path as in a directory pool.</summary>
    public static VolumeDescription Qcow2(string path, BackingStore? backingStore = null) =>
        new(Path.GetFileName(path), path, path, MiB, 0, "qcow2", backingStore);

    /// <summary>
    /// The facts of the bad-input cases' host: its pools, volumes, networks (and the bridge's MAC) and template domain.
    /// </summary>
    public static FakeCheckHost For(BadInputHost host)
    {
        var fake = new FakeCheckHost();
        fake.PoolList.Add(new PoolFacts(host.Pool.Name, host.Pool.Path, Active: true));
        fake.Volumes.Add(Qcow2(host.Base));
        fake.Volumes.Add(Qcow2(host.Orphan, new BackingStore(host.GoneBase, "qcow2")));
        // A directory pool lists a link as a volume, probed as raw data.
        fake.Volumes.Add(Qcow2(host.PoolShadowLink) with { Format = "raw" });
        fake.Volumes.Add(Qcow2(host.Template.SystemDisk));
        fake.Volumes.Add(Qcow2(host.Template.DataDisk) with { Format = "raw" });
        fake.Volumes.Add(Qcow2(host.Template.Iso) with { Format = "raw" });
        fake.PoolList.Add(new PoolFacts(host.InnerPool, host.InnerPoolPath, Active: false));
        fake.NetworkList.Add(new NetworkDefinition { Name = host.Network.Name, Bridge = "vbfake1" });
        fake.Interfaces.Add("vbfake1", true);
        fake.InterfaceMacs.Add(host.BridgeMac, "vbfake1");
        fake.NetworkList.Add(new NetworkDefinition { Name = host.InactiveNetwork, Bridge = "vbfake2" });
        fake.ActiveNetworks.Add(host.Network.Name);
        fake.DomainList.Add(
            new DomainDefinition
            {
                Name = host.Template.Name,
                Uuid = Guid.NewGuid().ToString(),
                Type = "qemu",
                MemoryKiB = 96 * 1024,
                Vcpus = 1,
                Disks =
                [
                    new DomainDisk
                    {
                        Path = host.Template.SystemDisk,
                        Format = "qcow2",
                        Target = "vda",
                    },
                    new DomainDisk { Path = host.Template.DataDisk, Target = "vdb" },
                    new DomainDisk
                    {
                        Path = host.Template.Iso,
                        Device = "cdrom",
                        Bus = "sata",
                        Target = "sda",
                        ReadOnly = true,
                    },
                ],
                Interfaces = [new DomainInterface { Network = host.Network.Name, Mac = "52:54:00:fa:ce:01" }],
            }
        );
        return fake;
    }
}
