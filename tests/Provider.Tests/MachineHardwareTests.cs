using System.Xml.Linq;
using PulumiLibvirt.Framework;
using PulumiLibvirt.Libvirt;
using PulumiLibvirt.Tests.Support;

namespace PulumiLibvirt.Tests;

/// <summary>
/// TPM, Secure Boot, CPU mode, video and RNG against libvirtd, under TCG: what the guest sees (the probe guest's
/// report), what libvirt defines and resolves, a clone's own TPM state, drift read back, and cleanup of TPM state.
/// </summary>
public sealed class MachineHardwareTests(TestPool pool) : IClassFixture<TestPool>, IDisposable
{
    private static readonly TimeSpan BootLimit = TimeSpan.FromMinutes(8);
    private const string TpmStates = "/var/lib/libvirt/swtpm";

    private readonly ResourceHarness _domains = new("libvirt:index:Domain");
    private readonly ResourceHarness _clones = new("libvirt:index:Clone");
    private readonly TestDomains _names = new();

    public void Dispose()
    {
        _names.Dispose();
        _domains.Dispose();
        _clones.Dispose();
    }

    private LibvirtDomain Live(string id) =>
        pool.Libvirt.FindDomain(id) ?? throw new Xunit.Sdk.XunitException($"domain {id} is gone");

    private static XElement Xml(LibvirtDomain domain, bool persistent = true) => XElement.Parse(domain.Xml(persistent));

    private async Task WaitUntilShutOffAsync(string id)
    {
        using var domain = Live(id);
        var deadline = DateTime.UtcNow + BootLimit;
        while (domain.IsActive && DateTime.UtcNow < deadline)
            await Task.Delay(500);
        Assert.False(domain.IsActive, $"the guest of {domain.Name} did not power off within {BootLimit}");
    }

    private string ConsoleLog(string name) => Path.Combine(pool.Path, $"{name}.log");

    [Fact]
    public async Task A_guest_sees_its_tpm_and_rng_and_a_clone_gets_a_tpm_state_of_its_own_which_delete_removes()
    {
        var guest = TestGuest.Shared;
        var name = _names.Name("tpm");
        var (id, outputs, _) = await _domains.CreateAsync(
            Props.Object(
                ("name", name),
                ("type", "qemu"),
                ("memory", 256),
                ("kernel", guest.Kernel),
                ("initrd", ProbeGuest.Initrd(pool.Path)),
                ("cmdline", guest.Cmdline),
                ("console", Props.Object(("type", "file"), ("path", ConsoleLog(name)))),
                ("tpm", Props.Object()),
                ("rng", true),
                ("cpu", Props.Object(("mode", "maximum"))),
                ("video", Props.Object(("model", "virtio")))
            )
        );
        await WaitUntilShutOffAsync(id);
        var report = TestGuest.Report(ConsoleLog(name));
        Assert.Equal("2", report["tpm"]);
        Assert.StartsWith("virtio_rng", report["rng"]);
        using (var domain = Live(id))
        {
            var tpm = Xml(domain).Element("devices")!.Element("tpm")!;
            Assert.Equal("tpm-crb", tpm.Attribute("model")!.Value);
            Assert.Equal("maximum", Xml(domain).Element("cpu")!.Attribute("mode")!.Value);
        }
        var templateState = Path.Combine(TpmStates, id);
        Assert.True(Directory.Exists(templateState), $"libvirt keeps the TPM's state in {templateState}");

        // The clone inherits the TPM device; its state is its own, made at its first boot, never the template's.
        var cloneName = _names.Name("tpmclone");
        var (cloneId, cloneOutputs, _) = await _clones.CreateAsync(
            Props.Object(("source", name), ("name", cloneName), ("mode", "linked"), ("shutdownTimeout", 1))
        );
        await WaitUntilShutOffAsync(cloneId);
        Assert.Equal("2", TestGuest.Report(ConsoleLog(cloneName))["tpm"]);
        var cloneState = Path.Combine(TpmStates, cloneId);
        Assert.NotEqual(templateState, cloneState);
        Assert.True(Directory.Exists(cloneState), $"the clone's TPM state is in {cloneState}");
        Assert.NotEqual(StateDigest(templateState), StateDigest(cloneState));

        await _clones.DeleteAsync(cloneId, cloneOutputs);
        Assert.False(Directory.Exists(cloneState), "deleting the clone removes its TPM state");
        Assert.True(Directory.Exists(templateState), "and leaves the template's");
        await _domains.DeleteAsync(id, outputs);
        Assert.False(Directory.Exists(templateState), "deleting the domain removes its TPM state");
    }

    /// <summary>A digest of the TPM's state files (the permanent state holds the TPM's seeds and keys).</summary>
    private static string StateDigest(string folder) =>
        string.Join(
            ",",
            Directory
                .GetFiles(folder, "*", SearchOption.AllDirectories)
                .Where(f => f.Contains("permall", StringComparison.Ordinal))
                .Order(StringComparer.Ordinal)
                .Select(FileDigest.Sha256)
        );

