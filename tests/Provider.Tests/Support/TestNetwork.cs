namespace PulumiLibvirt.Tests.Support;

/// <summary>
/// An isolated libvirt network of this test run (a bridge with no forwarding and, unless made by
/// <see cref="WithDhcp"/>, no address), started for the tests' domains to attach to and destroyed afterwards.
/// It is transient: destroying it also forgets it.
/// </summary>
public sealed class TestNetwork : IDisposable
{
    public TestNetwork() : this(ip: "")
    {
    }

    private TestNetwork(string ip)
    {
        Name = TestPool.UniqueName("net");
        // Linux limits interface names to 15 characters.
        var bridge = $"vb{Environment.ProcessId % 100000}x{Random.Shared.Next(100, 999)}";
        var xml = Path.Combine(Path.GetTempPath(), $"{Name}.xml");
        File.WriteAllText(xml, $"<network><name>{Name}</name><bridge name='{bridge}'/>{ip}</network>");
        try
        {
            Command.Run("virsh", "-c", TestPool.Uri, "net-create", xml);
        }
        finally
        {
            File.Delete(xml);
        }
    }

    /// <summary>A network whose libvirt dnsmasq leases addresses of a free 10.x.y.0/24 by DHCP (the host is .1), for guests that need an IP.</summary>
    public static TestNetwork WithDhcp()
    {
        var prefix = TestNetworks.FreeSubnet()[..^"0/24".Length];
        return new TestNetwork($"<ip address='{prefix}1' netmask='255.255.255.0'><dhcp><range start='{prefix}100' end='{prefix}199'/></dhcp></ip>");
    }

    public string Name { get; }

    public void Dispose() => Command.Run("virsh", "-c", TestPool.Uri, "net-destroy", Name);
}
