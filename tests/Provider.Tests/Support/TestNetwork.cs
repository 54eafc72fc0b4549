namespace PulumiLibvirt.Tests.Support;

/// <summary>
/// An isolated libvirt network of this test run (a bridge with no address and no forwarding), started for the
/// tests' domains to attach to and destroyed afterwards. It is transient: destroying it also forgets it.
/// </summary>
public sealed class TestNetwork : IDisposable
{
    private static int _bridges;

    public TestNetwork()
    {
        Name = TestPool.UniqueName("net");
        // Linux limits interface names to 15 characters. A count, not a random number: a score of these fixtures
        // live at once, and two random numbers of 900 met often enough to fail a run.
        Bridge = $"vb{Environment.ProcessId % 100000}x{Interlocked.Increment(ref _bridges)}";
        var xml = Path.Combine(Path.GetTempPath(), $"{Name}.xml");
        File.WriteAllText(xml, $"<network><name>{Name}</name><bridge name='{Bridge}'/></network>");
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

    /// <summary>The name of the network's bridge on the host.</summary>
    public string Bridge { get; }

    public void Dispose() => Command.Run("virsh", "-c", TestPool.Uri, "net-destroy", Name);
}