    [Fact]
    public async Task A_secure_boot_machine_gets_the_secure_firmware_and_smm_and_runs_under_tcg()
    {
        var name = _names.Name("sb");
        var (id, outputs, inputs) = await _domains.CreateAsync(
            Props.Object(
                ("name", name),
                ("type", "qemu"),
                ("memory", 256),
                ("firmware", "efi"),
                ("secureBoot", true),
                ("tpm", Props.Object()),
                ("shutdownTimeout", 1)
            )
        );
        using (var domain = Live(id))
        {
            var persistent = Xml(domain);
            Assert.Equal("on", persistent.Element("features")!.Element("smm")!.Attribute("state")!.Value);
            var live = Xml(domain, persistent: false);
            var loader = live.Element("os")!.Element("loader")!;
            Assert.Equal("yes", loader.Attribute("secure")!.Value);
            Assert.Contains("q35", live.Element("os")!.Element("type")!.Attribute("machine")!.Value);
            // Debian's OVMF: the Secure Boot build whose variables have Microsoft's keys enrolled.
            Assert.EndsWith(".ms.fd", loader.Value);
            Assert.EndsWith(".ms.fd", live.Element("os")!.Element("nvram")!.Attribute("template")!.Value);
            await Task.Delay(TimeSpan.FromSeconds(10));
            Assert.Equal(DomainRunState.Running, domain.State);
        }
        var read = await _domains.ReadAsync(id, outputs, inputs);
        Assert.True(((BoolValue)read!.Inputs["secureBoot"]!).Value);
        Assert.Empty(_domains.Diff(id, read.Outputs, read.Inputs, inputs).Changed);
    }

    [Fact]
    public async Task A_change_made_outside_shows_in_the_read_and_an_update_puts_it_back_in_place()
    {
        var name = _names.Name("drift");
        var program = Props.Object(
            ("name", name),
            ("type", "qemu"),
            ("memory", 64),
            ("running", false),
            ("tpm", Props.Object()),
            ("rng", true),
            ("cpu", Props.Object(("mode", "maximum"))),
            ("video", Props.Object(("model", "virtio")))
        );
        var (id, outputs, inputs) = await _domains.CreateAsync(program);
        string uuid;
        using (var domain = Live(id))
        {
            uuid = domain.Uuid;
            var xml = Xml(domain);
            var devices = xml.Element("devices")!;
            devices
                .Element("tpm")!
                .ReplaceWith(XElement.Parse("<tpm model='tpm-tis'><backend type='emulator' version='1.2'/></tpm>"));
            devices.Element("rng")!.Remove();
            devices.Element("video")!.Element("model")!.SetAttributeValue("type", "vga");
            xml.Element("cpu")!.ReplaceWith(XElement.Parse("<cpu mode='custom'><model>qemu64</model></cpu>"));
            var file = Path.Combine(pool.Path, $"{name}.xml");
            File.WriteAllText(file, xml.ToString());
            Command.Run("virsh", "-c", TestPool.Uri, "define", file);
        }

        var read = await _domains.ReadAsync(id, outputs, inputs);
        var tpm = (ObjectValue)read!.Inputs["tpm"]!;
        Assert.Equal(("1.2", "tpm-tis"), (Props.Text(tpm, "version"), Props.Text(tpm, "model")));
        Assert.False(((BoolValue)read.Inputs["rng"]!).Value);
        Assert.Equal("vga", Props.Text((ObjectValue)read.Inputs["video"]!, "model"));
        var cpu = (ObjectValue)read.Inputs["cpu"]!;
        Assert.Equal(("custom", "qemu64"), (Props.Text(cpu, "mode"), Props.Text(cpu, "model")));
        var diff = _domains.Diff(id, read.Outputs, read.Inputs, inputs);
        Assert.Equal(["cpu", "rng", "tpm", "video"], diff.Changed.Order());
        Assert.Equal(["tpm"], diff.Replaces);

        // Without the version change, the rest goes back in place: same UUID, the program's devices.
        var sameVersion = inputs.With("tpm", Props.Object(("version", "1.2"), ("model", "tpm-tis")));
        var checkedInputs = (await _domains.CheckAsync(sameVersion, read.Inputs)).Inputs;
        Assert.Empty(_domains.Diff(id, read.Outputs, read.Inputs, checkedInputs).Replaces);
        await _domains.UpdateAsync(id, read.Outputs, read.Inputs, checkedInputs);
        using var updated = Live(id);
        Assert.Equal(uuid, updated.Uuid);
        var definition = updated.Describe();
        Assert.Equal(
            (new DomainCpu("maximum", null), "virtio", true),
            (definition.Cpu, definition.Video, definition.Rng)
        );
        Assert.Equal(new DomainTpm("tpm-tis", "1.2"), definition.Tpm);
    }

    [Fact]
    public async Task Bad_hardware_inputs_are_check_failures_against_the_daemon_and_nothing_is_defined()
    {
        var name = _names.Name("badhw");
        var check = await _domains.CheckAsync(
            Props.Object(
                ("name", name),
                ("type", "qemu"),
                ("memory", 64),
                ("secureBoot", true),
                ("cpu", Props.Object(("mode", "host-passthrough"))),
                ("tpm", Props.Object(("version", "1.2")))
            )
        );
        Assert.Equal(["cpu.mode", "secureBoot", "tpm.model"], check.Failures.Select(f => f.Property).Order());
        Assert.Null(pool.Libvirt.FindDomain(name));
    }
}
