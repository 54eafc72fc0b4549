using PulumiLibvirt.Framework;
using PulumiLibvirt.Libvirt;
using PulumiLibvirt.Resources;
using PulumiLibvirt.Tests.Support;

namespace PulumiLibvirt.Tests;

/// <summary>What a clone's create plans from its inputs and the host's facts, without libvirtd.</summary>
[Trait(Category.Name, Category.Unit)]
public sealed class ClonePlanTests
{
    private const string Urn = "urn:pulumi:dev::lab::libvirt:index:Clone::web";

    private static readonly DomainDefinition Template = new()
    {
        Name = "template",
        Type = "kvm",
        MemoryKiB = 1024 * 1024,
        Vcpus = 2,
        NvramPath = "/var/lib/libvirt/qemu/nvram/template_VARS.fd",
        Disks =
        [
            new DomainDisk
            {
                Target = "vda",
                Path = "/pool/template.qcow2",
                Format = "qcow2",
            },
            new DomainDisk
            {
                Target = "vdb",
                Path = "/pool/data.img",
                Format = "raw",
            },
            new DomainDisk
            {
                Target = "sda",
                Path = "/pool/seed.iso",
                Device = "cdrom",
                ReadOnly = true,
            },
        ],
        Interfaces =
        [
            new DomainInterface { Network = "default", Mac = "52:54:00:00:00:01" },
            new DomainInterface { Network = "lab" },
        ],
    };

    private static CloneFacts Facts(bool running = false, string? seedPath = null, string? seedDrive = null) =>
        new()
        {
            TemplateXml = Template.ToXml(),
            Template = Template,
            SourceUuid = "5b6f3c1e-0000-0000-0000-000000000001",
            SourceRunning = running,
            SourceVolumes = new Dictionary<string, (string Pool, VolumeDescription Volume)?>
            {
                ["vda"] = (
                    "images",
                    new VolumeDescription("template.qcow2", "k1", "/pool/template.qcow2", 10_000, 100, "qcow2", null)
                ),
                ["vdb"] = (
                    "images",
                    new VolumeDescription("data.img", "k2", "/pool/data.img", 20_000, 200, "raw", null)
                ),
            },
            TakenMacs = new HashSet<string> { "52:54:00:00:00:01" },
            SeedPath = seedPath,
            SeedDrive = seedDrive,
        };

    private static ClonePlan Plan(CloneArgs inputs, CloneFacts? facts = null) =>
        ClonePlan.For(inputs, facts ?? Facts(), "uuid-1", Urn);

    private static CloneArgs Inputs => new() { Source = "template", Name = "web" };

    [Fact]
    public void Each_disk_gets_its_mode_and_own_volumes_are_named_after_the_clone_in_the_source_pool()
    {
        var plan = Plan(Inputs);

        Assert.Equal([CloneDiskMode.Full, CloneDiskMode.Full, CloneDiskMode.Share], plan.Disks.Select(d => d.Mode));
        Assert.Equal(
            [new PoolVolumeName("images", "web-vda.qcow2"), new PoolVolumeName("images", "web-vdb.img")],
            plan.OwnDisks.Select(d => d.Volume)
        );
        Assert.Null(plan.Disks[2].Volume);
    }

    [Fact]
    public void A_linked_clone_makes_qcow2_overlays_in_the_pool_given_and_a_disk_may_be_skipped_or_shared()
    {
        var plan = Plan(
            Inputs with
            {
                Mode = CloneMode.Linked,
                Pool = "fast",
                Disks = [new CloneDiskArgs { Target = "vdb", Mode = CloneDiskMode.Skip }],
            }
        );

        Assert.Equal([CloneDiskMode.Linked, CloneDiskMode.Skip, CloneDiskMode.Share], plan.Disks.Select(d => d.Mode));
        Assert.Equal([new PoolVolumeName("fast", "web-vda.qcow2")], plan.OwnDisks.Select(d => d.Volume));
        var changes = plan.Changes(
            new Dictionary<string, ClonedDisk> { ["vda"] = new("/fast/web-vda.qcow2", "qcow2") }
        );
        // A skipped disk is left out (null), a shared one is not listed: it stays the source's.
        Assert.Equal(
            new Dictionary<string, ClonedDisk?> { ["vda"] = new("/fast/web-vda.qcow2", "qcow2"), ["vdb"] = null },
            changes.Disks
        );
    }

