using PulumiLibvirt.Libvirt;
using PulumiLibvirt.Resources;
using PulumiLibvirt.Tests.Support;

namespace PulumiLibvirt.Tests;

/// <summary>
/// The connection's indexes of the host (DomainIndex, VolumeIndex) answer as a full read would, whatever another
/// process does meanwhile: domains and volumes it makes, redefines or removes are seen; and MACs stay unique when
/// creates race each other and another process defining domains.
/// </summary>
public sealed class HostIndexTests(TestPool pool, TestNetwork network)
    : IClassFixture<TestPool>,
        IClassFixture<TestNetwork>,
        IDisposable
{
    private readonly TestDomains _names = new();

    public void Dispose() => _names.Dispose();

    private static string RandomMac() =>
        $"52:54:00:{Random.Shared.Next(256):x2}:{Random.Shared.Next(256):x2}:{Random.Shared.Next(256):x2}";

    private DomainDefinition Machine(string name, string uuid, string mac) =>
        new()
        {
            Name = name,
            Uuid = uuid,
            Type = "qemu",
            MemoryKiB = 65536,
            Interfaces = [new DomainInterface { Network = network.Name, Mac = mac }],
        };

    private static List<string> MacsOf(Connection libvirt, string name) =>
        libvirt
            .IndexedDomains()
            .Where(d => d.Name == name)
            .SelectMany(d => d.Interfaces)
            .Select(i => i.Mac!)
            .Distinct()
            .ToList();

    [Fact]
    public async Task Domains_another_connection_defines_redefines_and_undefines_are_seen()
    {
        using var other = Connection.Open(TestPool.Uri);
        var (name, uuid, first, second) = (_names.Name("indexed"), Guid.NewGuid().ToString(), RandomMac(), RandomMac());
        Assert.Empty(MacsOf(pool.Libvirt, name));

        using (other.DefineDomain(Machine(name, uuid, first))) { }
        // A new domain is seen at once: every question lists the domains.
        Assert.Equal([first], MacsOf(pool.Libvirt, name));
        Assert.Contains(first, MacsOf(pool.Libvirt, name).Intersect(MacAddresses.InUse(pool.Libvirt)));

        // A redefinition keeps the UUID, so only libvirt's event tells the index to read it again.
        using (other.DefineDomain(Machine(name, uuid, second))) { }
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (MacsOf(pool.Libvirt, name) is not [var seen] || seen != second)
        {
            Assert.True(
                DateTime.UtcNow < deadline,
                $"the index still answers {string.Join(", ", MacsOf(pool.Libvirt, name))} for '{name}', redefined "
                    + $"with {second}"
            );
            await Task.Delay(50);
        }

        using (var domain = other.FindDomain(uuid)!)
            domain.Undefine();
        Assert.Empty(MacsOf(pool.Libvirt, name));
    }

    [Fact]
    public void An_overlay_another_connection_makes_keeps_its_base_from_being_deleted()
    {
        var basePath = pool.CreateVolume("indexed-base", 1 << 20).Path;
        using var baseVolume = pool.Libvirt.FindVolume(basePath)!;
        Assert.Null(VolumeUsage.Problem(pool.Libvirt, baseVolume));

        using var other = Connection.Open(TestPool.Uri);
        using var otherPool = other.LookupPool(pool.Name);
        using var overlay = otherPool.CreateVolume(
            new VolumeDefinition(
                TestPool.UniqueName("indexed-overlay") + ".qcow2",
                1 << 20,
                "qcow2",
                new BackingStore(basePath, "qcow2")
            )
        );

        var problem = VolumeUsage.Problem(pool.Libvirt, baseVolume);
        Assert.NotNull(problem);
        Assert.Contains(overlay.Path, problem);
    }

    [Fact]
    public void An_overlay_deleted_and_made_again_on_another_base_is_read_again()
    {
        var (first, second) = (
            pool.CreateVolume("rebased-a", 1 << 20).Path,
            pool.CreateVolume("rebased-b", 1 << 20).Path
        );
        var overlay = pool.CreateVolume("rebased-overlay", 1 << 20, backingStore: new BackingStore(first, "qcow2"));
        using var firstVolume = pool.Libvirt.FindVolume(first)!;
        using var secondVolume = pool.Libvirt.FindVolume(second)!;
        Assert.NotNull(VolumeUsage.Problem(pool.Libvirt, firstVolume));
        Assert.Null(VolumeUsage.Problem(pool.Libvirt, secondVolume));

        // Same name, so same key and path: only the delete can tell the index that the overlay it knows is gone.
        using (var old = pool.Libvirt.FindVolume(overlay.Path)!)
            old.Delete();
        using (
            pool.Pool.CreateVolume(
                new VolumeDefinition(overlay.Name, 1 << 20, "qcow2", new BackingStore(second, "qcow2"))
            )
        ) { }

        Assert.Null(VolumeUsage.Problem(pool.Libvirt, firstVolume));
        Assert.Contains(overlay.Path, VolumeUsage.Problem(pool.Libvirt, secondVolume));
    }

    [Fact]
    public async Task Macs_and_names_stay_unique_when_ten_creates_race_another_process_defining_domains()
    {
        var template = new TemplateDomain(pool, network, _names);
        using var clones = new ResourceHarness("libvirt:index:Clone");
        var cloneNames = Enumerable.Range(0, 10).Select(_ => _names.Name("race")).ToList();
        var externalNames = Enumerable.Range(0, 10).Select(_ => _names.Name("external")).ToList();

        // Another process defines domains all the while, on a connection of its own.
        var external = Task.Run(() =>
        {
            using var other = Connection.Open(TestPool.Uri);
            foreach (var name in externalNames)
            {
                using (other.DefineDomain(Machine(name, Guid.NewGuid().ToString(), RandomMac()))) { }
            }
        });
        var created = await Task.WhenAll(
            cloneNames.Select(name =>
                Task.Run(() =>
                    clones.CreateAsync(
                        Props.Object(
                            ("source", template.Name),
                            ("name", name),
                            ("mode", "linked"),
                            ("running", false),
                            ("shutdownTimeout", 1)
                        ),
                        name
                    )
                )
            )
        );
        await external;

        // This test's domains only, each once: other classes of the run boot guests meanwhile, and a running domain has
        // a live definition beside its persistent one.
        var ours = cloneNames.Concat(externalNames).Append(template.Name).ToHashSet(StringComparer.Ordinal);
        var all = pool.Libvirt.DescribeAllDomains().Where(d => ours.Contains(d.Name)).DistinctBy(d => d.Uuid).ToList();
        Assert.Equal(ours.Count, all.Count);
        var macs = all.SelectMany(d => d.Interfaces).Select(i => i.Mac).ToList();
        Assert.Equal(macs.Count, macs.Distinct().Count());
        Assert.Equal(all.Count, all.Select(d => d.Name).Distinct().Count());
        Assert.Equal(cloneNames.Order(), created.Select(c => Props.Text(c.Outputs, "name")).Order());
        Assert.All(created, c => Assert.DoesNotContain(template.Mac, Props.Texts(c.Outputs, "macs")));
        foreach (var (id, outputs, _) in created)
            await clones.DeleteAsync(id, outputs);
    }
}
