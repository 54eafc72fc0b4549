using PulumiLibvirt.Framework;
using PulumiLibvirt.Tests.Support;

namespace PulumiLibvirt.Tests;

/// <summary>The hostile inputs of issue 27: each was accepted (or refused with the wrong words) before.</summary>
public static partial class BadInputCases
{
    private const string InvisibleSays = "invisible formatting character";

    private static void HostileCases()
    {
        foreach (var (type, valid) in new (string, Func<BadInputHost, string, ObjectValue>)[]
        {
            (Volume, ValidVolume), (Domain, ValidDomain), (Clone, ValidClone), (Pool, ValidPool), (Network, ValidNetwork),
            (CloudInit, ValidSeed),
        })
        {
            Add("right-to-left override in name", type, (h, t) => valid(h, t).With(("name", t + "\u202Egpj.exe")), "name", InvisibleSays);
            Add("zero-width space in name", type, (h, t) => valid(h, t).With(("name", t + "\u200B")), "name", InvisibleSays);
        }
        HostilePoolCases();
        HostileVolumeCases();
        HostileNetworkCases();
        HostileDomainCases();
        Add("networkConfig version 3", CloudInit, (h, t) => ValidSeed(h, t).With(("networkConfig", "version: 3\n")), "networkConfig", "version 1 or 2");
        Add("networkConfig without version", CloudInit, (h, t) => ValidSeed(h, t).With(("networkConfig", "ethernets: {}\n")), "networkConfig", "no 'version'");
        Add("networkConfig version 3 under 'network'", CloudInit, (h, t) => ValidSeed(h, t).With(("networkConfig", "network:\n  version: 3\n")), "networkConfig", "version 1 or 2");
    }

    private static void HostilePoolCases()
    {
        Add("path /", Pool, (h, t) => ValidPool(h, t).With(("path", "/")), "path", "system folder");
        Add("path /etc", Pool, (h, t) => ValidPool(h, t).With(("path", "/etc")), "path", "system folder /etc");
        Add("path /sys", Pool, (h, t) => ValidPool(h, t).With(("path", "/sys")), "path", "system folder /sys");
        Add("path /dev", Pool, (h, t) => ValidPool(h, t).With(("path", "/dev")), "path", "system folder /dev");
        Add("path inside /etc", Pool, (h, t) => ValidPool(h, t).With(("path", "/etc/" + t)), "path", "system folder /etc");
        Add("path /var", Pool, (h, t) => ValidPool(h, t).With(("path", "/var/")), "path", "system folder");
        Add("path /tmp by '..'", Pool, (h, t) => ValidPool(h, t).With(("path", h.Files + "/..")), "path", "system folder");
        Add("path a link to /etc", Pool, (h, t) => ValidPool(h, t).With(("path", h.EtcLink)), "path", "resolves to '/etc'");
        Add("path inside a link to /etc", Pool, (h, t) => ValidPool(h, t).With(("path", h.EtcLink + "/" + t)), "path", "system folder /etc");
        Add("path with a newline", Pool, (h, t) => ValidPool(h, t).With(("path", Path.Combine(h.Files, t) + "\nx")), "path", ControlSays);
        Add("path inside another pool", Pool, (h, t) => ValidPool(h, t).With(("path", Path.Combine(h.Pool.Path, t))), "path", "inside the folder");
        Add("path above another pool", Pool, (h, t) => ValidPool(h, t).With(("path", h.OuterFolder)), "path", "above the folder");
    }

    private static void HostileVolumeCases()
    {
        static ObjectValue Url(BadInputHost h, string t, string url) => ValidVolume(h, t).With(("source", Props.Object(("url", url))));
        Add("source.file /dev/zero", Volume, (h, t) => ValidVolume(h, t).With(("source", Props.Object(("file", "/dev/zero")))), "source.file", "a character device, not a regular file");
        Add("source.file a folder", Volume, (h, t) => ValidVolume(h, t).With(("source", Props.Object(("file", "/etc")))), "source.file", "a folder, not a regular file");
        Add("source.hostPath /dev/zero", Volume, (h, t) => ValidVolume(h, t).With(("source", Props.Object(("hostPath", "/dev/zero")))), "source.hostPath", "a character device, not a regular file");
        Add("negative capacity", Volume, (h, t) => ValidVolume(h, t).With(("capacity", -5)), "capacity", "give the volume's size in bytes");
        Add("source.url with a newline", Volume, (h, t) => Url(h, t, "http://example.com/a.img\nHost: evil"), "source.url", ControlSays);
        Add("source.url with a tab", Volume, (h, t) => Url(h, t, "http://example.com/\ta.img"), "source.url", ControlSays);
        Add("source.url of 100000 characters", Volume, (h, t) => Url(h, t, "http://example.com/" + Long(100_000)), "source.url", "at most 8192");
        Add("sha256Url with a newline", Volume, (h, t) => ValidVolume(h, t).With(("source", Props.Object(("file", h.RawImage))), ("sha256Url", "http://example.com/SUMS\n")), "sha256Url", ControlSays);
        // The failure quotes the URL without its password.
        Add("source.url of ftp with a password", Volume, (h, t) => Url(h, t, "ftp://user:s3cretpw@example.com/a.img"), "source.url", "\"ftp://***@example.com/a.img\" is not an http");
    }

