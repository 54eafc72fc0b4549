using PulumiLibvirt.Libvirt;

namespace PulumiLibvirt.Tests.Support;

/// <summary>
/// Names for the domains a test creates, under the run's prefix. Disposing it stops and undefines every domain
/// that still has one of those names, whether the test passed or not; no other domain is touched.
/// </summary>
public sealed class TestDomains : IDisposable
{
    private readonly List<string> _names = [];

    public string Name(string hint)
    {
        var name = TestPool.UniqueName(hint);
        lock (_names)
            _names.Add(name);
        return name;
    }

    public void Dispose()
    {
        using var libvirt = Connection.Open(TestPool.Uri);
        foreach (var name in _names)
        {
            using var domain = libvirt.FindDomain(name);
            if (domain is null)
                continue;
            if (domain.IsActive)
                domain.Destroy();
            domain.Undefine();
        }
    }
}
