using System.Xml.Linq;
using PulumiLibvirt.Framework;
using PulumiLibvirt.Libvirt;
using PulumiLibvirt.Tests.Support;
using static PulumiLibvirt.Tests.Support.Sizes;

namespace PulumiLibvirt.Tests;

/// <summary>
/// The Clone resource against the real libvirtd, on a template domain of type qemu whose disks hold data.
/// </summary>
public sealed class CloneTests(TestPool pool, TestNetwork network)
    : IClassFixture<TestPool>,
        IClassFixture<TestNetwork>,
        IDisposable
{
    private readonly ResourceHarness _clones = new("libvirt:index:Clone");
    private readonly TestDomains _names = new();

    public void Dispose()
    {
        _names.Dispose();
        _clones.Dispose();
    }

    private TemplateDomain Template() => new(pool, network, _names);

    private static ObjectValue Inputs(
        TemplateDomain template,
        string name,
        params (string Key, object? Value)[] more
    ) => Props.With(Props.Object(("source", template.Name), ("name", name), ("shutdownTimeout", 1)), more);

    private static ObjectValue VolumeAt(ObjectValue outputs, string target) =>
        Props.Objects(outputs, "volumes").Single(v => Props.Text(v, "target") == target);

    private XElement Xml(string id)
    {
        using var domain = pool.Libvirt.FindDomain(id)!;
        return XElement.Parse(domain.Xml());
    }

    private static XElement Disk(XElement domain, string target) =>
        domain.Element("devices")!.Elements("disk").Single(d => d.Element("target")!.Attribute("dev")!.Value == target);

    private static string DiskFile(XElement domain, string target) =>
        Disk(domain, target).Element("source")!.Attribute("file")!.Value;

    [Fact]
    public async Task A_full_clone_copies_the_writable_disks_and_makes_everything_unique_keeping_the_rest()
    {
        var template = Template();
        var name = _names.Name("full");
        var (id, outputs, _) = await _clones.CreateAsync(Inputs(template, name, ("running", false)));
        var clone = Xml(id);
        var source = Xml(template.Uuid);

        Assert.Equal(name, clone.Element("name")!.Value);
        Assert.Equal(id, clone.Element("uuid")!.Value);
        Assert.NotEqual(template.Uuid, id);
        var sysinfo = clone
            .Element("sysinfo")!
            .Element("system")!
            .Elements("entry")
            .ToDictionary(e => e.Attribute("name")!.Value, e => e.Value);
        Assert.Equal(id, sysinfo["uuid"]);
        Assert.Equal("template-serial", sysinfo["serial"]);
        var mac = clone.Element("devices")!.Element("interface")!.Element("mac")!.Attribute("address")!.Value;
        Assert.NotEqual(template.Mac, mac);
        Assert.StartsWith("52:54:00:", mac);
        Assert.Equal([mac], Props.Texts(outputs, "macs"));

        // Writable disks: new files named after the clone, with the template's data; the CD-ROM is shared.
        Assert.Equal(Path.Combine(pool.Path, $"{name}-vda.qcow2"), DiskFile(clone, "vda"));
        Assert.Equal(Path.Combine(pool.Path, $"{name}-vdb.img"), DiskFile(clone, "vdb"));
        Assert.Equal(template.Iso, DiskFile(clone, "sda"));
        Assert.True(Command.HasPattern(DiskFile(clone, "vda"), "qcow2", TemplateDomain.SystemPattern, 0, MiB));
        Assert.True(Command.HasPattern(DiskFile(clone, "vdb"), "raw", TemplateDomain.DataPattern, MiB, MiB));
        Assert.DoesNotContain("backing file", Command.Run("qemu-img", "info", DiskFile(clone, "vda")));
        Assert.Equal(["full", "full", "share"], Props.Objects(outputs, "volumes").Select(v => Props.Text(v, "mode")));
        Assert.Equal(pool.Find(DiskFile(clone, "vda"))!.Key, Props.Text(VolumeAt(outputs, "vda"), "key"));

        // NVRAM: a copy of its own; serial and console log: renamed after the clone; VNC: an automatic port.
        var nvram = clone.Element("os")!.Element("nvram")!.Value;
        Assert.Equal(Path.Combine(pool.Path, $"{name}_VARS.fd"), nvram);
        Assert.Equal(File.ReadAllBytes(template.Nvram), File.ReadAllBytes(nvram));
        var logs = clone
            .Element("devices")!
            .Elements()
            .Where(e => e.Name == "serial" || e.Name == "console")
            .Select(e => e.Element("source")!.Attribute("path")!.Value)
            .Distinct();
        Assert.Equal([Path.Combine(pool.Path, $"{name}-serial.log")], logs);
        var graphics = clone.Element("devices")!.Element("graphics")!;
        Assert.Equal("yes", graphics.Attribute("autoport")!.Value);

        // The rest is the template's.
        foreach (var kept in new[] { "memory", "vcpu", "description" })
            Assert.Equal(source.Element(kept)!.Value, clone.Element(kept)!.Value);
        Assert.Equal(source.Element("os")!.Element("loader")!.Value, clone.Element("os")!.Element("loader")!.Value);
        Assert.Equal(
            source.Element("os")!.Element("type")!.Attribute("machine")!.Value,
            clone.Element("os")!.Element("type")!.Attribute("machine")!.Value
        );
        Assert.NotNull(Disk(clone, "sda").Element("readonly"));
        Assert.Equal(template.Uuid, Props.Text(outputs, "sourceUuid"));
    }

    [Fact]
    public async Task A_linked_clone_is_overlays_on_the_template_whose_disks_never_change_across_create_run_and_delete()
    {
        var template = Template();
        var before = template.DisksChecksum();
        var (id, outputs, _) = await _clones.CreateAsync(Inputs(template, _names.Name("linked"), ("mode", "linked")));
        Assert.Equal(before, template.DisksChecksum());
        using (var domain = pool.Libvirt.FindDomain(id)!)
            Assert.True(domain.IsActive);

        var clone = Xml(id);
        var chain = Command.Run("qemu-img", "info", "--backing-chain", "-U", DiskFile(clone, "vda"));
        Assert.Contains($"backing file: {template.SystemDisk}", chain);
        Assert.Contains("backing file format: qcow2", chain);
        Assert.Contains(
            $"backing file: {template.DataDisk}",
            Command.Run("qemu-img", "info", "-U", DiskFile(clone, "vdb"))
        );
        Assert.Equal("qcow2", Disk(clone, "vdb").Element("driver")!.Attribute("type")!.Value);
        Assert.Equal(template.SystemDisk, Props.Text(VolumeAt(outputs, "vda"), "backingPath"));
        Assert.Equal("linked", Props.Text(VolumeAt(outputs, "vdb"), "mode"));

        // The clone runs and writes only to its overlays.
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.Equal(before, template.DisksChecksum());

        await _clones.DeleteAsync(id, outputs);
        Assert.Equal(before, template.DisksChecksum());
        Assert.Null(pool.Find(DiskFile(clone, "vda")));
        Assert.Null(pool.Find(DiskFile(clone, "vdb")));
        Assert.NotNull(pool.Find(template.SystemDisk));
        Assert.NotNull(pool.Find(template.Iso));
        Assert.False(File.Exists(clone.Element("os")!.Element("nvram")!.Value));
    }

    [Fact]
    public async Task A_linked_clone_costs_the_same_whatever_the_templates_size()
    {
        var template = Template();
        using (var big = pool.Libvirt.FindVolume(template.SystemDisk)!)
            big.Resize(50L * 1024 * MiB);
        var (_, outputs, _) = await _clones.CreateAsync(
            Inputs(template, _names.Name("big"), ("mode", "linked"), ("running", false))
        );
        var overlay = pool.Find(Props.Text(VolumeAt(outputs, "vda"), "path"))!;
        Assert.Equal(50UL * 1024 * MiB, overlay.Capacity);
        // An overlay holds only its header: what it costs to make does not grow with the template.
        Assert.True(overlay.Allocation < 2 * (ulong)MiB, $"overlay allocates {overlay.Allocation} bytes");
    }

    [Fact]
    public async Task Disks_can_be_shared_or_skipped_on_request_and_deleting_the_clone_keeps_them()
    {
        var template = Template();
        var (id, outputs, _) = await _clones.CreateAsync(
            Inputs(
                template,
                _names.Name("share"),
                ("running", false),
                (
                    "disks",
                    Props.Array(
                        Props.Object(("target", "vdb"), ("mode", "share")),
                        Props.Object(("target", "sda"), ("mode", "skip"))
                    )
                )
            )
        );
        var clone = Xml(id);
        Assert.Equal(template.DataDisk, DiskFile(clone, "vdb"));
        Assert.DoesNotContain(clone.Element("devices")!.Elements("disk"), d =>
            d.Element("target")!.Attribute("dev")!.Value == "sda"
        );
        Assert.Equal(["full", "share"], Props.Objects(outputs, "volumes").Select(v => Props.Text(v, "mode")));
        Assert.Contains(_clones.Log.Messages, m =>
            m.Severity == LogSeverity.Warning && m.Message.Contains("never run both machines at once")
        );

        await _clones.DeleteAsync(id, outputs);
        Assert.NotNull(pool.Find(template.DataDisk));
        Assert.True(Command.HasPattern(template.DataDisk, "raw", TemplateDomain.DataPattern, MiB, MiB));
    }

    [Fact]
    public async Task Delete_with_an_outside_snapshot_is_refused_unless_deleteSnapshots_then_removes_the_overlay()
    {
        // A BIOS source: libvirt takes internal snapshots of qcow2 disks, not of a UEFI machine's NVRAM.
        var source = _names.Name("bios");
        var disk = pool.CreateVolume("sys", 16 * MiB, "qcow2").Path;
        pool.Libvirt.DefineDomain(
                $"""
                <domain type='qemu'>
                  <name>{source}</name>
                  <memory unit='MiB'>64</memory>
                  <vcpu>1</vcpu>
                  <os><type arch='x86_64'>hvm</type></os>
                  <devices>
                    <disk type='file' device='disk'>
                      <driver name='qemu' type='qcow2'/><source file='{disk}'/><target dev='vda' bus='virtio'/>
                    </disk>
                  </devices>
                </domain>
                """
            )
            .Dispose();
        var name = _names.Name("snapped");
        var (id, outputs, _) = await _clones.CreateAsync(
            Props.Object(
                ("source", source),
                ("name", name),
                ("mode", "linked"),
                ("running", false),
                ("shutdownTimeout", 1)
            )
        );
        var overlay = Props.Text(VolumeAt(outputs, "vda"), "path");

        await OutsideSnapshots.DeleteIsRefusedUnlessAllowedAsync(_clones, pool.Libvirt, id, outputs, name);
        Assert.False(File.Exists(overlay));
        Assert.NotNull(pool.Find(disk));
    }

    [Fact]
    public async Task A_running_source_is_refused_naming_it_and_nothing_is_made()
    {
        var template = Template();
        using (var source = pool.Libvirt.FindDomain(template.Name)!)
            source.Start();
        pool.Pool.Refresh();
        var volumes = pool.Pool.ListVolumes().Count;
        var name = _names.Name("hot");
        var check = await _clones.CheckAsync(Inputs(template, name));
        Assert.Empty(check.Failures);
        var error = await Assert.ThrowsAsync<ProviderException>(() => _clones.CreateCheckedAsync(check.Inputs));
        Assert.Equal(ErrorKind.FailedPrecondition, error.Kind);
        Assert.Contains($"'{template.Name}' is running", error.Message);
        Assert.Null(pool.Libvirt.FindDomain(name));
        pool.Pool.Refresh();
        Assert.Equal(volumes, pool.Pool.ListVolumes().Count);
    }

    [Fact]
    public async Task A_create_that_fails_half_way_removes_what_it_made()
    {
        var template = Template();
        var name = _names.Name("half");
        // The second disk's copy will fail: a volume of that name is already in the pool.
        using (var blocker = pool.Pool.CreateVolume(new VolumeDefinition($"{name}-vdb.img", MiB, "raw"))) { }
        var check = await _clones.CheckAsync(Inputs(template, name));
        Assert.Empty(check.Failures);

        await Assert.ThrowsAsync<ProviderException>(() => _clones.CreateCheckedAsync(check.Inputs));
        Assert.Null(pool.Libvirt.FindDomain(name));
        Assert.Null(pool.Find(Path.Combine(pool.Path, $"{name}-vda.qcow2")));
        Assert.False(File.Exists(Path.Combine(pool.Path, $"{name}_VARS.fd")));
        Assert.NotNull(pool.Find(Path.Combine(pool.Path, $"{name}-vdb.img"))); // not ours: left alone
    }

    [Fact]
    public async Task Ten_linked_clones_made_in_parallel_are_all_unique()
    {
        var template = Template();
        var created = await Task.WhenAll(
            Enumerable
                .Range(0, 10)
                .Select(i =>
                    _clones.CreateAsync(
                        Inputs(template, _names.Name($"many{i}"), ("mode", "linked"), ("running", false)),
                        $"clone{i}"
                    )
                )
        );
        var xmls = created.Select(c => Xml(c.Id)).ToList();
        Assert.Equal(10, created.Select(c => c.Id).Append(template.Uuid).Distinct().Count() - 1);
        Assert.Equal(
            11,
            xmls.Select(x => x.Element("devices")!.Element("interface")!.Element("mac")!.Attribute("address")!.Value)
                .Append(template.Mac)
                .Distinct()
                .Count()
        );
        Assert.Equal(10, xmls.Select(x => DiskFile(x, "vda")).Distinct().Count());
        Assert.True(
            Command.HasPattern(DiskFile(xmls[9], "vdb"), "qcow2", TemplateDomain.DataPattern, MiB, MiB),
            "the template's data shows through the overlay"
        );
        Assert.Equal(10, xmls.Select(x => x.Element("os")!.Element("nvram")!.Value).Distinct().Count());
        Assert.Equal(
            10,
            xmls.Select(x => x.Element("devices")!.Element("serial")!.Element("source")!.Attribute("path")!.Value)
                .Distinct()
                .Count()
        );
    }

    [Fact]
    public async Task The_templates_disk_cannot_be_deleted_while_linked_clones_use_it_and_the_error_names_them()
    {
        var template = Template();
        var name = _names.Name("dep");
        await _clones.CreateAsync(Inputs(template, name, ("mode", "linked"), ("running", false)));
        using var volumes = new ResourceHarness("libvirt:index:Volume");
        var error = await Assert.ThrowsAsync<ProviderException>(() =>
            volumes.DeleteAsync(template.SystemDisk, Props.Object(("key", template.SystemDisk)))
        );
        Assert.Contains($"'{name}'", error.Message);
        Assert.NotNull(pool.Find(template.SystemDisk));
    }

    [Fact]
    public async Task Running_memory_vcpus_and_description_change_in_place_and_source_mode_and_macs_replace()
    {
        var template = Template();
        var program = Inputs(template, _names.Name("upd"), ("mode", "linked"));
        var (id, outputs, inputs) = await _clones.CreateAsync(program);
        var changed = (
            await _clones.CheckAsync(
                program
                    .With("running", new BoolValue(false))
                    .With("memory", new NumberValue(128))
                    .With("vcpus", new NumberValue(2))
                    .With("description", new StringValue("changed")),
                inputs
            )
        ).Inputs;
        var diff = _clones.Diff(id, outputs, inputs, changed);
        Assert.Equal(["description", "memory", "running", "vcpus"], diff.Changed.Order());
        Assert.Empty(diff.Replaces);

        outputs = await _clones.UpdateAsync(id, outputs, inputs, changed);
        Assert.Equal("shutoff", Props.Text(outputs, "state"));
        var clone = Xml(id);
        Assert.Equal("131072", clone.Element("memory")!.Value);
        Assert.Equal("2", clone.Element("vcpu")!.Value);
        Assert.Equal("changed", clone.Element("description")!.Value);
        Assert.Equal(id, clone.Element("uuid")!.Value);

        var replaced = (await _clones.CheckAsync(changed.With("mode", new StringValue("full")), changed)).Inputs;
        Assert.Equal(["mode"], _clones.Diff(id, outputs, changed, replaced).Replaces);
        var again = (
            await _clones.CheckAsync(
                program
                    .With("running", new BoolValue(false))
                    .With("memory", new NumberValue(128))
                    .With("vcpus", new NumberValue(2))
                    .With("description", new StringValue("changed")),
                changed
            )
        ).Inputs;
        Assert.False(_clones.Diff(id, outputs, changed, again).HasChanges);
    }

    [Fact]
    public async Task Bad_inputs_are_check_failures_naming_the_property()
    {
        var template = Template();
        var check = await _clones.CheckAsync(
            Inputs(
                template,
                _names.Name("bad"),
                ("disks", Props.Array(Props.Object(("target", "vdz"), ("mode", "share")))),
                ("macs", Props.Array("52:54:00:00:00:01", template.Mac)),
                ("memory", 0)
            )
        );
        Assert.Equal(["memory", "disks[0].target", "macs", "macs[1]"], check.Failures.Select(f => f.Property));
        Assert.Contains("has no disk vdz", check.Failures[1].Reason);

        var missing = await _clones.CheckAsync(Props.Object(("source", "no-such-template-" + TestPool.RunPrefix)));
        Assert.Equal("source", Assert.Single(missing.Failures).Property);
    }

    [Fact]
    public async Task Read_sees_drift_and_import_by_name_finds_the_source_and_the_mode()
    {
        var template = Template();
        var name = _names.Name("read");
        var (id, outputs, inputs) = await _clones.CreateAsync(Inputs(template, name, ("mode", "linked")));
        using (var domain = pool.Libvirt.FindDomain(id)!)
            domain.Destroy();

        // The memory the program leaves to the template, changed outside: it shows, and the next update undoes it.
        Command.Run("virsh", "-c", TestPool.Uri, "setmaxmem", name, "131072", "--config");
        var refreshed = (await _clones.ReadAsync(id, outputs, inputs))!;
        Assert.Equal(new BoolValue(false), refreshed.Inputs["running"]);
        Assert.Equal(new NumberValue(128), refreshed.Inputs["memory"]);
        Assert.Equal(["memory", "running"], _clones.Diff(id, refreshed.Outputs, refreshed.Inputs, inputs).Changed);
        var program = (await _clones.CheckAsync(inputs.With("running", new BoolValue(false)), refreshed.Inputs)).Inputs;
        await _clones.UpdateAsync(id, refreshed.Outputs, refreshed.Inputs, program);
        Assert.Equal("98304", Xml(id).Element("memory")!.Value);

        var imported = (await _clones.ReadAsync(name))!;
        Assert.Equal(id, imported.Id);
        Assert.Equal(template.Name, Props.Text(imported.Inputs, "source"));
        Assert.Equal("linked", Props.Text(imported.Inputs, "mode"));
        Assert.Equal(
            ["linked", "linked", "share"],
            Props.Objects(imported.Outputs, "volumes").Select(v => Props.Text(v, "mode"))
        );

        using (var domain = pool.Libvirt.FindDomain(id)!)
            domain.Undefine();
        Assert.Null(await _clones.ReadAsync(id, outputs, inputs));
    }
}
