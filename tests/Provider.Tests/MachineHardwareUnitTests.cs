using System.Xml.Linq;
using PulumiLibvirt.Framework;
using PulumiLibvirt.Libvirt;
using PulumiLibvirt.Tests.Support;

namespace PulumiLibvirt.Tests;

/// <summary>
/// TPM, Secure Boot, CPU, video and RNG without a daemon: the domain XML they make and read back, a clone's XML, and
/// Check's answers on hosts that differ in what libvirt's domain capabilities offer (KVM, Secure Boot firmware).
/// </summary>
[Trait(Category.Name, Category.Unit)]
public class MachineHardwareUnitTests
{
    private static DomainDefinition Hardware() =>
        new()
        {
            Name = "win11",
            Type = "qemu",
            MemoryKiB = 64 * 1024,
            Firmware = "efi",
            SecureBoot = true,
            Tpm = new DomainTpm("tpm-crb", "2.0"),
            Cpu = new DomainCpu("custom", "qemu64"),
            Video = "virtio",
            Rng = true,
        };

    [Fact]
    public void Definition_writes_each_device_as_libvirt_wants_it()
    {
        var domain = XElement.Parse(Hardware().ToXml());
        var tpm = domain.Element("devices")!.Element("tpm")!;
        Assert.Equal("tpm-crb", tpm.Attribute("model")?.Value);
        Assert.Equal("emulator", tpm.Element("backend")?.Attribute("type")?.Value);
        Assert.Equal("2.0", tpm.Element("backend")?.Attribute("version")?.Value);
        var os = domain.Element("os")!;
        Assert.Equal("q35", os.Element("type")?.Attribute("machine")?.Value);
        Assert.Equal("yes", os.Element("loader")?.Attribute("secure")?.Value);
        Assert.Equal(
            ["enrolled-keys", "secure-boot"],
            os.Element("firmware")!
                .Elements("feature")
                .Where(f => f.Attribute("enabled")?.Value == "yes")
                .Select(f => f.Attribute("name")!.Value)
        );
        Assert.Equal("on", domain.Element("features")?.Element("smm")?.Attribute("state")?.Value);
        var cpu = domain.Element("cpu")!;
        Assert.Equal("custom", cpu.Attribute("mode")?.Value);
        Assert.Equal("qemu64", cpu.Element("model")?.Value);
        Assert.Equal("features", ((XElement)cpu.PreviousNode!).Name.LocalName);
        Assert.Equal("virtio", domain.Element("devices")!.Element("video")?.Element("model")?.Attribute("type")?.Value);
        var rng = domain.Element("devices")!.Element("rng")!;
        Assert.Equal("virtio", rng.Attribute("model")?.Value);
        Assert.Equal("/dev/urandom", rng.Element("backend")?.Value);
    }

    [Fact]
    public void Definition_reads_back_as_written()
    {
        var read = DomainDefinition.Parse(Hardware().ToXml());
        Assert.Equal(new DomainTpm("tpm-crb", "2.0"), read.Tpm);
        Assert.True(read.SecureBoot);
        Assert.Equal(new DomainCpu("custom", "qemu64"), read.Cpu);
        Assert.Equal("virtio", read.Video);
        Assert.True(read.Rng);
    }

    [Fact]
    public void A_definition_without_them_has_none_and_reads_back_none()
    {
        var plain = Hardware() with { SecureBoot = false, Tpm = null, Cpu = null, Video = null, Rng = false };
        var domain = XElement.Parse(plain.ToXml());
        Assert.Null(domain.Element("cpu"));
        Assert.Null(domain.Element("os")!.Element("loader"));
        Assert.Null(domain.Element("features")!.Element("smm"));
        Assert.DoesNotContain(domain.Element("devices")!.Elements(), e =>
            e.Name.LocalName is "tpm" or "video" or "rng"
        );
        var read = DomainDefinition.Parse(plain.ToXml());
        Assert.Equal((null, false, null, null, false), (read.Tpm, read.SecureBoot, read.Cpu, read.Video, read.Rng));
    }

