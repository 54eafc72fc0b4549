using PulumiLibvirt.Framework;
using PulumiLibvirt.Libvirt;
using PulumiLibvirt.Resources;
using PulumiLibvirt.Tests.Support;

namespace PulumiLibvirt.Tests;

/// <summary>What a Domain's create and update plan from the inputs and the host's facts, without libvirtd.</summary>
[Trait(Category.Name, Category.Unit)]
public sealed class DomainPlanTests
{
    private const string Urn = "urn:pulumi:dev::lab::libvirt:index:Domain::vm";

    private static readonly DomainArgs Inputs = new()
    {
        Name = "vm",
        Memory = 512,
        Vcpus = 1,
        Disks =
        [
            new DomainDiskArgs
            {
                Volume = "key-1",
                Target = "vda",
                Bus = DiskBus.Virtio,
            },
        ],
        NetworkInterfaces =
        [
            new DomainNetworkInterfaceArgs { Network = "default", Ip = "10.0.0.5" },
            new DomainNetworkInterfaceArgs { Network = "lab" },
        ],
    };

    private static readonly DomainFacts Facts = new(
        [new DiskFile("/pool/vm.iso", "iso")],
        new HashSet<string> { "52:54:00:00:00:01" }
    );

    [Fact]
    public void A_create_defines_the_domain_marked_unfinished_with_its_disk_files_new_macs_and_fixed_addresses()
    {
        var definition = DomainPlan.Create(Inputs, Facts, Urn);

        Assert.Equal((Urn, (ulong)512 * 1024), (definition.Owner, definition.MemoryKiB));
        Assert.Equal(new UnfinishedCreate([], []), definition.Unfinished);
        // A pool's "iso" is raw to qemu.
        Assert.Equal(
            ("/pool/vm.iso", "raw", "vda"),
            (definition.Disks[0].Path, definition.Disks[0].Format, definition.Disks[0].Target)
        );
        var macs = definition.Interfaces.Select(i => i.Mac).ToList();
        Assert.Equal(2, macs.Distinct().Count());
        Assert.DoesNotContain("52:54:00:00:00:01", macs);
        Assert.Equal("10.0.0.5", Assert.Single(definition.Reservations).Ip);
    }

    [Fact]
    public void A_mac_given_that_another_domain_has_is_refused_but_one_the_domain_had_is_kept()
    {
        var taken = Inputs with
        {
            NetworkInterfaces = [new DomainNetworkInterfaceArgs { Network = "default", Mac = "52:54:00:00:00:01" }],
        };
        var refusal = Assert.Throws<ProviderException>(() => DomainPlan.Create(taken, Facts, Urn));
        Assert.StartsWith(
            "networkInterfaces[0].mac: 52:54:00:00:00:01 is already used by another domain.",
            refusal.Message,
            StringComparison.Ordinal
        );

        Assert.Equal(
            ["52:54:00:00:00:09", "52:54:00:00:00:01"],
            DomainPlan.AssignMacs(
                Inputs.NetworkInterfaces,
                ["52:54:00:00:00:09", "52:54:00:00:00:01"],
                new HashSet<string>()
            )
        );
    }

    [Fact]
    public void An_update_redefines_only_for_definition_properties_and_keeps_uuid_and_macs()
    {
        var none = DomainPlan.Update(Inputs, new HashSet<string> { "description", "running" }, [], "uuid-1", Urn, null);
        Assert.Equal(new DomainUpdate(null, [], true, false), none with { Redefined = [] });
        Assert.Empty(none.Redefined);
        Assert.False(DomainPlan.Redefines(new HashSet<string> { "description", "autostart", "running" }));

        var changed = new HashSet<string> { "memory", "autostart" };
        Assert.True(DomainPlan.Redefines(changed));
        var update = DomainPlan.Update(
            Inputs,
            changed,
            ["52:54:00:00:00:0a", "52:54:00:00:00:0b"],
            "uuid-1",
            Urn,
            Facts
        );
        Assert.Equal(["memory"], update.Redefined);
        Assert.True(update.SetsAutostart);
        Assert.Equal("uuid-1", update.Redefinition!.Uuid);
        Assert.Equal(["52:54:00:00:00:0a", "52:54:00:00:00:0b"], update.Redefinition.Interfaces.Select(i => i.Mac));
        Assert.Null(update.Redefinition.Unfinished);
    }
}
