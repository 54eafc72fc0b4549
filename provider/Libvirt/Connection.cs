using System.Globalization;
using System.Text;
using System.Xml.Linq;

namespace PulumiLibvirt.Libvirt;

/// <summary>An open connection to a libvirt host (local or remote; libvirt's own URI handling).</summary>
public sealed class Connection : IDisposable
{
    private readonly ConnectHandle _handle;

    private Connection(ConnectHandle handle, string uri)
    {
        _handle = handle;
        Uri = uri;
    }

    /// <summary>The URI libvirt actually connected to (after its own defaults were applied).</summary>
    public string Uri { get; }

    /// <summary>Whether libvirt runs on this machine (no host in the URI), so its files are this machine's files.</summary>
    public bool IsLocal => string.IsNullOrEmpty(new Uri(Uri).Host);

    public static Connection Open(string uri)
    {
        LibvirtCall.Initialize();
        var handle = LibvirtCall.Check(Native.virConnectOpen(uri));
        return new Connection(handle, LibvirtCall.TakeString(Native.virConnectGetURI(handle)));
    }

    public StoragePool LookupPool(string name) =>
        new(LibvirtCall.Check(Native.virStoragePoolLookupByName(_handle, name)));

    /// <summary>A storage pool by UUID or by name, active or not.</summary>
    public StoragePool? FindPool(string uuidOrName) =>
        (Guid.TryParse(uuidOrName, out _)
            ? NullIfNotFound(() => new StoragePool(LibvirtCall.Check(Native.virStoragePoolLookupByUUIDString(_handle, uuidOrName))))
            : null)
        ?? NullIfNotFound(() => LookupPool(uuidOrName));

    public IReadOnlyList<StoragePool> ListActivePools() => ListPools(Native.VIR_CONNECT_LIST_STORAGE_POOLS_ACTIVE);

    /// <summary>Every storage pool defined on the connection, active or not.</summary>
    public IReadOnlyList<StoragePool> ListAllPools() => ListPools(0);

    private List<StoragePool> ListPools(uint flags)
    {
        var count = LibvirtCall.Check(Native.virConnectListAllStoragePools(_handle, out var array, flags));
        return LibvirtCall.TakeArray(count, array, p => new StoragePool(new StoragePoolHandle(p)));
    }

    /// <summary>
    /// Defines (does not build or start) a directory pool on <paramref name="path"/>; <paramref name="mode"/> (octal)
    /// is the mode building it gives the folder.
    /// </summary>
    public StoragePool DefineDirectoryPool(string name, string path, string? mode = null) =>
        new(LibvirtCall.Check(Native.virStoragePoolDefineXML(_handle, PoolXml.Directory(name, path, mode), 0)));

    /// <summary>Defines, builds and starts a directory pool (the folder is created by libvirt).</summary>
    public StoragePool CreateDirectoryPool(string name, string path)
    {
        var pool = DefineDirectoryPool(name, path);
        try
        {
            pool.Build();
            pool.Start();
            return pool;
        }
        catch
        {
            pool.Undefine();
            pool.Dispose();
            throw;
        }
    }

    /// <summary>
    /// A volume by key or by path. A file put in a pool's folder outside libvirt is only known after the pool
    /// is refreshed, so a miss refreshes the active pools and looks again.
    /// </summary>
    public StorageVolume? FindVolume(string keyOrPath)
    {
        var found = LookupVolumeOnce(keyOrPath);
        if (found is not null) return found;
        foreach (var pool in ListActivePools())
        {
            using (pool) pool.RefreshIfIdle();
        }
        return LookupVolumeOnce(keyOrPath);
    }

    private StorageVolume? LookupVolumeOnce(string keyOrPath) =>
        NullIfNotFound(() => new StorageVolume(LibvirtCall.Check(Native.virStorageVolLookupByKey(_handle, keyOrPath))))
        ?? NullIfNotFound(() => new StorageVolume(LibvirtCall.Check(Native.virStorageVolLookupByPath(_handle, keyOrPath))));

    /// <summary>Every volume of every active pool (with its description), for questions about the whole host.</summary>
    public IReadOnlyList<VolumeDescription> DescribeAllVolumes()
    {
        var result = new List<VolumeDescription>();
        foreach (var pool in ListActivePools())
        {
            using (pool)
            {
                foreach (var volume in pool.ListVolumes())
                {
                    using (volume)
                    {
                        // A volume deleted between the listing and the read is simply not there.
                        var description = NullIfNotFound(volume.Describe);
                        if (description is not null) result.Add(description);
                    }
                }
            }
        }
        return result;
    }