    [Fact]
    public void A_custom_cpu_without_a_model_is_topology_only_and_no_cpu_mode()
    {
        var read = DomainDefinition.Parse(
            "<domain type='qemu'><name>t</name><cpu><topology sockets='1' cores='2' threads='1'/></cpu></domain>"
        );
        Assert.Null(read.Cpu);
    }

    [Fact]
    public void A_clone_gets_the_tpm_and_cpu_given_in_place_of_the_templates()
    {
        var template = Hardware() with { Uuid = Guid.NewGuid().ToString(), Tpm = new DomainTpm("tpm-tis", "1.2") };
        var changes = new CloneChanges
        {
            Name = "student-1",
            Uuid = Guid.NewGuid().ToString(),
            SourceUuid = template.Uuid!,
            Owner = "urn:o",
            Macs = [],
            Disks = new Dictionary<string, ClonedDisk?>(),
            Tpm = new DomainTpm("tpm-crb", "2.0"),
            Cpu = new DomainCpu("maximum", null),
        };
        var clone = XElement.Parse(CloneXml.Make(template.ToXml(), changes));
        Assert.Single(clone.Element("devices")!.Elements("tpm"));
        Assert.Single(clone.Elements("cpu"));
        var read = DomainDefinition.Parse(clone.ToString());
        Assert.Equal(new DomainTpm("tpm-crb", "2.0"), read.Tpm);
        Assert.Equal(new DomainCpu("maximum", null), read.Cpu);

        var kept = DomainDefinition.Parse(CloneXml.Make(template.ToXml(), changes with { Tpm = null, Cpu = null }));
        Assert.Equal(template.Tpm, kept.Tpm);
        Assert.Equal(template.Cpu, kept.Cpu);
    }

    [Fact]
    public void Domain_capabilities_give_the_supported_modes_usable_models_and_secure_boot()
    {
        var capabilities = DomainCapabilities.Parse(
            """
            <domainCapabilities><domain>qemu</domain>
              <os supported='yes'><loader supported='yes'><value>/usr/share/OVMF/OVMF_CODE_4M.ms.fd</value>
                <enum name='secure'><value>yes</value><value>no</value></enum></loader></os>
              <cpu><mode name='host-passthrough' supported='no'/><mode name='maximum' supported='yes'/>
                <mode name='custom' supported='yes'><model usable='yes'>qemu64</model>
                  <model usable='no'>Skylake-Client</model></mode>
              </cpu></domainCapabilities>
            """
        );
        Assert.Equal(["custom", "maximum"], capabilities.CpuModes.Order());
        Assert.True(capabilities.CpuModels["qemu64"]);
        Assert.False(capabilities.CpuModels["Skylake-Client"]);
        Assert.True(capabilities.SecureBootFirmware);
        var noFirmware = DomainCapabilities.Parse("<domainCapabilities><os><loader/></os></domainCapabilities>");
        Assert.False(noFirmware.SecureBootFirmware);
    }

    private static FakeCheckHost KvmHost() =>
        new()
        {
            GuestDomainTypes = new HashSet<string> { "kvm", "qemu" },
            Capabilities =
            {
                ["kvm"] = new(
                    new HashSet<string> { "host-passthrough", "host-model", "maximum", "custom" },
                    new Dictionary<string, bool> { ["qemu64"] = true },
                    SecureBootFirmware: true
                ),
            },
        };

    private static ObjectValue Machine(string type, params (string, object?)[] more) =>
        Props.With(
            Props.Object(("name", TestPool.UniqueName("hw")), ("type", type), ("memory", 64), ("running", false)),
            more
        );

