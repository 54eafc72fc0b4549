using System.Net;
using System.Xml.Linq;
using PulumiLibvirt.Libvirt;
using PulumiLibvirt.Tests.Support;

namespace PulumiLibvirt.Tests;

/// <summary>
/// Network XML in both directions, without a daemon: <see cref="NetworkDefinition.Parse"/> on what <c>virsh
/// net-dumpxml</c>
/// prints (Fixtures/network-*.xml), and <see cref="NetworkDefinition.ToXml"/> for each forward mode, read back.
/// </summary>
[Trait(Category.Name, Category.Unit)]
public class NetworkXmlTests
{
    private static NetworkDefinition Lab() =>
        new()
        {
            Name = "lab",
            Uuid = "3e5a2f0c-8d1b-4c6e-9f7a-2b1c0d9e8f7a",
            ForwardMode = "nat",
            Bridge = "virbr-lab",
            BridgeMac = "52:54:00:dc:fa:eb",
            Domain = "lab.test",
            Mtu = 9000,
            DnsForwarders = ["192.0.2.53"],
            DnsHosts = [new NetworkDnsHost("10.77.0.10", ["db", "db.lab.test"])],
            Ips =
            [
                new NetworkIp
                {
                    Address = IPAddress.Parse("10.77.0.1"),
                    Prefix = 24,
                    Dhcp = true,
                    Ranges = [new NetworkDhcpRange("10.77.0.2", "10.77.0.254")],
                    Hosts =
                    [
                        new NetworkDhcpHost
                        {
                            Mac = "52:54:00:aa:bb:01",
                            Name = "web",
                            Ip = "10.77.0.20",
                        },
                    ],
                },
                new NetworkIp
                {
                    Address = IPAddress.Parse("fd00:77::1"),
                    Prefix = 64,
                    Dhcp = true,
                    Ranges = [new NetworkDhcpRange("fd00:77::2", "fd00:77::ffff")],
                },
            ],
        };

    [Fact]
    public void Dumpxml_of_a_nat_dual_stack_network_gives_every_part_we_manage()
    {
        var parsed = NetworkDefinition.Parse(Fixture.Text("network-nat-dual-stack.xml"));
        var expected = Lab();
        Assert.Equal(expected.Name, parsed.Name);
        Assert.Equal(expected.Uuid, parsed.Uuid);
        Assert.Equal("nat", parsed.ForwardMode);
        Assert.Equal("virbr-lab", parsed.Bridge);
        Assert.Equal("52:54:00:dc:fa:eb", parsed.BridgeMac);
        Assert.Equal("lab.test", parsed.Domain);
        Assert.Equal(9000, parsed.Mtu);
        Assert.True(parsed.DnsEnabled);
        Assert.Equal(["192.0.2.53"], parsed.DnsForwarders);
        var dnsHost = Assert.Single(parsed.DnsHosts);
        Assert.Equal("10.77.0.10", dnsHost.Ip);
        Assert.Equal(["db", "db.lab.test"], dnsHost.Hostnames);
        Assert.Equal(2, parsed.Ips.Count);
        // The IPv4 subnet is written with a netmask by libvirt; it reads as a prefix.
        Assert.Equal(
            (IPAddress.Parse("10.77.0.1"), 24, false),
            (parsed.Ips[0].Address, parsed.Ips[0].Prefix, parsed.Ips[0].IsIpv6)
        );
        Assert.Equal(expected.Ips[0].Ranges, parsed.Ips[0].Ranges);
        Assert.Equal(expected.Ips[0].Hosts, parsed.Ips[0].Hosts);
        Assert.Equal(
            (IPAddress.Parse("fd00:77::1"), 64, true),
            (parsed.Ips[1].Address, parsed.Ips[1].Prefix, parsed.Ips[1].IsIpv6)
        );
        Assert.Equal(expected.Ips[1].Ranges, parsed.Ips[1].Ranges);
    }

    [Fact]
    public void Dumpxml_of_a_host_bridge_network_gives_the_mode_and_the_bridge_only()
    {
        var parsed = NetworkDefinition.Parse(Fixture.Text("network-host-bridge.xml"));
        Assert.Equal(("hostbr", "bridge", "br0"), (parsed.Name, parsed.ForwardMode, parsed.Bridge));
        Assert.Empty(parsed.Ips);
        Assert.Empty(parsed.DnsHosts);
    }

    [Theory]
    [InlineData("nat")]
    [InlineData("route")]
    [InlineData("open")]
    [InlineData(null)]
    public void A_definition_in_each_routed_mode_reads_back_as_written(string? mode)
    {
        var written = Lab() with { ForwardMode = mode };
        var xml = XElement.Parse(written.ToXml());
        Assert.Equal(mode, xml.Element("forward")?.Attribute("mode")?.Value);
        Assert.Equal("yes", xml.Element("domain")?.Attribute("localOnly")?.Value);
        var read = NetworkDefinition.Parse(written.ToXml());
        Assert.Equal(written.ToXml(), read.ToXml());
        Assert.Equal(written.Ips[0].Hosts, read.Ips[0].Hosts);
    }

    [Fact]
    public void A_host_bridge_definition_has_no_addresses_dns_or_stp_of_its_own()
    {
        var xml = XElement.Parse((Lab() with { ForwardMode = "bridge", Bridge = "br0" }).ToXml());
        Assert.Equal("bridge", xml.Element("forward")?.Attribute("mode")?.Value);
        Assert.Equal(["name"], xml.Element("bridge")!.Attributes().Select(a => a.Name.LocalName));
        Assert.Empty(xml.Elements("ip"));
        Assert.Null(xml.Element("dns"));
    }

    [Fact]
    public void Disabled_dns_is_written_as_enable_no_and_disabled_dhcp_has_no_dhcp_element()
    {
        var written = Lab() with { DnsEnabled = false, Ips = [Lab().Ips[0] with { Dhcp = false }] };
        var xml = XElement.Parse(written.ToXml());
        Assert.Equal("no", xml.Element("dns")?.Attribute("enable")?.Value);
        Assert.Empty(xml.Element("dns")!.Elements());
        Assert.Null(xml.Element("ip")!.Element("dhcp"));
        var read = NetworkDefinition.Parse(written.ToXml());
        Assert.False(read.DnsEnabled);
        Assert.False(read.Ips[0].Dhcp);
    }

    [Fact]
    public void A_bridge_left_to_libvirt_is_written_without_a_name()
    {
        var xml = XElement.Parse((Lab() with { Bridge = null }).ToXml());
        Assert.Null(xml.Element("bridge")!.Attribute("name"));
        Assert.Equal("on", xml.Element("bridge")!.Attribute("stp")?.Value);
    }

    [Fact]
    public void Hosts_for_virNetworkUpdate_are_single_elements()
    {
        Assert.Equal(
            "<host mac=\"52:54:00:aa:bb:01\" name=\"web\" ip=\"10.77.0.20\" />",
            new NetworkDhcpHost
            {
                Mac = "52:54:00:aa:bb:01",
                Name = "web",
                Ip = "10.77.0.20",
            }
                .ToXml()
                .ToString()
        );
        Assert.Equal(
            "<host ip=\"10.77.0.10\"><hostname>db</hostname></host>",
            new NetworkDnsHost("10.77.0.10", ["db"]).ToXml().ToString(SaveOptions.DisableFormatting)
        );
    }
}