    private static ObjectValue Dhcp(BadInputHost h, string tag, ObjectValue dhcp) =>
        ValidNetwork(h, tag).With(("addresses", Props.Array("10.231.0.0/24")), ("dhcp", dhcp));

    private static void HostileNetworkCases()
    {
        Add("multicast subnet", Network, (h, t) => ValidNetwork(h, t).With(("addresses", Props.Array("224.0.0.0/24"))), "addresses[0]", "multicast");
        Add("loopback subnet", Network, (h, t) => ValidNetwork(h, t).With(("addresses", Props.Array("127.0.0.0/8"))), "addresses[0]", "loopback");
        Add("v4-mapped IPv6 subnet", Network, (h, t) => ValidNetwork(h, t).With(("addresses", Props.Array("::ffff:10.9.0.0/120"))), "addresses[0]", "IPv4-mapped");
        Add("IPv6 multicast subnet", Network, (h, t) => ValidNetwork(h, t).With(("addresses", Props.Array("ff05::/64"))), "addresses[0]", "multicast");
        Add("DHCP host on the gateway", Network, (h, t) => Dhcp(h, t, Props.Object(("hosts", Props.Array(Props.Object(("mac", "52:54:00:00:00:06"), ("ip", "10.231.0.1")))))), "dhcp.hosts[0].ip", "is the gateway");
        Add("DHCP range that includes the gateway", Network, (h, t) => Dhcp(h, t, Props.Object(("ranges", Props.Array(Props.Object(("start", "10.231.0.1"), ("end", "10.231.0.50")))))), "dhcp.ranges[0]", "includes the gateway");
    }

    /// <summary>The MAC address of the test network's bridge, as the host has it.</summary>
    private static string BridgeMac(BadInputHost h)
    {
        var bridge = h.Pool.Libvirt.DescribeAllNetworks().Single(n => n.Name == h.Network.Name).Bridge;
        return File.ReadAllText($"/sys/class/net/{bridge}/address").Trim();
    }

    private static void HostileDomainCases()
    {
        Add("MAC of the host's bridge", Domain, (h, t) => OneNic(h, t, ("network", h.Network.Name), ("mac", BridgeMac(h))), "networkInterfaces[0].mac", "host's interface");
        Add("MAC of the host's bridge in capitals", Domain, (h, t) => OneNic(h, t, ("network", h.Network.Name), ("mac", BridgeMac(h).ToUpperInvariant())), "networkInterfaces[0].mac", "host's interface");
        Add("MAC of the host's bridge for a clone", Clone, (h, t) => ValidClone(h, t).With(("macs", Props.Array(BridgeMac(h)))), "macs[0]", "host's interface");
        Add("graphics.listen not the host's", Domain, (h, t) => ValidDomain(h, t).With(("graphics", Props.Object(("type", "vnc"), ("listen", "8.8.8.8")))), "graphics.listen", "not an IP address of the host");
        Add("bridge that does not exist", Domain, (h, t) => OneNic(h, t, ("bridge", "nosuchbr0")), "networkInterfaces[0].bridge", "not a bridge on this host");
        Add("bridge that is no bridge", Domain, (h, t) => OneNic(h, t, ("bridge", "lo")), "networkInterfaces[0].bridge", "not a bridge on this host");
        Add("bridge by '..'", Domain, (h, t) => OneNic(h, t, ("bridge", "..")), "networkInterfaces[0].bridge", "not a bridge on this host");
        Add("the template's disk file", Domain, (h, t) => OneDisk(h, t, ("file", h.Template.SystemDisk)), "disks[0].file", "already a disk of domain");
        Add("the template's disk volume", Domain, (h, t) => OneDisk(h, t, ("volume", h.Template.DataDisk)), "disks[0].volume", "already a disk of domain");
    }
}
