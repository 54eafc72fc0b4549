using System.Xml.Linq;
using PulumiLibvirt.Framework;
using PulumiLibvirt.Libvirt;
using PulumiLibvirt.Resources;
using PulumiLibvirt.Tests.Support;
using static PulumiLibvirt.Tests.Support.Sizes;

namespace PulumiLibvirt.Tests;

/// <summary>
/// The Domain resource against the real libvirtd: domains of type qemu (software emulation) in this run's pool and
/// network. Without a bootable disk the guest never answers ACPI, so shutdowns here end by force after 1 s.
/// </summary>
public sealed class DomainTests(TestPool pool, TestNetwork network)
    : IClassFixture<TestPool>,
        IClassFixture<TestNetwork>,
        IDisposable
{
    private readonly ResourceHarness _domains = new("libvirt:index:Domain");
    private readonly ResourceHarness _volumes = new("libvirt:index:Volume");
    private readonly TestDomains _names = new();

    public void Dispose()
    {
        _names.Dispose();
        _domains.Dispose();
        _volumes.Dispose();
    }

    /// <summary>A small qemu domain's inputs; <paramref name="more"/> adds or overrides properties.</summary>
    private static ObjectValue Inputs(string name, params (string Key, object? Value)[] more) =>
        Props.With(Props.Object(("name", name), ("type", "qemu"), ("memory", 64), ("shutdownTimeout", 1)), more);

    /// <summary>
    /// The inputs as Check answers them (defaults and targets filled in), as the engine passes them on.
    /// </summary>
    private async Task<ObjectValue> Checked(ObjectValue program, ObjectValue? olds = null) =>
        (await _domains.CheckAsync(program, olds)).Inputs;

    private static ObjectValue Disk(string volume, params (string Key, object? Value)[] more) =>
        Props.Object([("volume", volume), .. more]);

    private ObjectValue Nic(string? mac = null) => Props.Object(("network", network.Name), ("mac", mac));

    private LibvirtDomain Live(string id) =>
        pool.Libvirt.FindDomain(id) ?? throw new Xunit.Sdk.XunitException($"domain {id} is gone");

    private static XElement Xml(LibvirtDomain domain, bool persistent = true) => XElement.Parse(domain.Xml(persistent));

    [Fact]
    public async Task Create_defines_a_persistent_qemu_domain_and_starts_it()
    {
        var disk = pool.CreateVolume("disk", 16 * MiB);
        var name = _names.Name("dom");
        var (id, outputs, _) = await _domains.CreateAsync(
            Inputs(
                name,
                ("memory", 96),
                ("vcpus", 2),
                ("description", "lab machine"),
                ("disks", Props.Array(Disk(disk.Key))),
                ("networkInterfaces", Props.Array(Nic())),
                ("autostart", true),
                ("graphics", Props.Object(("type", "vnc")))
            )
        );

        using var domain = Live(id);
        Assert.Equal(domain.Uuid, id);
        Assert.Equal(id, Props.Text(outputs, "uuid"));
        Assert.Equal(DomainRunState.Running, domain.State);
        Assert.Equal("running", Props.Text(outputs, "state"));
        Assert.True(domain.Autostart);
        var xml = Xml(domain);
        Assert.Equal("qemu", xml.Attribute("type")!.Value);
        Assert.Equal(name, xml.Element("name")!.Value);
        Assert.Equal("lab machine", xml.Element("description")!.Value);
        Assert.Equal("98304", xml.Element("memory")!.Value);
        Assert.Equal("2", xml.Element("vcpu")!.Value);
        var diskXml = xml.Element("devices")!.Element("disk")!;
        Assert.Equal(disk.Path, diskXml.Element("source")!.Attribute("file")!.Value);
        Assert.Equal("qcow2", diskXml.Element("driver")!.Attribute("type")!.Value);
        Assert.Equal("vda", diskXml.Element("target")!.Attribute("dev")!.Value);
        Assert.Equal("1", diskXml.Element("boot")!.Attribute("order")!.Value);
        var mac = Assert.Single(Props.Texts(outputs, "macs"));
        Assert.Matches("^52:54:00(:[0-9a-f]{2}){3}$", mac);
        Assert.Equal(mac, xml.Element("devices")!.Element("interface")!.Element("mac")!.Attribute("address")!.Value);
        Assert.Equal("pty", xml.Element("devices")!.Element("serial")!.Attribute("type")!.Value);
        var graphics = xml.Element("devices")!.Element("graphics")!;
        Assert.Equal("vnc", graphics.Attribute("type")!.Value);
        Assert.Equal("yes", graphics.Attribute("autoport")!.Value);
        Assert.Equal("127.0.0.1", graphics.Element("listen")!.Attribute("address")!.Value);
    }

    [Fact]
    public async Task A_domain_boots_from_an_overlay_volume_whose_backing_store_libvirt_follows()
    {
        var baseVolume = pool.CreateVolume("base", 16 * MiB, "raw");
        var (volumeId, _, _) = await _volumes.CreateAsync(
            Props.Object(("pool", pool.Name), ("backingStore", Props.Object(("volume", baseVolume.Path))))
        );
        var (id, _, _) = await _domains.CreateAsync(
            Inputs(_names.Name("overlay"), ("disks", Props.Array(Disk(volumeId))))
        );

        using var domain = Live(id);
        Assert.True(domain.IsActive);
        var disk = Xml(domain, persistent: false).Element("devices")!.Element("disk")!;
        Assert.Equal(volumeId, disk.Element("source")!.Attribute("file")!.Value);
        Assert.Equal(baseVolume.Path, disk.Element("backingStore")!.Element("source")!.Attribute("file")!.Value);
    }

    [Fact]
    public async Task Targets_follow_the_bus_in_list_order_and_a_given_target_is_kept()
    {
        var (a, b, c, d) = (
            pool.CreateVolume("a", MiB),
            pool.CreateVolume("b", MiB),
            pool.CreateVolume("c", MiB),
            pool.CreateVolume("d", MiB)
        );
        var check = await _domains.CheckAsync(
            Inputs(
                _names.Name("targets"),
                (
                    "disks",
                    Props.Array(
                        Disk(a.Key),
                        Disk(b.Key, ("bus", "sata")),
                        Disk(c.Key, ("target", "vda")),
                        Disk(d.Key, ("bus", "ide"))
                    )
                )
            )
        );
        Assert.Empty(check.Failures);
        var targets = Props.Objects(check.Inputs, "disks").Select(disk => Props.Text(disk, "target"));
        Assert.Equal(["vdb", "sda", "vda", "hda"], targets);
    }

    [Fact]
    public async Task Two_domains_created_in_parallel_get_distinct_macs_in_qemus_prefix()
    {
        var first = _domains.CreateAsync(
            Inputs(_names.Name("par"), ("running", false), ("networkInterfaces", Props.Array(Nic(), Nic()))),
            "first"
        );
        var second = _domains.CreateAsync(
            Inputs(_names.Name("par"), ("running", false), ("networkInterfaces", Props.Array(Nic(), Nic()))),
            "second"
        );
        var created = await Task.WhenAll(first, second);
        var macs = created.SelectMany(c => Props.Texts(c.Outputs, "macs")).ToList();
        Assert.Equal(4, macs.Distinct().Count());
        Assert.All(macs, mac => Assert.StartsWith("52:54:00:", mac));
    }

    [Fact]
    public async Task Assigned_macs_are_kept_across_check_diff_preview_and_an_update_that_redefines()
    {
        var name = _names.Name("keep");
        var program = Inputs(name, ("running", false), ("networkInterfaces", Props.Array(Nic())));
        var (id, outputs, inputs) = await _domains.CreateAsync(program);
        var mac = Assert.Single(Props.Texts(outputs, "macs"));

        var again = await _domains.CheckAsync(program, olds: inputs);
        Assert.False(_domains.Diff(id, outputs, inputs, again.Inputs).HasChanges);

        var bigger = (await _domains.CheckAsync(program.With("memory", new NumberValue(128)), olds: inputs)).Inputs;
        Assert.Equal(
            [mac],
            Props.Texts(await _domains.UpdateAsync(id, outputs, inputs, bigger, preview: true), "macs")
        );
        var updated = await _domains.UpdateAsync(id, outputs, inputs, bigger);
        Assert.Equal([mac], Props.Texts(updated, "macs"));
        using var domain = Live(id);
        Assert.Equal(id, domain.Uuid);
        Assert.Equal(
            mac,
            Xml(domain).Element("devices")!.Element("interface")!.Element("mac")!.Attribute("address")!.Value
        );
        Assert.Equal("131072", Xml(domain).Element("memory")!.Value);
    }

    [Fact]
    public async Task A_mac_or_name_another_domain_uses_or_a_malformed_mac_fails_check_but_the_resources_own_do_not()
    {
        var ownerName = _names.Name("owner");
        var (_, outputs, _) = await _domains.CreateAsync(
            Inputs(ownerName, ("running", false), ("networkInterfaces", Props.Array(Nic()))),
            name: "owner"
        );
        var taken = Assert.Single(Props.Texts(outputs, "macs"));

        var check = await _domains.CheckAsync(
            Inputs(_names.Name("thief"), ("networkInterfaces", Props.Array(Nic(), Nic(taken.ToUpperInvariant())))),
            name: "thief"
        );
        var failure = Assert.Single(check.Failures);
        Assert.Equal("networkInterfaces[1].mac", failure.Property);
        Assert.Contains("already used by another domain", failure.Reason);
        check = await _domains.CheckAsync(Inputs(ownerName), name: "thief");
        Assert.Equal("name", Assert.Single(check.Failures).Property);

        // A replacement's second Check has no olds: the owner's own name and MAC are still its own (its URN marks the
        // domain).
        var replacing = await _domains.CheckAsync(
            Inputs(ownerName, ("networkInterfaces", Props.Array(Nic(taken)))),
            olds: ObjectValue.Empty,
            name: "owner"
        );
        Assert.Empty(replacing.Failures);

        check = await _domains.CheckAsync(
            Inputs(
                _names.Name("bad"),
                ("networkInterfaces", Props.Array(Nic("52:54:00:zz:00:01"), Nic("01:00:5e:00:00:01")))
            )
        );
        Assert.Equal(["networkInterfaces[0].mac", "networkInterfaces[1].mac"], check.Failures.Select(f => f.Property));
        Assert.Contains("multicast", check.Failures[1].Reason);
    }

    [Fact]
    public async Task Bad_inputs_are_check_failures_naming_each_property_and_nothing_is_defined()
    {
        var disk = pool.CreateVolume("disk", MiB);
        var name = _names.Name("bad");
        var check = await _domains.CheckAsync(
            Inputs(
                name,
                ("memory", 100_000_000),
                ("vcpus", 0),
                (
                    "disks",
                    Props.Array(
                        Disk(disk.Key, ("target", "vdb")),
                        Disk(Path.Combine(pool.Path, "missing.qcow2")),
                        Props.Object(("file", "/nonexistent/boot.iso"), ("device", "cdrom"), ("bus", "sata")),
                        Disk(disk.Key, ("target", "vdb")),
                        Props.Object(("file", "/nonexistent/x.iso"), ("device", "cdrom"), ("bus", "virtio"))
                    )
                ),
                ("networkInterfaces", Props.Array(Props.Object(("network", "no-such-network-" + TestPool.RunPrefix)))),
                ("console", Props.Object(("type", "file"))),
                ("cmdline", "console=ttyS0")
            )
        );
        var properties = check.Failures.Select(f => f.Property).ToList();
        Assert.Equal(
            [
                "memory",
                "vcpus",
                "disks[1].volume",
                "disks[2].file",
                "disks[3].target",
                "disks[4].file",
                "disks[4].bus",
                "networkInterfaces[0].network",
                "cmdline",
                "console.path",
            ],
            properties
        );
        Assert.Contains("between 1 and the host's", check.Failures[0].Reason);
        Assert.Contains("already the target of disks[0]", check.Failures[4].Reason);
        Assert.Null(pool.Libvirt.FindDomain(name));
    }

    [Fact]
    public async Task Running_autostart_and_description_change_in_place()
    {
        var program = Inputs(_names.Name("power"));
        var (id, outputs, inputs) = await _domains.CreateAsync(program);
        using var domain = Live(id);
        Assert.True(domain.IsActive);

        var stopped = await Checked(
            program
                .With("running", new BoolValue(false))
                .With("autostart", new BoolValue(true))
                .With("description", new StringValue("now off")),
            inputs
        );
        var diff = _domains.Diff(id, outputs, inputs, stopped);
        Assert.Equal(["autostart", "description", "running"], diff.Changed.Order());
        Assert.Empty(diff.Replaces);

        outputs = await _domains.UpdateAsync(id, outputs, inputs, stopped);
        Assert.False(domain.IsActive);
        Assert.Equal("shutoff", Props.Text(outputs, "state"));
        Assert.True(domain.Autostart);
        Assert.Equal("now off", Xml(domain).Element("description")!.Value);
        Assert.Equal(id, domain.Uuid);
        // The guest has no OS to answer ACPI: the graceful request times out and the force is logged.
        Assert.Contains(_domains.Log.Messages, m =>
            m.Severity == LogSeverity.Warning && m.Message.Contains("stopping it by force")
        );

        outputs = await _domains.UpdateAsync(id, outputs, stopped, inputs);
        Assert.True(domain.IsActive);
        Assert.False(domain.Autostart);
        Assert.Equal("running", Props.Text(outputs, "state"));
    }

    [Fact]
    public async Task Changing_memory_of_a_running_domain_redefines_it_for_the_next_boot_and_says_so()
    {
        var disk = pool.CreateVolume("disk", MiB);
        var program = Inputs(_names.Name("grow"), ("disks", Props.Array(Disk(disk.Key))));
        var (id, outputs, inputs) = await _domains.CreateAsync(program);
        var bigger = await Checked(
            program.With("memory", new NumberValue(128)).With("vcpus", new NumberValue(2)),
            inputs
        );
        var diff = _domains.Diff(id, outputs, inputs, bigger);
        Assert.Equal(["memory", "vcpus"], diff.Changed.Order());
        Assert.Empty(diff.Replaces);

        await _domains.UpdateAsync(id, outputs, inputs, bigger);
        using var domain = Live(id);
        Assert.True(domain.IsActive);
        Assert.Equal("131072", Xml(domain).Element("memory")!.Value);
        Assert.Equal("65536", Xml(domain, persistent: false).Element("memory")!.Value);
        Assert.Contains(_domains.Log.Messages, m =>
            m.Message.Contains("takes effect at its next boot") && m.Message.Contains("memory")
        );
    }

    [Fact]
    public async Task A_kvm_guest_where_the_host_offers_no_kvm_is_a_check_failure_that_says_to_use_qemu()
    {
        // libvirt's test driver offers no kvm guests, as a host without /dev/kvm does.
        using var noKvm = new ResourceHarness("libvirt:index:Domain", "test:///default");
        var failure = Assert.Single(
            (await noKvm.CheckAsync(Props.Object(("name", _names.Name("k")), ("type", "kvm")))).Failures
        );
        Assert.Equal("type", failure.Property);
        Assert.Contains("type: qemu", failure.Reason);
        // A clone's type is its template's: the same check names 'source' and the template.
        using var testDriver = Connection.Open("test:///default");
        var cloneCheck = new DomainCheck(
            new LibvirtCheckHost(() => testDriver),
            PropertyMarks.None,
            new OwnDomain("urn"),
            "libvirt:index:Clone"
        );
        Assert.False(cloneCheck.HypervisorType("kvm", "source", "tmpl"));
        Assert.Equal("source", Assert.Single(cloneCheck.Failures).Property);
        Assert.Contains("template 'tmpl' is a kvm domain", cloneCheck.Failures[0].Reason);

        // This host refuses kvm exactly when its capabilities do not offer it, with /dev/kvm or without.
        var offersKvm = Command.Run("virsh", "-c", TestPool.Uri, "capabilities").Contains("<domain type='kvm'");
        var here = await _domains.CheckAsync(Inputs(_names.Name("k")).With("type", new StringValue("kvm")));
        Assert.Equal(offersKvm ? [] : ["type"], here.Failures.Select(f => f.Property));
    }

    [Fact]
    public async Task A_replacement_deletes_first_exactly_when_it_cannot_run_beside_the_old_domain()
    {
        var (disk, other) = (pool.CreateVolume("rdisk", MiB), pool.CreateVolume("rother", MiB));
        var mac = "52:54:00:0e:0e:0e";
        var oldOutputs = Props.Object(("uuid", "x"), ("macs", Props.Array(mac)));
        // The program leaves the name out: the replacement gets a new one from the second Check.
        async Task<bool> DeletesFirst(ObjectValue program, ObjectValue changed)
        {
            var olds = await Checked(program);
            var news = await Checked(changed, olds);
            var diff = _domains.Diff("x", oldOutputs, olds, news);
            Assert.Equal(["firmware"], diff.Replaces);
            return diff.DeleteBeforeReplace;
        }
        ObjectValue Program(params (string Key, object? Value)[] properties) =>
            Props.With(Props.Object(("type", "qemu"), ("memory", 64), ("running", false)), properties);
        var efi = ("firmware", (object?)"efi");

        Assert.False(
            await DeletesFirst(
                Program(("disks", Props.Array(Disk(disk.Key)))),
                Program(("disks", Props.Array(Disk(other.Key))), efi)
            )
        );
        Assert.True(
            await DeletesFirst(
                Program(("disks", Props.Array(Disk(disk.Key)))),
                Program(("disks", Props.Array(Disk(disk.Key))), efi)
            )
        );
        Assert.False(
            await DeletesFirst(
                Program(("disks", Props.Array(Disk(disk.Key, ("readOnly", true))))),
                Program(("disks", Props.Array(Disk(disk.Key, ("readOnly", true)))), efi)
            )
        );
        Assert.True(
            await DeletesFirst(
                Program(("networkInterfaces", Props.Array(Nic(mac)))),
                Program(("networkInterfaces", Props.Array(Nic(mac.ToUpperInvariant()))), efi)
            )
        );
        Assert.False(
            await DeletesFirst(
                Program(("networkInterfaces", Props.Array(Nic()))),
                Program(("networkInterfaces", Props.Array(Nic())), efi)
            )
        );
        var name = _names.Name("kept");
        Assert.True(await DeletesFirst(Program(("name", name)), Program(("name", name), efi)));
        Assert.False(await DeletesFirst(Program(), Program(efi)));
    }

    [Fact]
    public async Task Name_type_and_firmware_are_replacements_and_every_changed_property_is_in_the_detailed_diff()
    {
        var program = await Checked(Inputs("unused", ("running", false)));
        var oldOutputs = Props.Object(("uuid", "x"));
        var changed = await Checked(
            program
                .With("name", new StringValue("other"))
                .With("type", new StringValue("kvm"))
                .With("firmware", new StringValue("efi"))
                .With("cmdline", new StringValue("quiet"))
                .With("kernel", new StringValue("/k"))
        );
        var diff = _domains.Diff("x", oldOutputs, program, changed);
        Assert.Equal(["cmdline", "firmware", "kernel", "name", "type"], diff.Changed.Order());
        Assert.Equal(["firmware", "name", "type"], diff.Replaces.Order());
        Assert.Equal(DiffKind.Add, diff.Detailed["kernel"]);
        Assert.Equal(DiffKind.UpdateReplace, diff.Detailed["name"]);
    }

    [Fact]
    public async Task Delete_undefines_the_domain_with_its_nvram_and_keeps_its_volumes()
    {
        var disk = pool.CreateVolume("disk", MiB);
        var (id, outputs, _) = await _domains.CreateAsync(
            Inputs(_names.Name("efi"), ("firmware", "efi"), ("disks", Props.Array(Disk(disk.Key))))
        );
        string nvram;
        using (var domain = Live(id))
            nvram = Xml(domain, persistent: false).Element("os")!.Element("nvram")!.Value;
        Assert.True(File.Exists(nvram), "libvirt makes the domain's own NVRAM file when it first starts");

        await _domains.DeleteAsync(id, outputs);
        Assert.Null(pool.Libvirt.FindDomain(id));
        Assert.False(File.Exists(nvram));
        Assert.NotNull(pool.Find(disk.Key));
    }

    [Fact]
    public async Task Delete_shuts_a_running_domain_down_first()
    {
        var (id, outputs, _) = await _domains.CreateAsync(Inputs(_names.Name("del")));
        await _domains.DeleteAsync(id, outputs);
        Assert.Null(pool.Libvirt.FindDomain(id));
        Assert.Contains(_domains.Log.Messages, m => m.Message.Contains("Shutting down domain"));
    }

    [Fact]
    public async Task Delete_with_a_snapshot_taken_outside_is_refused_unless_deleteSnapshots_which_deletes_its_data()
    {
        var disk = pool.CreateVolume("disk", 16 * MiB, "qcow2");
        var name = _names.Name("snapped");
        var (id, outputs, _) = await _domains.CreateAsync(
            Inputs(name, ("running", false), ("disks", Props.Array(Disk(disk.Key))))
        );

        await OutsideSnapshots.DeleteIsRefusedUnlessAllowedAsync(_domains, pool.Libvirt, id, outputs, name);
        // The disk is the program's Volume: it stays, without the snapshot's data inside.
        Assert.NotNull(pool.Find(disk.Key));
        var left = Command.Run("qemu-img", "snapshot", "-l", disk.Path);
        Assert.DoesNotContain("outside", left, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_sees_a_domain_stopped_outside_and_the_next_diff_proposes_to_start_it()
    {
        var program = Inputs(_names.Name("drift"));
        var (id, outputs, inputs) = await _domains.CreateAsync(program);
        using (var domain = Live(id))
            domain.Destroy();

        var read = (await _domains.ReadAsync(id, outputs, inputs))!;
        Assert.Equal(id, read.Id);
        Assert.Equal(new BoolValue(false), read.Inputs["running"]);
        Assert.Equal("shutoff", Props.Text(read.Outputs, "state"));
        var diff = _domains.Diff(id, read.Outputs, read.Inputs, inputs);
        Assert.Equal(["running"], diff.Changed);

        await _domains.UpdateAsync(id, read.Outputs, read.Inputs, inputs);
        using (var domain = Live(id))
            Assert.True(domain.IsActive);
    }

    [Fact]
    public async Task Read_of_a_domain_undefined_outside_answers_with_an_empty_id()
    {
        var (id, outputs, inputs) = await _domains.CreateAsync(Inputs(_names.Name("gone"), ("running", false)));
        using (var domain = Live(id))
            domain.Undefine();
        Assert.Null(await _domains.ReadAsync(id, outputs, inputs));
    }

    [Fact]
    public async Task Import_by_name_answers_the_uuid_and_inputs_that_declare_the_domain()
    {
        var disk = pool.CreateVolume("disk", MiB);
        var name = _names.Name("import");
        var (id, outputs, _) = await _domains.CreateAsync(
            Inputs(
                name,
                ("running", false),
                ("vcpus", 2),
                ("disks", Props.Array(Disk(disk.Path))),
                ("networkInterfaces", Props.Array(Nic())),
                ("console", Props.Object(("type", "file"), ("path", Path.Combine(pool.Path, "console.log"))))
            )
        );

        var read = (await _domains.ReadAsync(name))!;
        Assert.Equal(id, read.Id);
        Assert.Equal(name, Props.Text(read.Inputs, "name"));
        Assert.Equal("qemu", Props.Text(read.Inputs, "type"));
        Assert.Equal(new NumberValue(2), read.Inputs["vcpus"]);
        Assert.Equal(new NumberValue(64), read.Inputs["memory"]);
        Assert.Equal(new BoolValue(false), read.Inputs["running"]);
        var importedDisk = Props.Objects(read.Inputs, "disks").Single();
        Assert.Equal(disk.Key, Props.Text(importedDisk, "volume"));
        Assert.Equal("vda", Props.Text(importedDisk, "target"));
        var nic = Props.Objects(read.Inputs, "networkInterfaces").Single();
        Assert.Equal(network.Name, Props.Text(nic, "network"));
        Assert.Equal(Props.Texts(outputs, "macs").Single(), Props.Text(nic, "mac"));
        Assert.Equal(Path.Combine(pool.Path, "console.log"), Props.Text((ObjectValue)read.Inputs["console"]!, "path"));
        // What a person would write: defaults are left out (device, firmware, autostart…; not the bus, whose default
        // depends on the device), yet Check and Diff see the same domain: an import that diffs clean.
        foreach (var key in new[] { "firmware", "autostart", "shutdownTimeout", "graphics" })
            Assert.Null(read.Inputs[key]);
        Assert.Equal(["bus", "target", "volume"], importedDisk.Properties.Keys.Order(StringComparer.Ordinal));
        var check = await _domains.CheckAsync(read.Inputs, read.Inputs, name: "res");
        Assert.Empty(check.Failures);
        Assert.False(_domains.Diff(id, read.Outputs, read.Inputs, check.Inputs).HasChanges);
    }

    [Fact]
    public async Task A_domain_that_cannot_start_is_not_left_defined()
    {
        var name = _names.Name("nostart");
        // Check refuses a missing bridge where it can see the host; on a remote host only the start finds out.
        var check = await _domains.CheckAsync(Inputs(name));
        Assert.Empty(check.Failures);
        var inputs = Props.With(
            check.Inputs,
            ("networkInterfaces", Props.Array(Props.Object(("bridge", "nosuchbr0"))))
        );
        var error = await Assert.ThrowsAsync<ProviderException>(() => _domains.CreateCheckedAsync(inputs));
        Assert.Contains("nosuchbr0", error.Message);
        Assert.Null(pool.Libvirt.FindDomain(name));
    }

    [Fact]
    public async Task A_volume_that_a_domain_uses_cannot_be_deleted_until_the_domain_is()
    {
        var (volumeId, volumeOutputs, _) = await _volumes.CreateAsync(
            Props.Object(("pool", pool.Name), ("capacity", MiB))
        );
        var name = _names.Name("user");
        var (id, outputs, _) = await _domains.CreateAsync(
            Inputs(name, ("running", false), ("disks", Props.Array(Disk(volumeId))))
        );

        var error = await Assert.ThrowsAsync<ProviderException>(() => _volumes.DeleteAsync(volumeId, volumeOutputs));
        Assert.Equal(ErrorKind.FailedPrecondition, error.Kind);
        Assert.Contains($"'{name}'", error.Message);
        Assert.NotNull(pool.Find(volumeId));

        // As `pulumi destroy` does: the domain (the dependent) first, then its volume.
        await _domains.DeleteAsync(id, outputs);
        await _volumes.DeleteAsync(volumeId, volumeOutputs);
        Assert.Null(pool.Find(volumeId));
    }

    [Fact]
    public async Task A_create_preview_touches_nothing_and_leaves_uuid_macs_and_state_unknown()
    {
        var name = _names.Name("preview");
        var preview = await _domains.PreviewCreateAsync(Inputs(name, ("networkInterfaces", Props.Array(Nic()))));
        Assert.Equal("", preview.Id);
        Assert.Equal(PropertyValue.Unknown, preview.Outputs["uuid"]);
        Assert.Equal(PropertyValue.Unknown, preview.Outputs["macs"]);
        Assert.Equal(PropertyValue.Unknown, preview.Outputs["state"]);
        Assert.Equal(new NumberValue(64), preview.Outputs["memory"]);
        Assert.Null(pool.Libvirt.FindDomain(name));
    }
}