    /// <summary>A domain by UUID or by name.</summary>
    public LibvirtDomain? FindDomain(string uuidOrName) =>
        (Guid.TryParse(uuidOrName, out _)
            ? NullIfNotFound(() => new LibvirtDomain(LibvirtCall.Check(Native.virDomainLookupByUUIDString(_handle, uuidOrName))))
            : null)
        ?? NullIfNotFound(() => new LibvirtDomain(LibvirtCall.Check(Native.virDomainLookupByName(_handle, uuidOrName))));

    /// <summary>Every domain of the connection, defined or running.</summary>
    public IReadOnlyList<LibvirtDomain> ListDomains()
    {
        var count = LibvirtCall.Check(Native.virConnectListAllDomains(_handle, out var array, 0));
        return LibvirtCall.TakeArray(count, array, d => new LibvirtDomain(new DomainHandle(d)));
    }

    /// <summary>
    /// Every domain's definitions: the persistent one and, for a running domain, the live one (a device may be in
    /// only one of them). Domains that vanish while being read are left out.
    /// </summary>
    public IReadOnlyList<DomainDefinition> DescribeAllDomains()
    {
        var result = new List<DomainDefinition>();
        foreach (var domain in ListDomains())
        {
            using (domain)
            {
                var persistent = NullIfNotFound(() => domain.Describe(persistent: true));
                if (persistent is not null) result.Add(persistent);
                var live = NullIfNotFound(() => domain.IsActive ? [domain.Describe(persistent: false)] : new List<DomainDefinition>());
                if (live is not null) result.AddRange(live);
            }
        }
        return result;
    }

    /// <summary>Defines (or redefines, for the same name and UUID) a persistent domain.</summary>
    public LibvirtDomain DefineDomain(DomainDefinition definition) => DefineDomain(definition.ToXml());

    /// <summary>Defines a persistent domain from its XML, validated against libvirt's schema.</summary>
    public LibvirtDomain DefineDomain(string xml) =>
        new(LibvirtCall.Check(Native.virDomainDefineXMLFlags(_handle, xml, Native.VIR_DOMAIN_DEFINE_VALIDATE)));

    /// <summary>Defines a clone of <paramref name="source"/>: its persistent definition with <paramref name="changes"/> applied.</summary>
    public LibvirtDomain DefineClone(LibvirtDomain source, CloneChanges changes) => DefineDomain(CloneXml.Make(source.Xml(), changes));

    /// <summary>Gives a domain another memory size and number of vCPUs, in its persistent definition (seen at its next boot).</summary>
    public void Resize(LibvirtDomain domain, ulong memoryKiB, int vcpus)
    {
        using var _ = DefineDomain(CloneXml.Resized(domain.Xml(), memoryKiB, vcpus));
    }

    /// <summary>
    /// Copies a file on the host to <paramref name="path"/>: through libvirt when a pool holds it (sparse, and possible
    /// on a remote host), else directly when the host is this machine. False when there is no such file to copy.
    /// </summary>
    public bool CopyFile(string source, string path)
    {
        using var volume = FindVolume(source);
        if (volume is not null)
        {
            using var pool = volume.GetPool();
            var described = volume.Describe();
            using var copy = pool.CopyVolume(new VolumeDefinition(Path.GetFileName(path), described.Capacity, described.Format), volume);
            return true;
        }
        if (!IsLocal || !File.Exists(source)) return false;
        File.Copy(source, path);
        return true;
    }

    /// <summary>Deletes a file on the host: through libvirt when a pool holds it, else directly when the host is this machine.</summary>
    public void DeleteFile(string path)
    {
        using var volume = FindVolume(path);
        if (volume is not null) volume.Delete();
        else if (IsLocal && File.Exists(path)) File.Delete(path);
    }

    /// <summary>A network by UUID or by name.</summary>
    public LibvirtNetwork? FindNetwork(string uuidOrName) =>
        (Guid.TryParse(uuidOrName, out _)
            ? NullIfNotFound(() => new LibvirtNetwork(LibvirtCall.Check(Native.virNetworkLookupByUUIDString(_handle, uuidOrName))))
            : null)
        ?? NullIfNotFound(() => new LibvirtNetwork(LibvirtCall.Check(Native.virNetworkLookupByName(_handle, uuidOrName))));

    /// <summary>Every network of the connection, defined or running.</summary>
    public IReadOnlyList<LibvirtNetwork> ListNetworks()
    {
        var count = LibvirtCall.Check(Native.virConnectListAllNetworks(_handle, out var array, 0));
        return LibvirtCall.TakeArray(count, array, n => new LibvirtNetwork(new NetworkHandle(n)));
    }

