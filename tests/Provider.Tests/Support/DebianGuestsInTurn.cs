namespace PulumiLibvirt.Tests.Support;

/// <summary>
/// The test classes that boot several Debian guests under TCG run one after the other, and alone: beside the other
/// guest and virt-sysprep tests on a 2-core machine, a lab clone's cloud-init first boot outran its waitForIp of 300 s.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class DebianGuestsInTurn
{
    public const string Name = "Debian guests";
}
