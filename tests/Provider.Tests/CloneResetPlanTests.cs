using PulumiLibvirt.Libvirt;
using PulumiLibvirt.Resources;
using PulumiLibvirt.Tests.Support;

namespace PulumiLibvirt.Tests;

/// <summary>What a change of a clone's 'resetOn' plans from its inputs and the host's facts (no libvirtd).</summary>
[Trait(Category.Name, Category.Unit)]
public sealed class CloneResetPlanTests
{
    private static readonly DomainDefinition Template = new()
    {
        Name = "template",
        Type = "kvm",
        MemoryKiB = 1024 * 1024,
        Vcpus = 1,
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
                Target = "vdc",
                Path = "/pool/scratch.img",
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
        Interfaces = [new DomainInterface { Network = "lab", Mac = "52:54:00:00:00:01" }],
    };

    private static readonly CloneFacts Facts = new()
    {
        TemplateXml = Template.ToXml(),
        Template = Template,
        SourceUuid = "5b6f3c1e-0000-0000-0000-000000000001",
        SourceRunning = false,
        SourceVolumes = new Dictionary<string, (string Pool, VolumeDescription Volume)?>
        {
            ["vda"] = (
                "images",
                new VolumeDescription("template.qcow2", "k1", "/pool/template.qcow2", 10_000, 100, "qcow2", null)
            ),
            ["vdb"] = ("images", new VolumeDescription("data.img", "k2", "/pool/data.img", 20_000, 200, "raw", null)),
        },
        TakenMacs = new HashSet<string> { "52:54:00:00:00:01" },
    };

    // vda linked, vdb copied, vdc skipped, sda (the CD-ROM) shared.
    private static readonly CloneArgs Inputs = new()
    {
        Source = "template",
        Name = "web",
        Mode = CloneMode.Linked,
        Disks =
        [
            new CloneDiskArgs { Target = "vdb", Mode = CloneDiskMode.Full },
            new CloneDiskArgs { Target = "vdc", Mode = CloneDiskMode.Skip },
        ],
        ResetOn = "1",
    };

    /// <summary>The clone as its create made it, or with the files a previous reset gave it.</summary>
    private static DomainDefinition Clone(string vda = "/pool/web-vda.qcow2", string vdb = "/pool/web-vdb.img") =>
        new()
        {
            Name = "web",
            Type = "kvm",
            Disks =
            [
                new DomainDisk
                {
                    Target = "vda",
                    Path = vda,
                    Format = "qcow2",
                },
                new DomainDisk
                {
                    Target = "vdb",
                    Path = vdb,
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
        };

    private static CloneResetPlan Plan(
        CloneArgs? inputs = null,
        DomainDefinition? clone = null,
        bool running = false,
        IReadOnlyList<string>? snapshots = null
    )
    {
        var news = inputs ?? Inputs;
        var created = ClonePlan.For(news, Facts, "uuid-1", "urn");
        return CloneResetPlan.For(news, created, clone ?? Clone(), running, snapshots ?? []);
    }

    [Fact]
    public void Only_a_change_of_resetOn_resets_and_setting_it_first_counts_as_a_change()
    {
        Assert.False(CloneResetPlan.Wanted(Inputs, Inputs with { Memory = 512 }));
        Assert.True(CloneResetPlan.Wanted(Inputs, Inputs with { ResetOn = "2" }));
        Assert.True(CloneResetPlan.Wanted(Inputs with { ResetOn = null }, Inputs));
    }

    [Fact]
    public void Overlays_are_linked_again_full_copies_copied_again_and_shared_or_skipped_disks_are_kept()
    {
        var plan = Plan();

        Assert.Equal(
            [ResetDiskAction.Relink, ResetDiskAction.Recopy, ResetDiskAction.Keep, ResetDiskAction.Keep],
            plan.Disks.Select(d => d.Action)
        );
        Assert.Equal(["vda", "vdb"], plan.MadeAgain.Select(d => d.Target));
        // Made from the template's volumes, never written: the overlay is on the template's file, the copy reads it.
        Assert.Equal(
            ["/pool/template.qcow2", "/pool/data.img"],
            plan.MadeAgain.Select(d => d.Fresh!.SourceVolume!.Path)
        );
        Assert.Equal("/pool/seed.iso", plan.Disks[3].OldPath);
        Assert.Null(plan.Disks[2].OldPath);
    }

    [Fact]
    public void The_new_disks_take_the_name_the_old_ones_do_not_have_so_both_exist_until_the_swap()
    {
        var first = Plan();
        Assert.Equal(
            [new PoolVolumeName("images", "web-vda-reset.qcow2"), new PoolVolumeName("images", "web-vdb-reset.img")],
            first.MadeAgain.Select(d => d.Fresh!.Volume)
        );
        Assert.Equal(["/pool/web-vda.qcow2", "/pool/web-vdb.img"], first.MadeAgain.Select(d => d.OldPath));

        var second = Plan(clone: Clone("/pool/web-vda-reset.qcow2", "/pool/web-vdb-reset.img"));
        Assert.Equal(["web-vda.qcow2", "web-vdb.img"], second.MadeAgain.Select(d => d.Fresh!.Volume!.Name));
    }

    [Fact]
    public void A_running_clone_is_stopped_first_and_started_after_unless_it_is_to_stop()
    {
        Assert.True(Plan(running: true).StopFirst);
        Assert.True(Plan(running: true).StartAfter);
        Assert.False(Plan(Inputs with { Running = false }, running: true).StartAfter);
        Assert.False(Plan(running: false).StopFirst);
        Assert.False(Plan(running: false).StartAfter);
    }

    [Fact]
    public void The_identity_is_applied_again_and_the_clones_snapshots_go()
    {
        var identity = new CloneIdentityArgs { Hostname = "web1" };
        var plan = Plan(Inputs with { Identity = identity }, snapshots: ["before-class", "exercise-2"]);

        Assert.Same(identity, plan.Identity);
        Assert.Equal(["before-class", "exercise-2"], plan.Snapshots);
        Assert.Null(Plan().Identity);
    }
}
