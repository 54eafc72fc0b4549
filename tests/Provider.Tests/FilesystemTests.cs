using System.Xml.Linq;
using PulumiLibvirt.Framework;
using PulumiLibvirt.Libvirt;
using PulumiLibvirt.Tests.Support;

namespace PulumiLibvirt.Tests;

/// <summary>
/// Shared folders against the real libvirtd: the shares guest (<see cref="SharesGuest"/>) mounts host folders over
/// virtiofs and 9p and reports what it read and whether it could write.
/// </summary>
public sealed class FilesystemTests(TestPool pool) : IClassFixture<TestPool>, IDisposable
{
    private static readonly TimeSpan BootLimit = TimeSpan.FromMinutes(5);
    private readonly ResourceHarness _domains = new("libvirt:index:Domain");
    private readonly TestDomains _names = new();
    private readonly string _folders = Path.Combine("/var/tmp", TestPool.UniqueName("shares"));

    public void Dispose()
    {
        _names.Dispose();
        _domains.Dispose();
        if (Directory.Exists(_folders))
            Directory.Delete(_folders, recursive: true);
    }

    /// <summary>A host folder with a 'hello' file that names it and this run; qemu's user may write it (9p).</summary>
    private string Folder(string tag)
    {
        var folder = Path.Combine(_folders, tag);
        Directory.CreateDirectory(folder);
        Command.Run("chmod", "0755", _folders);
        Command.Run("chmod", "0777", folder);
        File.WriteAllText(Path.Combine(folder, "hello"), $"{tag}-{Path.GetFileName(_folders)}");
        return folder;
    }

    private static ObjectValue Share(string source, string tag, string driver, bool readOnly = false) =>
        Props.Object(("source", source), ("target", tag), ("driver", driver), ("readOnly", readOnly));

    private async Task WaitUntilShutOffAsync(string id)
    {
        using var domain = pool.Libvirt.FindDomain(id)!;
        var deadline = DateTime.UtcNow + BootLimit;
        while (domain.IsActive && DateTime.UtcNow < deadline)
            await Task.Delay(500);
        Assert.False(domain.IsActive, $"the guest of {domain.Name} did not power off within {BootLimit}");
    }

    [Fact]
    public async Task A_guest_mounts_virtiofs_and_9p_folders_reads_the_hosts_files_and_cannot_write_a_read_only_one()
    {
        var (vfs, rw, ro) = (Folder("vfs"), Folder("rw"), Folder("ro"));
        var name = _names.Name("shares");
        var log = Path.Combine(pool.Path, $"{name}.log");
        var (id, outputs, inputs) = await _domains.CreateAsync(
            Props.Object(
                ("name", name),
                ("type", "qemu"),
                ("memory", 256),
                ("shutdownTimeout", 1),
                ("kernel", TestGuest.Shared.Kernel),
                ("initrd", SharesGuest.Initrd),
                ("cmdline", SharesGuest.Cmdline(("vfs", "virtiofs"), ("rw", "9p"), ("ro", "9p"))),
                ("console", Props.Object(("type", "file"), ("path", log))),
                (
                    "filesystems",
                    Props.Array(
                        Props.Object(("source", vfs), ("target", "vfs")),
                        Share(rw, "rw", "9p"),
                        Share(ro, "ro", "9p", readOnly: true)
                    )
                )
            )
        );
        await WaitUntilShutOffAsync(id);

        var report = TestGuest.Report(log);
        foreach (var (tag, folder) in new[] { ("vfs", vfs), ("rw", rw), ("ro", ro) })
            Assert.Equal(File.ReadAllText(Path.Combine(folder, "hello")), report[$"{tag}.hello"]);
        Assert.Equal("ok", report["vfs.write"]);
        Assert.Equal("ok", report["rw.write"]);
        Assert.Equal("refused", report["ro.write"]);
        Assert.Equal("from-guest\n", File.ReadAllText(Path.Combine(vfs, "written")));
        Assert.Equal("from-guest\n", File.ReadAllText(Path.Combine(rw, "written")));
        Assert.False(File.Exists(Path.Combine(ro, "written")));

        // virtiofsd reads the guest's memory: the definition shares it.
        using var domain = pool.Libvirt.FindDomain(id)!;
        var backing = XElement.Parse(domain.Xml()).Element("memoryBacking")!;
        Assert.Equal("shared", backing.Element("access")!.Attribute("mode")!.Value);
        // Refresh reads the folders back as given; only the guest's own power-off differs from the program.
        var read = (await _domains.ReadAsync(id, outputs, inputs))!;
        Assert.Equal(["running"], _domains.Diff(id, read.Outputs, read.Inputs, inputs).Changed);
    }

