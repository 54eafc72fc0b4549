using PulumiLibvirt.Libvirt;
using PulumiLibvirt.Resources;
using PulumiLibvirt.Tests.Support;

namespace PulumiLibvirt.Tests;

/// <summary>What the delete of a Domain or a Clone plans from the host's facts, without libvirtd.</summary>
[Trait(Category.Name, Category.Unit)]
public sealed class MachineDeletePlanTests
{
    private const string KeptBecause = "shared with the source 'template'";

    private static readonly HostReservation Reserved = new("lab", "52:54:00:00:00:01", "10.0.0.5", "web");

    private static readonly VolumeUsers Unused = new("/pool/web-vda.qcow2", [], []);

    private static MachineDeleteFacts Facts(params MachineDiskFacts[] disks) =>
        new()
        {
            Defined = true,
            Running = true,
            Reservations = [Reserved],
            Disks = disks,
        };

    private static MachineDeletePlan Plan(string kind, MachineDeleteFacts facts, bool deleteSnapshots = false) =>
        MachineDeletePlan.For(kind, "web", facts, 7, deleteSnapshots, KeptBecause);

    [Fact]
    public void A_running_domain_is_stopped_undefined_and_freed_of_its_addresses_and_its_disks_are_kept_saying_why()
    {
        var plan = Plan("Domain", Facts(new MachineDiskFacts("vda", "/pool/disk.qcow2", Owned: false)));

        Assert.Null(plan.Refusal);
        Assert.True(plan.Stops);
        Assert.Equal(7, plan.ShutdownTimeout);
        Assert.True(plan.Undefines);
        Assert.Empty(plan.DeletedSnapshots);
        Assert.Empty(plan.DeletedFiles);
        Assert.Equal([new KeptDisk("/pool/disk.qcow2", KeptBecause)], plan.KeptDisks);
        Assert.Equal([Reserved], plan.RemovedReservations);
    }

    [Fact]
    public void A_shut_off_domain_is_not_stopped_and_one_already_gone_is_left_alone()
    {
        Assert.False(Plan("Domain", Facts() with { Running = false }).Stops);

        var gone = Plan("Domain", new MachineDeleteFacts { Defined = false });
        Assert.Null(gone.Refusal);
        Assert.False(gone.Stops);
        Assert.False(gone.Undefines);
        Assert.Empty(gone.RemovedReservations);
    }

    [Fact]
    public void Snapshots_are_refused_naming_each_and_the_input_that_allows_it_and_nothing_is_done()
    {
        var facts = Facts(new MachineDiskFacts("vda", "/pool/web-vda.qcow2", Owned: true, Unused)) with
        {
            Snapshots = ["before-upgrade", "nightly"],
        };

        var plan = Plan("Clone", facts);

        Assert.StartsWith("Clone 'web' cannot be deleted: ", plan.Refusal);
        Assert.Contains("'before-upgrade', 'nightly'", plan.Refusal);
        Assert.Contains("'deleteSnapshots: true'", plan.Refusal);
        Assert.Contains("virsh snapshot-delete web", plan.Refusal);
        Assert.False(plan.Stops);
        Assert.False(plan.Undefines);
        Assert.Empty(plan.DeletedSnapshots);
        Assert.Empty(plan.DeletedFiles);
        Assert.Empty(plan.RemovedReservations);
    }

    [Fact]
    public void With_deleteSnapshots_every_snapshot_is_deleted_before_the_domain_is_undefined()
    {
        var plan = Plan("Domain", Facts() with { Snapshots = ["before-upgrade", "nightly"] }, deleteSnapshots: true);

        Assert.Null(plan.Refusal);
        Assert.Equal(["before-upgrade", "nightly"], plan.DeletedSnapshots);
        Assert.True(plan.Undefines);
    }

    [Fact]
    public void A_clone_deletes_its_own_copies_and_overlays_and_keeps_the_disks_it_shares_with_the_source()
    {
        var plan = Plan(
            "Clone",
            Facts(
                new MachineDiskFacts("vda", "/pool/web-vda.qcow2", Owned: true, Unused),
                new MachineDiskFacts("vdb", "/pool/web-vdb.img", Owned: true),
                new MachineDiskFacts("sda", "/pool/seed.iso", Owned: false)
            )
        );

        Assert.Null(plan.Refusal);
        Assert.Equal(["/pool/web-vda.qcow2", "/pool/web-vdb.img"], plan.DeletedFiles);
        Assert.Equal([new KeptDisk("/pool/seed.iso", KeptBecause)], plan.KeptDisks);
    }

    [Fact]
    public void A_clone_whose_domain_is_gone_still_deletes_its_own_files()
    {
        var facts = new MachineDeleteFacts
        {
            Defined = false,
            Disks = [new MachineDiskFacts("vda", "/pool/web-vda.qcow2", Owned: true)],
        };

        var plan = Plan("Clone", facts);

        Assert.False(plan.Undefines);
        Assert.Equal(["/pool/web-vda.qcow2"], plan.DeletedFiles);
    }

    [Fact]
    public void A_clone_volume_something_else_needs_is_refused_naming_it_together_with_the_snapshots()
    {
        var backing = new VolumeUsers("/pool/web-vda.qcow2", [new VolumeOverlay("/pool/other.qcow2", ["other"])], []);
        var facts = Facts(
            new MachineDiskFacts("vda", "/pool/web-vda.qcow2", Owned: true, backing),
            new MachineDiskFacts("vdb", "/pool/web-vdb.qcow2", Owned: true, Unused)
        ) with
        {
            Snapshots = ["nightly"],
        };

        var plan = Plan("Clone", facts);

        Assert.StartsWith(
            "Clone 'web' cannot be deleted: Volume '/pool/web-vda.qcow2' is the backing store of "
                + "'/pool/other.qcow2' (a disk of 'other')",
            plan.Refusal
        );
        Assert.Contains("'nightly'", plan.Refusal);
        Assert.Empty(plan.DeletedFiles);
        Assert.False(plan.Undefines);
    }
}
