using System.Diagnostics;
using System.Globalization;
using PulumiLibvirt.Libvirt;
using PulumiLibvirt.Resources;
using PulumiLibvirt.Tests.Support;

namespace PulumiLibvirt.Bench;

/// <summary>
/// The lab's host side: a <see cref="Workspace"/> pool holding a 1 GiB qcow2 template disk (with some data, so a full
/// copy has something to keep sparse), a shut-off template domain with one disk and one NIC, and the floors: what
/// libvirt's own tools need for the same work, sequentially. Disposing removes every domain of the run's prefix too.
/// </summary>
internal sealed class ScaleHost : IDisposable
{
    private const long TemplateBytes = Workspace.GiB;
    private readonly Workspace _workspace;
    private readonly Connection _libvirt = Connection.Open("qemu:///system");

    private ScaleHost(Workspace workspace)
    {
        _workspace = workspace;
        Prefix = workspace.Name;
    }

    /// <summary>Every domain and file of the run starts with it.</summary>
    public string Prefix { get; }

    public string Template => $"{Prefix}-template";

    public string TemplateDisk => Path.Combine(_workspace.PoolFolder, "template.qcow2");

    private string FloorFolder => Path.Combine(_workspace.Folder, "floor");

    public static ScaleHost Create()
    {
        var host = new ScaleHost(Workspace.Create("scale"));
        try
        {
            using (
                var disk = host._workspace.Pool.CreateVolume(
                    new VolumeDefinition("template.qcow2", TemplateBytes, "qcow2")
                )
            ) { }
            // 96 MiB of data in three places, the rest holes: a full copy must copy the data and keep the holes.
            foreach (var offset in new[] { 0L, 400 * Workspace.MiB, 900 * Workspace.MiB })
                Command.WritePattern(host.TemplateDisk, "qcow2", 0x5a, offset, 32 * Workspace.MiB);
            using (
                host._libvirt.DefineDomain(
                    new DomainDefinition
                    {
                        Name = host.Template,
                        Type = "qemu",
                        MemoryKiB = 65536,
                        Disks =
                        [
                            new DomainDisk
                            {
                                Path = host.TemplateDisk,
                                Format = "qcow2",
                                Target = "vda",
                            },
                        ],
                        Interfaces = [new DomainInterface { Network = "default" }],
                    }
                )
            ) { }
            Directory.CreateDirectory(host.FloorFolder);
            return host;
        }
        catch
        {
            host.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The floor of linked clones: <paramref name="count"/> overlays made by `qemu-img create -b`, then the same
    /// definitions as the provider's (<see cref="CloneXml"/>) by one virsh process; then their removal (one virsh
    /// undefining them, the files deleted). Sequential: what libvirt itself needs.
    /// </summary>
    public (TimeSpan Create, TimeSpan Delete) LinkedFloor(int count)
    {
        using var template = _libvirt.FindDomain(Template)!;
        var sourceXml = template.Xml();
        var names = Enumerable.Range(1, count).Select(i => $"{Prefix}-floor{count}-{i}").ToList();
        var definitions = names
            .Select(name =>
            {
                var xml = Path.Combine(FloorFolder, $"{name}.xml");
                File.WriteAllText(
                    xml,
                    CloneXml.Make(
                        sourceXml,
                        new CloneChanges
                        {
                            Name = name,
                            Uuid = Guid.NewGuid().ToString(),
                            SourceUuid = template.Uuid,
                            Owner = "bench-floor",
                            Macs = [MacAddresses.NewRandom()],
                            Disks = new Dictionary<string, ClonedDisk?> { ["vda"] = new(Overlay(name), "qcow2") },
                        }
                    )
                );
                return xml;
            })
            .ToList();

        var clock = Stopwatch.StartNew();
        foreach (var name in names)
            Command.Run("qemu-img", "create", "-q", "-f", "qcow2", "-b", TemplateDisk, "-F", "qcow2", Overlay(name));
        Virsh(definitions.Select(xml => $"define {xml}"));
        var create = clock.Elapsed;

        clock.Restart();
        Virsh(names.Select(name => $"undefine {name}"));
        foreach (var name in names)
            File.Delete(Overlay(name));
        return (create, clock.Elapsed);
    }

    private string Overlay(string name) => Path.Combine(FloorFolder, $"{name}.qcow2");

    /// <summary>
    /// virt-clone's full clone of the template, <paramref name="count"/> times one after the other (its copies in the
    /// template's pool, as the provider's), and the bytes its first copy takes on disk. The clones are removed after.
    /// </summary>
    public (TimeSpan Elapsed, long AllocatedBytes) VirtCloneFloor(int count)
    {
        var names = Enumerable.Range(1, count).Select(i => $"{Prefix}-virtclone-{i}").ToList();
        var clock = Stopwatch.StartNew();
        foreach (var name in names)
        {
            Command.Run(
                "virt-clone",
                "--connect",
                "qemu:///system",
                "--original",
                Template,
                "--name",
                name,
                "--file",
                Path.Combine(_workspace.PoolFolder, $"{name}.qcow2")
            );
        }
        var elapsed = clock.Elapsed;
        var allocated = AllocatedBytes(Path.Combine(_workspace.PoolFolder, $"{names[0]}.qcow2"));
        foreach (var name in names)
        {
            Virsh([$"undefine {name}"]);
            _workspace.Remove($"{name}.qcow2");
        }
        return (elapsed, allocated);
    }

    /// <summary>Bytes a file takes on disk: holes take none.</summary>
    public static long AllocatedBytes(string path) =>
        long.Parse(Command.Run("stat", "-c", "%b", path), CultureInfo.InvariantCulture) * 512;

    /// <summary>One virsh process running <paramref name="commands"/> read from its stdin.</summary>
    private static void Virsh(IEnumerable<string> commands)
    {
        var start = new ProcessStartInfo("virsh", ["-q", "-c", "qemu:///system"])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        foreach (var command in commands)
            process.StandardInput.WriteLine(command);
        process.StandardInput.Close();
        process.WaitForExit();
        if (stderr.Result.Trim() is { Length: > 0 } errors)
            throw new InvalidOperationException($"virsh failed: {errors}{stdout.Result}");
    }

    public void Dispose()
    {
        try
        {
            foreach (var domain in _libvirt.ListDomains())
            {
                using (domain)
                {
                    if (!domain.Name.StartsWith(Prefix, StringComparison.Ordinal))
                        continue;
                    if (domain.IsActive)
                        domain.Destroy();
                    domain.Undefine();
                }
            }
        }
        finally
        {
            _workspace.Dispose();
            _libvirt.Dispose();
        }
    }
}