    /// <summary>Every network's persistent definition (a transient network's live one); networks that vanish while being read are left out.</summary>
    public IReadOnlyList<NetworkDefinition> DescribeAllNetworks()
    {
        var result = new List<NetworkDefinition>();
        foreach (var network in ListNetworks())
        {
            using (network)
            {
                var definition = NullIfNotFound(() => network.Describe());
                if (definition is not null) result.Add(definition);
            }
        }
        return result;
    }

    /// <summary>Defines (or redefines, for the same name and UUID) a persistent network, validated against libvirt's schema.</summary>
    public LibvirtNetwork DefineNetwork(NetworkDefinition definition) =>
        new(LibvirtCall.Check(Native.virNetworkDefineXMLFlags(_handle, definition.ToXml(), Native.VIR_NETWORK_DEFINE_VALIDATE)));

    /// <summary>Notes who manages a network (<see cref="DomainOwner"/>) in its persistent definition, leaving the rest as it is.</summary>
    public void SetOwner(LibvirtNetwork network, string owner)
    {
        var xml = XElement.Parse(network.Xml());
        DomainOwner.Set(xml, owner);
        using var _ = new LibvirtNetwork(LibvirtCall.Check(Native.virNetworkDefineXMLFlags(_handle, xml.ToString(), Native.VIR_NETWORK_DEFINE_VALIDATE)));
    }

    /// <summary>Whether a libvirt network exists, and whether it runs.</summary>
    public (bool Exists, bool Active) NetworkStatus(string name)
    {
        try
        {
            using var network = LibvirtCall.Check(Native.virNetworkLookupByName(_handle, name));
            return (true, LibvirtCall.Check(Native.virNetworkIsActive(network)) == 1);
        }
        catch (LibvirtException e) when (e.IsNotFound)
        {
            return (false, false);
        }
    }

    /// <summary>The host's memory in KiB.</summary>
    public ulong HostMemoryKiB => Host().MemoryKiB;

    /// <summary>The host's processors and memory, as libvirt sees them.</summary>
    public unsafe HostInfo Host()
    {
        LibvirtCall.Check(Native.virNodeGetInfo(_handle, out var info));
        var model = new ReadOnlySpan<byte>(info.Model, 32);
        var end = model.IndexOf((byte)0);
        return new HostInfo(Encoding.UTF8.GetString(end < 0 ? model : model[..end]), (int)info.Cpus, (int)info.Mhz,
            (int)info.Nodes, (int)info.Sockets, (int)info.Cores, (int)info.Threads, info.Memory);
    }

    public string Hostname => LibvirtCall.TakeString(Native.virConnectGetHostname(_handle));

    /// <summary>The version of libvirt (of the daemon, for a remote host), as major.minor.release.</summary>
    public string LibraryVersion
    {
        get
        {
            LibvirtCall.Check(Native.virConnectGetLibVersion(_handle, out var version));
            return VersionText(version);
        }
    }

    /// <summary>The hypervisor's version (qemu's, for qemu URIs), as major.minor.release.</summary>
    public string HypervisorVersion
    {
        get
        {
            LibvirtCall.Check(Native.virConnectGetVersion(_handle, out var version));
            return VersionText(version);
        }
    }

    // libvirt encodes versions as major * 1,000,000 + minor * 1,000 + release.
    private static string VersionText(ulong version) =>
        string.Create(CultureInfo.InvariantCulture, $"{version / 1_000_000}.{version / 1_000 % 1_000}.{version % 1_000}");

    /// <summary>
    /// The hypervisor types (kvm, qemu…) this host can run full-virtualisation guests of, as libvirt's capabilities
    /// list them: kvm only where /dev/kvm works.
    /// </summary>
    public IReadOnlySet<string> GuestDomainTypes =>
        XElement.Parse(LibvirtCall.TakeString(Native.virConnectGetCapabilities(_handle)))
            .Elements("guest").Where(g => g.Element("os_type")?.Value == "hvm")
            .Elements("arch").Elements("domain").Select(d => d.Attribute("type")?.Value).OfType<string>()
            .ToHashSet();

    /// <summary>The most virtual CPUs the hypervisor allows one guest of <paramref name="type"/> (kvm, qemu).</summary>
    public int MaxVcpus(string type) => LibvirtCall.Check(Native.virConnectGetMaxVcpus(_handle, type));

    internal static T? NullIfNotFound<T>(Func<T> lookup) where T : class
    {
        try { return lookup(); }
        catch (LibvirtException e) when (e.IsNotFound) { return null; }
    }

    public void Dispose() => _handle.Dispose();
}
