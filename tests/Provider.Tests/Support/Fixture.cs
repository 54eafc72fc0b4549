namespace PulumiLibvirt.Tests.Support;

/// <summary>
/// The files of tests/Provider.Tests/Fixtures (copied next to the tests): XML as libvirt 9.0's virsh printed it for
/// objects defined on qemu:///system (only names and paths changed), so that the parsers meet what a real host answers.
/// </summary>
public static class Fixture
{
    public static string Text(string name) =>
        File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", name));
}
