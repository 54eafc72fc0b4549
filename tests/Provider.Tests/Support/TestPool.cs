using PulumiLibvirt.Libvirt;

namespace PulumiLibvirt.Tests.Support;

/// <summary>
/// A directory pool of this test run on the real libvirtd (qemu:///system), in a temporary folder, under a name
/// with the run's prefix. Disposing it deletes every volume in it (overlays before their bases), the pool and the
/// folder, whether the tests passed or not. Nothing outside it is touched.
/// </summary>
public sealed class TestPool : IDisposable
{
    public const string Uri = "qemu:///system";

    /// <summary>Prefix of every libvirt object this run creates.</summary>
    public static readonly string RunPrefix = $"plt{Environment.ProcessId}x{Random.Shared.Next(1000, 9999)}";

    private static int _counter;

    public TestPool()
    {
        Libvirt = Connection.Open(Uri);
        Name = UniqueName("pool");
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), Name);
        Pool = Libvirt.CreateDirectoryPool(Name, Path);
    }

    public Connection Libvirt { get; }
    public StoragePool Pool { get; }
    public string Name { get; }
    public string Path { get; }

    public static string UniqueName(string hint) => $"{RunPrefix}-{hint}-{Interlocked.Increment(ref _counter)}";

    /// <summary>A volume made directly through libvirt (a base image for the tests), with optional content.</summary>
    public VolumeDescription CreateVolume(
        string hint,
        ulong capacity,
        string format = "qcow2",
        BackingStore? backingStore = null
    )
    {
        using var volume = Pool.CreateVolume(new VolumeDefinition(UniqueName(hint), capacity, format, backingStore));
        return volume.Describe();
    }

    public VolumeDescription? Find(string keyOrPath)
    {
        using var volume = Libvirt.FindVolume(keyOrPath);
        return volume?.Describe();
    }

    public void Dispose()
    {
        Pool.Refresh();
        // Overlays first: libvirt would happily delete a base, and a half-deleted chain helps no one.
        for (var pass = 0; pass < 10; pass++)
        {
            var volumes = Pool.ListVolumes();
            if (volumes.Count == 0)
                break;
            var descriptions = volumes.Select(v => v.Describe()).ToList();
            var bases = descriptions.Select(d => d.BackingStore?.Path).OfType<string>().ToHashSet();
            foreach (var (volume, description) in volumes.Zip(descriptions))
            {
                using (volume)
                {
                    if (!bases.Contains(description.Path))
                        volume.Delete();
                }
            }
        }
        Pool.DestroyAndUndefine();
        Pool.Dispose();
        if (Directory.Exists(Path))
            Directory.Delete(Path, recursive: true);
        Libvirt.Dispose();
    }
}
