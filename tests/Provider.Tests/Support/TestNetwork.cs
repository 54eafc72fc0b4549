namespace PulumiLibvirt.Tests.Support;

/// <summary>
/// An isolated libvirt network of this test run (a bridge with no address and no forwarding), started for the
/// tests' domains to attach to and destroyed afterwards. It is transient: destroying it also forgets it.
/// </summary>
public sealed class TestNetwork : IDisposable
{
    public TestNetwork()
    {
        Name = TestPool.UniqueName("net");
        // Linux limits interface names to 15 characters.
        var bridge = $"vb{Environment.ProcessId % 100000}x{Random.Shared.Next(100, 999)}";
        var xml = Path.Combine(Path.GetTempPath(), $"{Name}.xml");
        File.WriteAllText(xml, $"<network><name>{Name}</name><bridge name='{bridge}'/></network>");
        try
        {
            Command.Run("virsh", "-c", TestPool.Uri, "net-create", xml);
        }
        finally
        {
            File.Delete(xml);
        }
    }

    public string Name { get; }

    public void Dispose() => Command.Run("virsh", "-c", TestPool.Uri, "net-destroy", Name);
}
