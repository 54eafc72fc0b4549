using System.Globalization;
using System.Security.Cryptography;
using PulumiLibvirt.Framework;
using PulumiLibvirt.Libvirt;
using PulumiLibvirt.Resources;
using PulumiLibvirt.Tests.Support;

namespace PulumiLibvirt.Bench;

/// <summary>
/// A folder of this run under /var/tmp (bench&lt;pid&gt;-&lt;hint&gt;, for the images), a directory pool of the same
/// name over its pool/ subfolder (for what the benchmarks make), and the provider in process to make volumes there.
/// Disposing removes all of it, whatever state a failure left it in.
/// </summary>
internal sealed class Workspace : IDisposable
{
    public const long GiB = 1L << 30;
    public const long MiB = 1L << 20;

    private readonly Connection _libvirt;
    private readonly LibvirtProvider _provider = new(new QuietLog());
    private readonly IResource _volumes;
    private StoragePool? _pool;
    private int _count;

    private Workspace(string name)
    {
        Name = name;
        Folder = Path.Combine("/var/tmp", name);
        _libvirt = Connection.Open("qemu:///system");
        _volumes = _provider.Resource("libvirt:index:Volume");
    }

    /// <summary>The run-prefixed name of the folder and of the pool.</summary>
    public string Name { get; }

    public string Folder { get; }

    public StoragePool Pool => _pool!;

    public string PoolFolder => Path.Combine(Folder, "pool");

    public static Workspace Create(string hint)
    {
        var workspace = new Workspace($"bench{Environment.ProcessId}-{hint}");
        try
        {
            Directory.CreateDirectory(workspace.Folder);
            workspace._pool = workspace._libvirt.CreateDirectoryPool(workspace.Name, workspace.PoolFolder);
            return workspace;
        }
        catch
        {
            workspace.Dispose();
            throw;
        }
    }

    /// <summary>A name for the next volume (or copy) in the pool.</summary>
    public string NewVolumeName() => $"{Name}-{Interlocked.Increment(ref _count)}.raw";

    /// <summary>
    /// A file of <paramref name="bytes"/> random bytes in the folder: incompressible, no zero block to skip.
    /// </summary>
    public string RandomImage(string fileName, long bytes)
    {
        var path = Path.Combine(Folder, fileName);
        using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write);
        var chunk = new byte[MiB];
        for (long written = 0; written < bytes; written += chunk.Length)
        {
            RandomNumberGenerator.Fill(chunk);
            file.Write(chunk);
        }
        return path;
    }

    /// <summary>The provider's Volume create in this pool, on inputs as Check leaves them.</summary>
    public async Task CreateVolumeAsync(string name, ObjectValue source)
    {
        var urn = $"urn:pulumi:bench::bench::libvirt:index:Volume::{name}";
        var inputs = Props.Object(("name", name), ("pool", Name), ("source", source));
        await _volumes.CreateAsync(new CreateRequest(urn, inputs, Preview: false), _provider.Context(urn));
    }

    /// <summary>Bytes the file of a volume (or copy) of the pool takes on disk: holes take none.</summary>
    public long AllocatedBytes(string name) =>
        long.Parse(Command.Run("stat", "-c", "%b", Path.Combine(PoolFolder, name)), CultureInfo.InvariantCulture) * 512;

    /// <summary>
    /// Removes what an iteration made in the pool: a volume libvirt knows, or a file a command put there.
    /// </summary>
    public void Remove(string name)
    {
        using var volume = Pool.FindVolume(name);
        if (volume is not null)
            volume.Delete();
        else
            File.Delete(Path.Combine(PoolFolder, name));
    }

    public void Dispose()
    {
        try
        {
            if (_pool is not null)
            {
                _pool.Refresh();
                foreach (var volume in _pool.ListVolumes())
                {
                    using (volume)
                        volume.Delete();
                }
                _pool.DestroyAndUndefine();
                _pool.Dispose();
            }
        }
        finally
        {
            _provider.Dispose();
            _libvirt.Dispose();
            if (Directory.Exists(Folder))
                Directory.Delete(Folder, recursive: true);
        }
    }
}
