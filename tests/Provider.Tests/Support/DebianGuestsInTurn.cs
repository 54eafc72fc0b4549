namespace PulumiLibvirt.Tests.Support;

/// <summary>
/// The test classes that boot several Debian guests under TCG run one after the other: side by side on a 2-core
/// machine, four cloud-init first boots take longer than a machine's default waitForIp of 300 s.
/// </summary>
[CollectionDefinition(Name)]
public sealed class DebianGuestsInTurn
{
    public const string Name = "Debian guests";
}
