using System.Text.RegularExpressions;
using PulumiLibvirt.Libvirt;
using PulumiLibvirt.Tests.Support;

namespace PulumiLibvirt.Tests;

/// <summary>
/// A live change proven on a running guest: the test guest in its guest.net=dhcp mode (TCG, no disk) takes a DHCP
/// lease on a network of the Network resource and pings its gateway every second; static hosts are then added through
/// the resource's Update, and the guest must not notice.
/// </summary>
public sealed partial class NetworkGuestTests(TestPool pool) : IClassFixture<TestPool>, IDisposable
{
    private static readonly TimeSpan BootLimit = TimeSpan.FromMinutes(5);
    private readonly ResourceHarness _networks = new("libvirt:index:Network");
    private readonly TestNetworks _names = new();
    private readonly TestDomains _domains = new();

    public void Dispose()
    {
        _domains.Dispose();
        _names.Dispose();
        _networks.Dispose();
    }

    [GeneratedRegex(@"^GUEST ping=(ok|fail) (\d+)", RegexOptions.Multiline)]
    private static partial Regex PingLine();

    private static List<bool> Pings(string log) =>
        File.Exists(log)
            ? PingLine().Matches(File.ReadAllText(log)).Select(m => m.Groups[1].Value == "ok").ToList()
            : [];

    private static async Task<T> WaitForAsync<T>(Func<T?> probe, string what)
        where T : class
    {
        var deadline = DateTime.UtcNow + BootLimit;
        while (DateTime.UtcNow < deadline)
        {
            if (probe() is { } found)
                return found;
            await Task.Delay(1000);
        }
        throw new Xunit.Sdk.XunitException($"{what} did not happen within {BootLimit.TotalSeconds} s");
    }

    [Fact]
    public async Task Adding_a_dhcp_host_and_a_dns_host_keeps_a_running_guests_link_lease_and_connectivity()
    {
        var guest = TestGuest.Shared;
        var (id, outputs, inputs) = await _networks.CreateAsync(
            Props.Object(("name", _names.Name("guestnet")), ("addresses", Props.Array(TestNetworks.FreeSubnet())))
        );
        var bridge = Props.Text(outputs, "bridge");
        var net = Props.Texts(outputs, "gateways")[0][..^1];
        using var network = pool.Libvirt.FindNetwork(id)!;

        var log = Path.Combine(pool.Path, "dhcp-guest.log");
        using var domain = pool.Libvirt.DefineDomain(
            new DomainDefinition
            {
                Name = _domains.Name("dhcp"),
                Type = "qemu",
                MemoryKiB = 256 * 1024,
                Kernel = guest.Kernel,
                Initrd = guest.Initrd,
                Cmdline = $"{guest.Cmdline} guest.net=dhcp",
                Interfaces = [new DomainInterface { Network = Props.Text(outputs, "name") }],
                Console = new DomainConsole("file", log),
            }
        );
        domain.Start();
        var nic = domain.Describe(persistent: false).Interfaces[0];
        var lease = await WaitForAsync(
            () => network.Leases(nic.Mac) is [var first, ..] ? first : null,
            $"a DHCP lease for {nic.Mac} on {bridge} (see {log})"
        );
        await WaitForAsync(
            () => Pings(log).Count >= 3 ? "" : null,
            $"the guest's first pings of its gateway (see {log})"
        );
        Assert.All(Pings(log).Skip(1), Assert.True);
        Assert.Contains($"GUEST ip={lease.IpAddress}", File.ReadAllText(log));
        var ifindex = File.ReadAllText($"/sys/class/net/{bridge}/ifindex");

        var program = Props.With(
            inputs,
            (
                "dhcp",
                Props.Object(
                    (
                        "hosts",
                        Props.Array(
                            Props.Object(("mac", "52:54:00:ab:cd:01"), ("ip", net + "40"), ("hostname", "fixed"))
                        )
                    )
                )
            ),
            (
                "dns",
                Props.Object(
                    ("hosts", Props.Array(Props.Object(("ip", net + "41"), ("hostnames", Props.Array("db.lab.test")))))
                )
            )
        );
        var news = (await _networks.CheckAsync(program, inputs)).Inputs;
        var pingsBefore = Pings(log).Count;
        await _networks.UpdateAsync(id, outputs, inputs, news);
        await WaitForAsync(
            () => Pings(log).Count >= pingsBefore + 5 ? "" : null,
            $"five pings after the update (see {log})"
        );

        Assert.Equal(ifindex, File.ReadAllText($"/sys/class/net/{bridge}/ifindex")); // the bridge was not made anew
        Assert.Equal(
            bridge,
            Path.GetFileName(File.ResolveLinkTarget($"/sys/class/net/{nic.Tap}/master", false)!.FullName)
        );
        Assert.Equal(lease.IpAddress, Assert.Single(network.Leases(nic.Mac)).IpAddress);
        Assert.All(Pings(log).Skip(pingsBefore), Assert.True);
        Assert.Single(network.Describe(persistent: false).Ips[0].Hosts);
    }
}
