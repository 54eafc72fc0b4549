using System.Text;
using System.Xml.Linq;
using PulumiLibvirt.Framework;
using PulumiLibvirt.Guestfs;
using PulumiLibvirt.Tests.Support;

namespace PulumiLibvirt.Tests;

/// <summary>
/// The CloudInit seed against the real libvirtd: the uploaded image as independent readers see it (blkid, isoinfo, a
/// Linux kernel's iso9660 driver), its lifecycle, and a Domain and a Clone that attach it.
/// </summary>
public sealed class CloudInitTests(TestPool pool, TestNetwork network)
    : IClassFixture<TestPool>,
        IClassFixture<TestNetwork>,
        IDisposable
{
    private readonly ResourceHarness _seeds = new("libvirt:index:CloudInit");
    private readonly ResourceHarness _domains = new("libvirt:index:Domain");
    private readonly ResourceHarness _clones = new("libvirt:index:Clone");
    private readonly TestDomains _names = new();

    /// <summary>Longer than one 2048-byte sector.</summary>
    private static readonly string LargeUserData =
        "#cloud-config\nwrite_files:\n"
        + string.Concat(
            Enumerable.Range(0, 120).Select(i => $"  - path: /etc/lab/file-{i:D3}\n    content: \"line {i}\"\n")
        );

    private const string NetworkConfig = "version: 2\nethernets:\n  eth0:\n    dhcp4: true\n";

    public void Dispose()
    {
        _names.Dispose();
        _seeds.Dispose();
        _domains.Dispose();
        _clones.Dispose();
    }

    private ObjectValue Inputs(params (string Key, object? Value)[] more) =>
        Props.Object([("pool", pool.Name), .. more]);

    private Task<(string Id, ObjectValue Outputs, ObjectValue Inputs)> CreateSeedAsync(
        params (string Key, object? Value)[] more
    ) => _seeds.CreateAsync(Inputs(more), TestPool.UniqueName("seed"));

    [Fact]
    public async Task The_uploaded_seed_is_an_iso9660_volume_labelled_cidata_that_blkid_isoinfo_and_Linux_read_exactly()
    {
        var (_, outputs, _) = await CreateSeedAsync(
            ("userData", Props.Secret(LargeUserData)),
            ("instanceId", "lab-1"),
            ("hostname", "web1"),
            ("networkConfig", NetworkConfig)
        );
        var path = Props.Text(outputs, "path");
        Assert.True(Encoding.UTF8.GetByteCount(LargeUserData) > 2048);

        var blkid = Command.Run("blkid", path);
        Assert.Contains("LABEL=\"cidata\"", blkid);
        Assert.Contains("TYPE=\"iso9660\"", blkid);
        var (exit, descriptor, errors) = Command.Try("isoinfo", null, "-d", "-i", path);
        Assert.Equal(0, exit);
        Assert.Equal("", errors);
        Assert.Contains("Volume id: cidata", descriptor);
        Assert.Contains("Joliet with UCS level 3 found", descriptor);
        var listing = Command.Run("isoinfo", "-J", "-l", "-i", path);
        foreach (var file in new[] { "user-data", "meta-data", "network-config" })
            Assert.Contains($" {file} ", listing);

        var expected = new Dictionary<string, string>
        {
            ["user-data"] = LargeUserData,
            ["meta-data"] = "instance-id: lab-1\nlocal-hostname: web1\n",
            ["network-config"] = NetworkConfig,
        };
        foreach (var (file, content) in expected)
            Assert.Equal(content, Command.Run("isoinfo", "-J", "-x", $"/{file}", "-i", path));
        var mounted = await MountedFilesAsync(path);
        Assert.Equal(expected.Keys.Order(), mounted.Keys.Order());
        foreach (var (file, content) in expected)
            Assert.Equal(Encoding.UTF8.GetBytes(content), mounted[file]);
    }

    [Fact]
    public async Task Outputs_give_key_path_and_the_images_sha256_and_userData_stays_secret()
    {
        var (id, outputs, inputs) = await CreateSeedAsync(("userData", "#cloud-config\npassword: hunter2\n"));
        Assert.Equal(id, Props.Text(outputs, "key"));
        Assert.Equal(FileDigest.Sha256(Props.Text(outputs, "path")).ToLowerInvariant(), Props.Text(outputs, "sha256"));
        Assert.True(
            outputs["userData"]!.IsSecret,
            "userData is secret in the outputs even when the program did not mark it"
        );
        Assert.EndsWith(".iso", Props.Text(inputs, "name"));
        Assert.StartsWith(TestPool.RunPrefix, Props.Text(inputs, "name"));

        var read = await _seeds.ReadAsync(id, outputs, inputs);
        Assert.NotNull(read);
        Assert.True(read.Outputs["userData"]!.IsSecret);
        Assert.Equal(Props.Text(outputs, "sha256"), Props.Text(read.Outputs, "sha256"));

        await _seeds.DeleteAsync(id, outputs);
        Assert.Null(pool.Find(id));
        Assert.Null(await _seeds.ReadAsync(id, outputs, inputs));
    }

    [Fact]
    public async Task An_empty_networkConfig_writes_no_network_config_and_meta_data_gets_an_instance_id_from_content()
    {
        var (_, outputs, _) = await CreateSeedAsync(("userData", ""), ("networkConfig", ""));
        var path = Props.Text(outputs, "path");
        var listing = Command.Run("isoinfo", "-J", "-l", "-i", path);
        Assert.Contains(" user-data ", listing);
        Assert.DoesNotContain("network-config", listing);
        Assert.Equal("", Command.Run("isoinfo", "-J", "-x", "/user-data", "-i", path));
        Assert.Matches(
            "^instance-id: iid-[0-9a-f]{16}\n$",
            Command.Run("isoinfo", "-J", "-x", "/meta-data", "-i", path)
        );
    }

    [Fact]
    public async Task The_same_content_gives_the_same_image_and_a_change_replaces_the_seed_under_a_new_name_made_first()
    {
        var resource = TestPool.UniqueName("seed");
        var (_, firstOutputs, firstInputs) = await _seeds.CreateAsync(
            Inputs(("userData", "#cloud-config\n{}\n")),
            resource
        );
        var again = await _seeds.CheckAsync(Inputs(("userData", "#cloud-config\n{}\n")), firstInputs, resource);
        Assert.Equal(Props.Text(firstInputs, "name"), Props.Text(again.Inputs, "name"));

        var changed = await _seeds.CheckAsync(
            Inputs(("userData", "#cloud-config\nhostname: other\n")),
            firstInputs,
            resource
        );
        Assert.NotEqual(Props.Text(firstInputs, "name"), Props.Text(changed.Inputs, "name"));
        var diff = _seeds.Diff(Props.Text(firstOutputs, "key"), firstOutputs, firstInputs, changed.Inputs);
        Assert.Contains("userData", diff.Replaces);
        Assert.False(diff.DeleteBeforeReplace);

        var made = await _seeds.CreateCheckedAsync(changed.Inputs, resource);
        Assert.NotEqual(Props.Text(firstOutputs, "sha256"), Props.Text(made.Outputs, "sha256"));
        Assert.NotNull(pool.Find(Props.Text(firstOutputs, "key")));
    }

    [Fact]
    public async Task Check_names_the_property_of_each_mistake_without_quoting_userData()
    {
        var check = await _seeds.CheckAsync(
            Inputs(
                ("userData", "#cloud-config\nusers: [unclosed\n"),
                ("metaData", "instance-id: x\n"),
                ("hostname", "web1"),
                ("networkConfig", "version: 2\n  ethernets: : :\n")
            )
        );
        var failures = check.Failures.ToDictionary(f => f.Property, f => f.Reason);
        Assert.Contains("'userData' is not valid YAML", failures["userData"]);
        Assert.DoesNotContain("unclosed", failures["userData"]);
        Assert.Contains("'metaData' or 'hostname'", failures["metaData"]);
        Assert.Contains("'networkConfig' is not valid YAML", failures["networkConfig"]);

        var noPool = await _seeds.CheckAsync(
            Props.Object(("pool", TestPool.UniqueName("nopool")), ("userData", "#!/bin/sh\n"))
        );
        Assert.Equal("pool", Assert.Single(noPool.Failures).Property);
    }

    [Fact]
    public async Task A_domain_takes_the_seed_as_a_sata_cdrom_import_round_trips_and_the_seed_is_not_deleted_under_it()
    {
        var (seedId, seedOutputs, _) = await CreateSeedAsync(("userData", "#cloud-config\n{}\n"));
        var program = Props.Object(
            ("name", _names.Name("dom")),
            ("type", "qemu"),
            ("memory", 64),
            ("running", false),
            ("disks", Props.Array(Props.Object(("volume", seedId), ("device", "cdrom"))))
        );
        var (id, _, inputs) = await _domains.CreateAsync(program);
        using (var domain = pool.Libvirt.FindDomain(id)!)
        {
            var target = XElement.Parse(domain.Xml()).Element("devices")!.Element("disk")!.Element("target")!;
            Assert.Equal(("sda", "sata"), (target.Attribute("dev")!.Value, target.Attribute("bus")!.Value));
        }

        // Import declares the disk as the program does (a CD-ROM's read-only, which libvirt adds, left out): the
        // program's disks are then no change.
        var imported = (await _domains.ReadAsync(id))!;
        var disk = Props.Objects(imported.Inputs, "disks").Single();
        Assert.Equal(["bus", "device", "target", "volume"], disk.Properties.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("sata", Props.Text(disk, "bus"));
        Assert.DoesNotContain("disks", _domains.Diff(id, imported.Outputs, imported.Inputs, inputs).Changed);
        var check = await _domains.CheckAsync(imported.Inputs, imported.Inputs);
        Assert.Empty(check.Failures);
        Assert.False(_domains.Diff(id, imported.Outputs, imported.Inputs, check.Inputs).HasChanges);

        var refused = await Assert.ThrowsAsync<ProviderException>(() => _seeds.DeleteAsync(seedId, seedOutputs));
        Assert.Contains("is a disk of domain", refused.Message);
        Assert.NotNull(pool.Find(seedId));

        var virtio = await _domains.CheckAsync(
            Props.With(
                program,
                ("disks", Props.Array(Props.Object(("volume", seedId), ("device", "cdrom"), ("bus", "virtio"))))
            )
        );
        Assert.Equal("disks[0].bus", Assert.Single(virtio.Failures).Property);
    }

    [Fact]
    public async Task A_clone_gets_its_own_seed_in_place_of_the_templates_and_the_template_is_untouched()
    {
        var template = new TemplateDomain(pool, network, _names);
        var (templateSeed, _, _) = await CreateSeedAsync(("userData", "#cloud-config\n{}\n"), ("hostname", "template"));
        var templateSeedPath = pool.Find(templateSeed)!.Path;
        using (var domain = pool.Libvirt.FindDomain(template.Uuid)!)
        {
            // The template's CD-ROM becomes a seed; its XML before the clone is the reference.
            var xml = XElement.Parse(domain.Xml());
            xml.Element("devices")!
                .Elements("disk")
                .Single(d => d.Attribute("device")!.Value == "cdrom")
                .Element("source")!
                .SetAttributeValue("file", templateSeedPath);
            pool.Libvirt.DefineDomain(xml.ToString()).Dispose();
        }
        var before = TemplateXml(template);
        var (cloneSeed, _, _) = await CreateSeedAsync(("userData", "#cloud-config\n{}\n"), ("hostname", "clone"));

        var (id, _, _) = await _clones.CreateAsync(
            Props.Object(
                ("source", template.Name),
                ("name", _names.Name("seeded")),
                ("running", false),
                ("cloudInit", cloneSeed)
            )
        );
        var cdroms = Cdroms(id);
        Assert.Equal([("sda", pool.Find(cloneSeed)!.Path)], cdroms);
        Assert.Equal(before, TemplateXml(template));
    }

    [Fact]
    public async Task A_clone_of_a_template_without_a_seed_gets_a_sata_cdrom_at_the_next_free_target()
    {
        var template = new TemplateDomain(pool, network, _names);
        var before = TemplateXml(template);
        var (seed, _, _) = await CreateSeedAsync(("userData", "#cloud-config\n{}\n"));

        var (id, _, _) = await _clones.CreateAsync(
            Props.Object(
                ("source", template.Name),
                ("name", _names.Name("added")),
                ("running", false),
                ("cloudInit", seed)
            )
        );
        // The template's CD-ROM (an ISO that is no seed) stays shared at sda; the seed comes next.
        Assert.Equal([("sda", template.Iso), ("sdb", pool.Find(seed)!.Path)], Cdroms(id));
        Assert.Equal(before, TemplateXml(template));

        var diff = _clones.Diff(
            id,
            Props.Object(("cloudInit", seed)),
            Props.Object(("source", template.Name), ("cloudInit", seed)),
            Props.Object(("source", template.Name), ("cloudInit", "other"))
        );
        Assert.Contains("cloudInit", diff.Replaces);
    }

    private string TemplateXml(TemplateDomain template)
    {
        using var domain = pool.Libvirt.FindDomain(template.Uuid)!;
        return domain.Xml();
    }

    private List<(string Target, string File)> Cdroms(string id)
    {
        using var domain = pool.Libvirt.FindDomain(id)!;
        return XElement
            .Parse(domain.Xml())
            .Element("devices")!
            .Elements("disk")
            .Where(d => d.Attribute("device")!.Value == "cdrom")
            .Select(d => (d.Element("target")!.Attribute("dev")!.Value, d.Element("source")!.Attribute("file")!.Value))
            .ToList();
    }

    /// <summary>
    /// The files of the image as a Linux kernel's iso9660 driver reads them: a loop mount when this kernel has the
    /// driver, else the libguestfs appliance's kernel mounting it (a kernel without isofs, as in some CI VMs).
    /// </summary>
    private static async Task<Dictionary<string, byte[]>> MountedFilesAsync(string image)
    {
        var folder = Directory.CreateTempSubdirectory(TestPool.RunPrefix);
        try
        {
            Command.Try("modprobe", null, "isofs");
            if (File.ReadAllText("/proc/filesystems").Contains("iso9660", StringComparison.Ordinal))
            {
                Command.Run("mount", "-o", "loop,ro", image, folder.FullName);
                try
                {
                    return Files(folder);
                }
                finally
                {
                    Command.Run("umount", folder.FullName);
                }
            }
            var environment = new Dictionary<string, string>
            {
                ["LIBGUESTFS_BACKEND"] = "direct",
                ["LIBGUESTFS_BACKEND_SETTINGS"] = await GuestfsBackend.DefaultAsync(),
            };
            var (exit, _, errors) = Command.Try(
                "guestfish",
                environment,
                "--ro",
                "--format=raw",
                "-a",
                image,
                "--",
                "run",
                ":",
                "mount-ro",
                "/dev/sda",
                "/",
                ":",
                "copy-out",
                "/",
                folder.FullName
            );
            Assert.True(exit == 0, errors);
            return Files(folder);
        }
        finally
        {
            folder.Delete(recursive: true);
        }

        static Dictionary<string, byte[]> Files(DirectoryInfo folder) =>
            folder
                .EnumerateFiles("*", SearchOption.AllDirectories)
                .ToDictionary(f => f.Name, f => File.ReadAllBytes(f.FullName));
    }
}
