using PulumiLibvirt.Libvirt;
using PulumiLibvirt.Resources;
using PulumiLibvirt.Tests.Support;

namespace PulumiLibvirt.Tests;

/// <summary>What a Volume's create and update plan from the inputs and the host's facts, without libvirtd.</summary>
[Trait(Category.Name, Category.Unit)]
public sealed class VolumePlanTests
{
    private static readonly VolumeDescription Base = new(
        "base.qcow2",
        "k",
        "/pool/base.qcow2",
        4096,
        1024,
        "qcow2",
        null
    );

    [Fact]
    public void An_empty_volume_is_defined_at_its_capacity_in_qcow2_unless_told_otherwise()
    {
        Assert.Equal(
            new VolumeDefinition("v", 1024, "qcow2"),
            VolumePlan.Definition(new VolumeArgs { Name = "v", Capacity = 1024 }, null)
        );
        Assert.Equal(
            new VolumeDefinition("v", 1024, "raw"),
            VolumePlan.Definition(
                new VolumeArgs
                {
                    Name = "v",
                    Capacity = 1024,
                    Format = VolumeFormat.Raw,
                },
                null
            )
        );
    }

    [Fact]
    public void An_overlay_names_its_base_s_path_in_the_format_given_or_the_base_s_own()
    {
        var overlay = new VolumeArgs
        {
            Name = "o",
            Capacity = 4096,
            BackingStore = new VolumeBackingStoreArgs { Volume = "k" },
        };
        Assert.Equal(new BackingStore("/pool/base.qcow2", "qcow2"), VolumePlan.Definition(overlay, Base)!.BackingStore);
        var raw = overlay with
        {
            BackingStore = new VolumeBackingStoreArgs { Volume = "k", Format = VolumeFormat.Raw },
        };
        Assert.Equal(new BackingStore("/pool/base.qcow2", "raw"), VolumePlan.Definition(raw, Base)!.BackingStore);
    }

    [Fact]
    public void A_volume_from_a_source_is_not_defined_empty()
    {
        var fromFile = new VolumeArgs
        {
            Name = "v",
            Source = new VolumeSourceArgs { File = "/tmp/image.qcow2" },
        };
        Assert.Null(VolumePlan.Definition(fromFile, null));
    }

    [Fact]
    public void An_update_grows_only_to_a_larger_capacity()
    {
        Assert.Equal(8192UL, VolumePlan.GrowTo(new VolumeArgs { Capacity = 8192 }, 4096));
        Assert.Null(VolumePlan.GrowTo(new VolumeArgs { Capacity = 4096 }, 4096));
        Assert.Null(VolumePlan.GrowTo(new VolumeArgs { Capacity = 1024 }, 4096));
        Assert.Null(VolumePlan.GrowTo(new VolumeArgs(), 4096));
    }
}
