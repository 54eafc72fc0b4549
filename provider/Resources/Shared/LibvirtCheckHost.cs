using System.Net;
using System.Net.NetworkInformation;
using PulumiLibvirt.Libvirt;

namespace PulumiLibvirt.Resources;

/// <summary>
/// Check's questions answered by the libvirt connection, and by this machine for what only a local host's own devices,
/// routes and filesystems tell. The connection is taken when first asked: a Check that asks nothing opens none.
/// </summary>
public sealed class LibvirtCheckHost(Func<Connection> connection) : ICheckHost
{
    private Connection Libvirt => connection();

    public string Uri => Libvirt.Uri;

    public bool IsLocal => Libvirt.IsLocal;

    public bool HasProgram(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Any(folder => File.Exists(Path.Combine(folder, name)));

    public PoolFacts? FindPool(string name)
    {
        using var pool = Libvirt.FindPool(name);
        return pool is null ? null : new PoolFacts(pool.Name, pool.Path, pool.IsActive);
    }

    // A pool another process deletes between the listing and the look at it is simply no longer there.
    public IReadOnlyList<PoolFacts> Pools() =>
        Libvirt
            .ListAllPools()
            .Select(pool =>
            {
                using (pool)
                    return Connection.NullIfNotFound(() => new PoolFacts(pool.Name, pool.Path, pool.IsActive));
            })
            .OfType<PoolFacts>()
            .ToList();

    public VolumeDescription? FindVolume(string keyOrPath)
    {
        using var volume = Libvirt.FindVolume(keyOrPath);
        return volume?.Describe();
    }

    public VolumeDescription? FindPoolVolume(string pool, string volume)
    {
        using var found = Libvirt.FindPool(pool);
        using var described = found?.FindVolume(volume);
        return described?.Describe();
    }

    public IReadOnlyList<VolumeDescription> AllVolumes() => Libvirt.IndexedVolumes();

    public VolumeDescription? HostFile(string path)
    {
        using var file = Libvirt.OpenHostFile(path);
        return file?.Description;
    }

    public IReadOnlyList<NetworkDefinition> Networks() => Libvirt.DescribeAllNetworks();

    public (bool Exists, bool Active) NetworkStatus(string name) => Libvirt.NetworkStatus(name);

    public DomainDefinition? FindDomain(string uuidOrName)
    {
        using var domain = Libvirt.FindDomain(uuidOrName);
        return domain?.Describe();
    }

    // Asked in the Check of every machine of a lab: the connection's index answers.
    public IReadOnlyList<DomainDefinition> Domains() => Libvirt.IndexedDomains();

    public bool DomainIsActive(string uuidOrName)
    {
        using var domain = Libvirt.FindDomain(uuidOrName);
        return domain?.IsActive == true;
    }

    public IReadOnlySet<string> GuestDomainTypes => Libvirt.GuestDomainTypes;

    public ulong MemoryKiB => Libvirt.HostMemoryKiB;

    public int MaxVcpus(string type) => Libvirt.MaxVcpus(type);

    public DomainCapabilities DomainCapabilities(string type) => Libvirt.DomainCapabilitiesOf(type);

    public IReadOnlyList<(IPNetwork Subnet, string Device)> Routes() => NetworkAddresses.HostRoutes().ToList();

    public bool HasInterface(string device) => Directory.Exists($"/sys/class/net/{device}");

    // A name with a slash, or a dot folder, would lead outside /sys/class/net.
    public bool IsBridge(string device) =>
        !device.Contains('/') && device is not ("." or "..") && Directory.Exists($"/sys/class/net/{device}/bridge");

    public string? InterfaceWithMac(string mac) => MacAddresses.HostInterfaceWith(mac);

    public bool CanListenOn(IPAddress address) =>
        address.Equals(IPAddress.Any)
        || address.Equals(IPAddress.IPv6Any)
        || NetworkInterface
            .GetAllNetworkInterfaces()
            .SelectMany(i => i.GetIPProperties().UnicastAddresses)
            .Any(u => u.Address.Equals(address));

    public string? FileSystem(string folder) => Directory.Exists(folder) ? new DriveInfo(folder).DriveFormat : null;

    public string? DefinitionProblem(string xml) => Libvirt.DefinitionProblem(xml);
}
