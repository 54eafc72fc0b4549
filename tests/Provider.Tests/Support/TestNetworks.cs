using PulumiLibvirt.Libvirt;

namespace PulumiLibvirt.Tests.Support;

/// <summary>
/// Names and subnets for the libvirt networks a test makes through the Network resource, under the run's prefix.
/// Disposing it stops and undefines every network that still has one of those names, whether the test passed or not;
/// no other network is touched.
/// </summary>
public sealed class TestNetworks : IDisposable
{
    private readonly List<string> _names = [];

    public string Name(string hint)
    {
        var name = TestPool.UniqueName(hint);
        lock (_names)
            _names.Add(name);
        return name;
    }

    /// <summary>A random 10.x.y.0/24 that no libvirt network and no route of this host uses.</summary>
    public static string FreeSubnet()
    {
        using var libvirt = Connection.Open(TestPool.Uri);
        var used = libvirt.DescribeAllNetworks().SelectMany(n => n.Ips).Select(ip => ip.Address.ToString()).ToList();
        var routes = Command.Run("ip", "-4", "route");
        while (true)
        {
            var prefix = $"10.{Random.Shared.Next(100, 250)}.{Random.Shared.Next(0, 255)}.";
            if (
                !used.Any(a => a.StartsWith(prefix, StringComparison.Ordinal))
                && !routes.Contains(prefix, StringComparison.Ordinal)
            )
                return $"{prefix}0/24";
        }
    }

    public void Dispose()
    {
        using var libvirt = Connection.Open(TestPool.Uri);
        foreach (var name in _names)
        {
            using var network = libvirt.FindNetwork(name);
            if (network is null)
                continue;
            if (network.IsActive)
                network.Destroy();
            network.Undefine();
        }
    }
}