    [Fact]
    public void The_mark_lists_every_volume_and_the_nvram_file_the_create_makes()
    {
        var plan = Plan(Inputs);

        Assert.Equal("/var/lib/libvirt/qemu/nvram/web_VARS.fd", plan.Nvram);
        Assert.Equal(plan.OwnDisks.Select(d => d.Volume), plan.Unfinished.Volumes);
        Assert.Equal(["/var/lib/libvirt/qemu/nvram/web_VARS.fd"], plan.Unfinished.Files);
        Assert.Equal(
            new DomainDefinition
            {
                Name = "web",
                Uuid = "uuid-1",
                Type = "kvm",
                MemoryKiB = 1024 * 1024,
                Vcpus = 2,
                Owner = Urn,
                Unfinished = plan.Unfinished,
            },
            plan.Placeholder
        );
    }

    [Fact]
    public void Macs_given_are_kept_and_otherwise_each_interface_gets_a_new_one_no_domain_has()
    {
        Assert.Equal(
            ["52:54:00:aa:00:01", "52:54:00:aa:00:02"],
            Plan(Inputs with { Macs = ["52:54:00:aa:00:01", "52:54:00:aa:00:02"] }).Macs
        );

        var facts = Facts();
        var drawn = Plan(Inputs, facts).Macs;
        Assert.Equal(2, drawn.Distinct().Count());
        Assert.All(drawn, mac => Assert.StartsWith("52:54:00:", mac, StringComparison.Ordinal));
        Assert.DoesNotContain("52:54:00:00:00:01", drawn);
        // The facts are values: drawing MACs does not add to them.
        Assert.Equal(["52:54:00:00:00:01"], facts.TakenMacs);
    }

    [Fact]
    public void The_seed_replaces_the_source_s_seed_drive_or_takes_the_first_free_sd_target()
    {
        Assert.Equal(
            new CloneSeed("sda", "/pool/web-seed.iso"),
            Plan(Inputs, Facts(seedPath: "/pool/web-seed.iso", seedDrive: "sda")).Seed
        );
        Assert.Equal(
            new CloneSeed("sdb", "/pool/web-seed.iso"),
            Plan(Inputs, Facts(seedPath: "/pool/web-seed.iso")).Seed
        );
        Assert.Null(Plan(Inputs).Seed);
    }

    [Fact]
    public void Sizes_and_description_given_go_into_the_definition_and_the_rest_stays_the_source_s()
    {
        var changes = Plan(Inputs with { Memory = 2048, Description = "web server" })
            .Changes(new Dictionary<string, ClonedDisk> { ["vda"] = new("/a", "qcow2"), ["vdb"] = new("/b", "raw") });

        Assert.Equal((2048UL * 1024, "web server"), (changes.MemoryKiB, changes.Description));
        Assert.Null(changes.Vcpus);
        Assert.Equal(
            ("web", "uuid-1", "5b6f3c1e-0000-0000-0000-000000000001", Urn),
            (changes.Name, changes.Uuid, changes.SourceUuid, changes.Owner)
        );
    }

    [Fact]
    public void A_running_source_is_refused()
    {
        var refusal = Assert.Throws<ProviderException>(() => Plan(Inputs, Facts(running: true)));
        Assert.Equal(ErrorKind.FailedPrecondition, refusal.Kind);
        Assert.Contains("The source domain 'template' is running", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_disk_to_copy_that_is_in_no_pool_is_refused_but_one_skipped_is_not_asked_for()
    {
        var facts = Facts() with
        {
            SourceVolumes = new Dictionary<string, (string Pool, VolumeDescription Volume)?>
            {
                ["vda"] = Facts().SourceVolumes["vda"],
                ["vdb"] = null,
            },
        };
        var refusal = Assert.Throws<ProviderException>(() => Plan(Inputs, facts));
        Assert.Contains(
            "Disk vdb ('/pool/data.img') is in no storage pool, so libvirt cannot copy it",
            refusal.Message,
            StringComparison.Ordinal
        );

        var skipped = Plan(
            Inputs with
            {
                Disks = [new CloneDiskArgs { Target = "vdb", Mode = CloneDiskMode.Skip }],
            },
            facts
        );
        Assert.Single(skipped.OwnDisks);
    }
}