    private static async Task<List<string>> FailuresAsync(FakeCheckHost host, ObjectValue inputs) =>
        (await CheckOnFacts.RunAsync(host, "libvirt:index:Domain", Props.Text(inputs, "name"), inputs))
            .Failures.Select(f => $"{f.Property}: {f.Reason}")
            .ToList();

    [Theory]
    [InlineData("host-passthrough")]
    [InlineData("host-model")]
    public async Task A_host_cpu_mode_is_taken_where_libvirt_offers_kvm_and_refused_where_it_does_not(string mode)
    {
        var cpu = ("cpu", Props.Object(("mode", mode)));
        Assert.Empty(await FailuresAsync(KvmHost(), Machine("kvm", cpu)));
        var refused = Assert.Single(await FailuresAsync(new FakeCheckHost(), Machine("qemu", cpu)));
        Assert.StartsWith("cpu.mode: ", refused);
        Assert.Contains("cpu.mode: maximum", refused);
        // Software emulation on a KVM host cannot pass the host's CPU through either.
        Assert.Contains("cpu.mode: maximum", Assert.Single(await FailuresAsync(KvmHost(), Machine("qemu", cpu))));
    }

    [Fact]
    public async Task Maximum_and_a_usable_custom_model_pass_and_an_unusable_one_is_refused()
    {
        var host = new FakeCheckHost();
        Assert.Empty(await FailuresAsync(host, Machine("qemu", ("cpu", Props.Object(("mode", "maximum"))))));
        var custom = ("cpu", Props.Object(("mode", "custom"), ("model", "qemu64")));
        Assert.Empty(await FailuresAsync(host, Machine("qemu", custom)));
        var unusable = Assert.Single(
            await FailuresAsync(
                host,
                Machine("qemu", ("cpu", Props.Object(("mode", "custom"), ("model", "Skylake-Client"))))
            )
        );
        Assert.StartsWith("cpu.model: ", unusable);
        Assert.Contains("cannot run it", unusable);
    }

    [Fact]
    public async Task Secure_boot_needs_a_secure_boot_firmware_on_the_host_and_names_the_package()
    {
        var secure = Machine("qemu", ("firmware", "efi"), ("secureBoot", true));
        Assert.Empty(await FailuresAsync(new FakeCheckHost(), secure));
        var without = new FakeCheckHost
        {
            Capabilities = { ["qemu"] = FakeCheckHost.SoftwareEmulation with { SecureBootFirmware = false } },
        };
        var refused = Assert.Single(await FailuresAsync(without, secure));
        Assert.StartsWith("secureBoot: ", refused);
        Assert.Contains("'ovmf'", refused);
    }

    [Fact]
    public async Task A_tpm_on_a_local_host_without_swtpm_is_refused_naming_the_packages()
    {
        var tpm = Machine("qemu", ("tpm", Props.Object()));
        foreach (var left in new[] { "swtpm", "swtpm_setup" })
        {
            var refused = Assert.Single(await FailuresAsync(new FakeCheckHost { Programs = [left] }, tpm));
            Assert.StartsWith("tpm: ", refused);
            Assert.Contains("apt-get install swtpm swtpm-tools", refused);
        }
        // A remote host's programs are not this machine's: libvirt there says what it lacks at start.
        Assert.Empty(await FailuresAsync(new FakeCheckHost { Programs = [], IsLocal = false }, tpm));
    }

    [Fact]
    public async Task Tpm_and_video_defaults_and_every_listed_value_pass()
    {
        var host = new FakeCheckHost();
        Assert.Empty(await FailuresAsync(host, Machine("qemu", ("tpm", Props.Object()), ("rng", true))));
        var tis = ("tpm", Props.Object(("version", "1.2"), ("model", "tpm-tis")));
        Assert.Empty(await FailuresAsync(host, Machine("qemu", tis)));
        foreach (var model in new[] { "virtio", "qxl", "vga", "bochs", "none" })
            Assert.Empty(await FailuresAsync(host, Machine("qemu", ("video", Props.Object(("model", model))))));
    }
}
