using PulumiLibvirt.Framework;
using PulumiLibvirt.Libvirt;

namespace PulumiLibvirt.Resources;

/// <summary>
/// What a change of 'resetOn' needs that Check can see: the reset makes the clone's disks again from its source as
/// the create did, and the create refuses a running source (its disks would be copied or linked while they change).
/// Refusing at Check means the clone is not stopped for a reset that then fails.
/// </summary>
internal static class CloneResetCheck
{
    public static void Check(
        DomainCheck check,
        PropertyMarks marks,
        ICheckHost host,
        CloneArgs news,
        CloneArgs? olds,
        DomainDefinition source
    )
    {
        if (olds is null || !marks.IsKnown("resetOn") || !CloneResetPlan.Wanted(olds, news))
            return;
        if (host.DomainIsActive(source.Name))
        {
            check.Fail(
                "resetOn",
                $"'resetOn' changed, but the source '{source.Name}' is running: the reset makes "
                    + "the clone's disks again from its disks, which must not change meanwhile. Shut it down first "
                    + $"(`virsh shutdown {source.Name}`, or running: false on its Domain), or leave 'resetOn' as it "
                    + "was."
            );
        }
    }
}
