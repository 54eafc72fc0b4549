namespace PulumiLibvirt.Tests.Support;

/// <summary>A storage pool a bad-input case names: its name and its folder.</summary>
public sealed record BadInputPool(string Name, string Path);

/// <summary>A libvirt object a bad-input case names (a network).</summary>
public sealed record BadInputObject(string Name);

/// <summary>
/// The shut-off template domain a bad-input case names: a writable qcow2 system disk and raw data disk (both volumes
/// of the pool) and a read-only CD-ROM.
/// </summary>
public sealed record BadInputTemplate(string Name, string SystemDisk, string DataDisk, string Iso);

/// <summary>
/// What the bad-input cases' inputs name (<see cref="BadInputCases"/>): a storage pool with a good qcow2 volume
/// (<see cref="Base"/>), a volume whose backing file is gone and one that is a link to /etc/shadow; an active network
/// (and the MAC address of its bridge) and one that is defined but not active; a shut-off template domain for clones;
/// a pool defined inside <see cref="OuterFolder"/>; and files a careless program might point at (a text file, an
/// empty file, a file that is not whole sectors, a raw image, a link to /etc/shadow, a link to /etc).
/// The files Check reads itself are made here, on this machine; the libvirt objects are those of the real daemon
/// (<see cref="BadInputDaemon"/>) or facts of a fake host (<see cref="FakeCheckHost.For"/>). Every name carries the
/// run's prefix; <see cref="Dispose"/> removes the files.
/// </summary>
public sealed class BadInputHost : IDisposable
{
    public BadInputHost(
        BadInputPool pool,
        string network,
        string bridgeMac,
        string inactiveNetwork,
        BadInputTemplate template
    )
    {
        Pool = pool;
        Network = new BadInputObject(network);
        BridgeMac = bridgeMac;
        InactiveNetwork = inactiveNetwork;
        Template = template;
        PoolShadowLink = Path.Combine(pool.Path, TestPool.UniqueName("shadow") + ".qcow2");
        Orphan = Path.Combine(pool.Path, TestPool.UniqueName("orphan") + ".qcow2");
        Base = Path.Combine(pool.Path, TestPool.UniqueName("base"));
        Directory.CreateDirectory(Files);
        File.WriteAllBytes(RawImage, new byte[Sizes.MiB]);
        File.WriteAllText(TextFile, "these are notes, not a disk\n" + new string('x', 1024 - 29) + "\n");
        File.WriteAllBytes(EmptyFile, []);
        File.WriteAllBytes(OddFile, new byte[1000]);
        File.CreateSymbolicLink(ShadowLink, "/etc/shadow");
        File.CreateSymbolicLink(PoolShadowLink, "/etc/shadow");
        Directory.CreateSymbolicLink(EtcLink, "/etc");
        Directory.CreateDirectory(InnerPoolPath);
    }

    public BadInputPool Pool { get; }
    public BadInputObject Network { get; }
    public BadInputTemplate Template { get; }

    /// <summary>The MAC address of <see cref="Network"/>'s bridge on the host.</summary>
    public string BridgeMac { get; }
    public string InactiveNetwork { get; }
    public string Files { get; } = Path.Combine(Path.GetTempPath(), TestPool.UniqueName("files"));

    /// <summary>A raw image in the files folder (1 MiB of zeros): a good disk file.</summary>
    public string RawImage => Path.Combine(Files, "disk.raw");
    public string TextFile => Path.Combine(Files, "notes.txt");
    public string EmptyFile => Path.Combine(Files, "empty.img");
    public string OddFile => Path.Combine(Files, "odd.bin");
    public string ShadowLink => Path.Combine(Files, "shadow-link.img");

    /// <summary>A link to /etc: a harmless-looking folder for a pool.</summary>
    public string EtcLink => Path.Combine(Files, "etc-link");

    /// <summary>
    /// A folder that holds the folder of <see cref="InnerPool"/>: a pool on it would be above another.
    /// </summary>
    public string OuterFolder => Path.Combine(Files, "outer");

    /// <summary>A directory pool (defined, not started) on <see cref="InnerPoolPath"/>.</summary>
    public string InnerPool { get; } = TestPool.UniqueName("inner");

    public string InnerPoolPath => Path.Combine(OuterFolder, "inner");

    /// <summary>The backing file <see cref="Orphan"/> names, which does not exist.</summary>
    public string GoneBase => Path.Combine(Files, "gone.qcow2");

    /// <summary>A volume of the pool that is a link to /etc/shadow.</summary>
    public string PoolShadowLink { get; }

    /// <summary>A qcow2 volume of the pool whose backing file (<see cref="GoneBase"/>) does not exist.</summary>
    public string Orphan { get; }

    /// <summary>A good qcow2 volume of the pool, of 1 MiB.</summary>
    public string Base { get; }

    public void Dispose()
    {
        // The link goes before the pool deletes its volumes: what it points at is never touched.
        File.Delete(PoolShadowLink);
        // The link to /etc goes first too, so that the recursive delete below cannot reach into /etc.
        File.Delete(EtcLink);
        Directory.Delete(Files, recursive: true);
    }
}
