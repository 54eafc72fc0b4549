using PulumiLibvirt.Resources;
using PulumiLibvirt.Tests.Support;

namespace PulumiLibvirt.Tests;

/// <summary>What deleting a Volume's (or a CloudInit's) volume plans from who uses it, without libvirtd.</summary>
[Trait(Category.Name, Category.Unit)]
public sealed class VolumeDeletePlanTests
{
    private const string Path = "/pool/base.qcow2";

    [Fact]
    public void A_volume_nothing_uses_is_deleted_and_one_already_gone_is_nothing_to_do()
    {
        var unused = VolumeDeletePlan.For(new VolumeUsers(Path, [], []));
        Assert.True(unused.Deletes);
        Assert.Equal(Path, unused.Path);
        Assert.Null(unused.Refusal);

        var gone = VolumeDeletePlan.For(null);
        Assert.False(gone.Deletes);
        Assert.Null(gone.Refusal);
    }

    [Fact]
    public void A_volume_that_is_a_domains_disk_is_refused_naming_each_domain_once()
    {
        var plan = VolumeDeletePlan.For(new VolumeUsers(Path, [], ["web", "db"]));

        Assert.False(plan.Deletes);
        Assert.Equal(
            $"Volume '{Path}' is a disk of domain 'web', 'db': deleting it would take the disk from under "
                + "the machine. Delete or change the domain first.",
            plan.Refusal
        );
    }

    [Fact]
    public void A_base_of_overlays_is_refused_naming_each_overlay_and_the_domains_that_use_it()
    {
        var users = new VolumeUsers(
            Path,
            [new VolumeOverlay("/pool/web.qcow2", ["web"]), new VolumeOverlay("/pool/spare.qcow2", [])],
            ["template"]
        );

        var plan = VolumeDeletePlan.For(users);

        Assert.False(plan.Deletes);
        Assert.Equal(
            $"Volume '{Path}' is the backing store of '/pool/web.qcow2' (a disk of 'web'), "
                + "'/pool/spare.qcow2': deleting it would break them. Delete those first.",
            plan.Refusal
        );
    }
}
