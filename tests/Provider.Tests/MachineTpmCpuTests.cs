using System.Xml.Linq;
using PulumiLibvirt.Libvirt;
using PulumiLibvirt.Tests.Support;

namespace PulumiLibvirt.Tests;

/// <summary>
/// A Clone's TPM and CPU changed in place, and a TPM 1.2 (tpm-tis) guest, against libvirtd under TCG.
/// </summary>
public sealed class MachineTpmCpuTests(TestPool pool) : IClassFixture<TestPool>, IDisposable
{
    private static readonly TimeSpan BootLimit = TimeSpan.FromMinutes(8);

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

    [Fact]
    public async Task A_clones_tpm_model_and_cpu_mode_change_in_place_keeping_its_uuid()
    {
        var name = _names.Name("hwsrc");
        await _domains.CreateAsync(
            Props.Object(
                ("name", name),
                ("type", "qemu"),
                ("memory", 64),
                ("running", false),
                ("tpm", Props.Object()),
                ("cpu", Props.Object(("mode", "maximum")))
            )
        );
        var cloneName = _names.Name("hwclone");
        var (id, outputs, inputs) = await _clones.CreateAsync(
            Props.Object(("source", name), ("name", cloneName), ("running", false))
        );
        string uuid;
        using (var clone = Live(id))
        {
            uuid = clone.Uuid;
            Assert.Equal(
                (new DomainCpu("maximum", null), new DomainTpm("tpm-crb", "2.0")),
                (clone.Describe().Cpu, clone.Describe().Tpm)
            );
        }

        var changed = inputs
            .With("tpm", Props.Object(("model", "tpm-tis")))
            .With("cpu", Props.Object(("mode", "custom"), ("model", "qemu64")));
        var checkedInputs = (await _clones.CheckAsync(changed, inputs)).Inputs;
        var diff = _clones.Diff(id, outputs, inputs, checkedInputs);
        Assert.Equal(["cpu", "tpm"], diff.Changed.Order());
        Assert.Empty(diff.Replaces);
        await _clones.UpdateAsync(id, outputs, inputs, checkedInputs);

        using var updated = Live(id);
        Assert.Equal(uuid, updated.Uuid);
        var xml = XElement.Parse(updated.Xml(persistent: true));
        Assert.Equal("custom", xml.Element("cpu")!.Attribute("mode")!.Value);
        Assert.Equal("qemu64", xml.Element("cpu")!.Element("model")!.Value);
        var tpm = xml.Element("devices")!.Element("tpm")!;
        Assert.Equal("tpm-tis", tpm.Attribute("model")!.Value);
        Assert.Equal("2.0", tpm.Element("backend")!.Attribute("version")!.Value);
    }

    [Fact]
    public async Task A_guest_with_a_tpm_1_2_on_tpm_tis_starts_and_sees_a_version_1_tpm()
    {
        var guest = TestGuest.Shared;
        var name = _names.Name("tpm12");
        var console = Path.Combine(pool.Path, $"{name}.log");
        var (id, _, _) = await _domains.CreateAsync(
            Props.Object(
                ("name", name),
                ("type", "qemu"),
                ("memory", 256),
                ("kernel", guest.Kernel),
                ("initrd", ProbeGuest.Initrd(pool.Path)),
                ("cmdline", guest.Cmdline),
                ("console", Props.Object(("type", "file"), ("path", console))),
                ("tpm", Props.Object(("version", "1.2"), ("model", "tpm-tis")))
            )
        );
        using (var domain = Live(id))
        {
            var deadline = DateTime.UtcNow + BootLimit;
            while (domain.IsActive && DateTime.UtcNow < deadline)
                await Task.Delay(500);
            Assert.False(domain.IsActive, $"the guest of {name} did not power off within {BootLimit}");
            Assert.Equal(new DomainTpm("tpm-tis", "1.2"), domain.Describe().Tpm);
        }
        Assert.Equal("1", TestGuest.Report(console)["tpm"]);
    }
}