    [Fact]
    public async Task A_clones_filesystems_replace_the_templates_and_a_clone_without_them_keeps_the_templates()
    {
        var template = _names.Name("tmpl");
        await _domains.CreateAsync(
            Props.Object(
                ("name", template),
                ("type", "qemu"),
                ("memory", 64),
                ("running", false),
                ("filesystems", Props.Array(Share(Folder("class"), "home", "9p")))
            ),
            "tmpl"
        );
        using var clones = new ResourceHarness("libvirt:index:Clone");
        var student = Folder("student1");
        var (ownId, ownOutputs, ownInputs) = await clones.CreateAsync(
            Props.Object(
                ("source", template),
                ("name", _names.Name("student1")),
                ("running", false),
                ("filesystems", Props.Array(Share(student, "home", "virtiofs")))
            ),
            "own"
        );
        var (keptId, keptOutputs, keptInputs) = await clones.CreateAsync(
            Props.Object(("source", template), ("name", _names.Name("kept")), ("running", false)),
            "kept"
        );

        using (var own = pool.Libvirt.FindDomain(ownId)!)
        {
            Assert.Equal([new DomainFilesystem(student, "home", false, "virtiofs")], own.Describe().Filesystems);
            Assert.NotNull(XElement.Parse(own.Xml()).Element("memoryBacking"));
        }
        using (var kept = pool.Libvirt.FindDomain(keptId)!)
        {
            Assert.Equal(
                [new DomainFilesystem(Path.Combine(_folders, "class"), "home", false, "9p")],
                kept.Describe().Filesystems
            );
        }
        (string, ObjectValue, ObjectValue)[] made = [(ownId, ownOutputs, ownInputs), (keptId, keptOutputs, keptInputs)];
        foreach (var (id, outputs, inputs) in made)
        {
            var read = (await clones.ReadAsync(id, outputs, inputs))!;
            Assert.False(clones.Diff(id, read.Outputs, read.Inputs, inputs).HasChanges);
        }
    }

    [Fact]
    public async Task A_folder_removed_outside_shows_as_drift_and_an_update_puts_it_back_in_place()
    {
        var program = Props.Object(
            ("name", _names.Name("drift")),
            ("type", "qemu"),
            ("memory", 64),
            ("running", false),
            ("filesystems", Props.Array(Share(Folder("one"), "one", "9p")))
        );
        var (id, outputs, inputs) = await _domains.CreateAsync(program);
        using (var domain = pool.Libvirt.FindDomain(id)!)
        {
            using var _ = pool.Libvirt.DefineDomain(FilesystemXml.Replaced(domain.Xml(), []));
        }

        var read = (await _domains.ReadAsync(id, outputs, inputs))!;
        Assert.Empty(Props.Objects(read.Inputs, "filesystems"));
        Assert.Equal(["filesystems"], _domains.Diff(id, read.Outputs, read.Inputs, inputs).Changed);
        await _domains.UpdateAsync(id, read.Outputs, read.Inputs, inputs);
        using var updated = pool.Libvirt.FindDomain(id)!;
        Assert.Equal(id, updated.Uuid);
        Assert.Equal(["one"], updated.Describe().Filesystems.Select(f => f.Target));
    }
}
