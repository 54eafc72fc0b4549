using PulumiLibvirt.Framework;
using PulumiLibvirt.Tests.Support;

namespace PulumiLibvirt.Tests;

/// <summary>The hostile inputs of issue 27: each was accepted (or refused with the wrong words) before.</summary>
public static partial class BadInputCases
{
    private const string InvisibleSays = "invisible formatting character";

    private static void HostileCases()
    {
        foreach (
            var (type, valid) in new (string, Func<BadInputHost, string, ObjectValue>)[]
            {
                (Volume, ValidVolume),
                (Domain, ValidDomain),
                (Clone, ValidClone),
                (Pool, ValidPool),
                (Network, ValidNetwork),
                (CloudInit, ValidSeed),
            }
        )
        {
            Add(
                "right-to-left override in name",
                type,
                (h, t) => valid(h, t).With(("name", t + "\u202Egpj.exe")),
                "name",
                InvisibleSays
            );
            Add(
                "zero-width space in name",
                type,
                (h, t) => valid(h, t).With(("name", t + "\u200B")),
                "name",
                InvisibleSays
            );
        }
        HostilePoolCases();
        HostileVolumeCases();
        HostileNetworkCases();
        HostileDomainCases();
        HostileSeedCases();
    }

    private static void HostilePoolCases()
    {
        static Func<BadInputHost, string, ObjectValue> At(Func<BadInputHost, string, string> path) =>
            (h, t) => ValidPool(h, t).With(("path", path(h, t)));
        Add("path /", Pool, At((_, _) => "/"), "path", "system folder");
        Add("path /etc", Pool, At((_, _) => "/etc"), "path", "system folder /etc");
        Add("path /sys", Pool, At((_, _) => "/sys"), "path", "system folder /sys");
        Add("path /dev", Pool, At((_, _) => "/dev"), "path", "system folder /dev");
        Add("path inside /etc", Pool, At((_, t) => "/etc/" + t), "path", "system folder /etc");
        Add("path /var", Pool, At((_, _) => "/var/"), "path", "system folder");
        Add("path /tmp by '..'", Pool, At((h, _) => h.Files + "/.."), "path", "system folder");
        Add("path a link to /etc", Pool, At((h, _) => h.EtcLink), "path", "resolves to '/etc'");
        Add("path inside a link to /etc", Pool, At((h, t) => h.EtcLink + "/" + t), "path", "system folder /etc");
        Add("path with a newline", Pool, At((h, t) => Path.Combine(h.Files, t) + "\nx"), "path", ControlSays);
        Add("path inside another pool", Pool, At((h, t) => Path.Combine(h.Pool.Path, t)), "path", "inside the folder");
        Add("path above another pool", Pool, At((h, _) => h.OuterFolder), "path", "above the folder");
    }

    private static void HostileVolumeCases()
    {
        static Func<BadInputHost, string, ObjectValue> Source(string key, string value) =>
            (h, t) => ValidVolume(h, t).With(("source", Props.Object((key, value))));
        static Func<BadInputHost, string, ObjectValue> SumsAt(string url) =>
            (h, t) => ValidVolume(h, t).With(("source", Props.Object(("file", h.RawImage))), ("sha256Url", url));
        Add(
            "source.file /dev/zero",
            Volume,
            Source("file", "/dev/zero"),
            "source.file",
            "a character device, not a regular file"
        );
        Add("source.file a folder", Volume, Source("file", "/etc"), "source.file", "a folder, not a regular file");
        Add(
            "source.hostPath /dev/zero",
            Volume,
            Source("hostPath", "/dev/zero"),
            "source.hostPath",
            "a character device, not a regular file"
        );
        Add(
            "negative capacity",
            Volume,
            (h, t) => ValidVolume(h, t).With(("capacity", -5)),
            "capacity",
            "give the volume's size in bytes"
        );
        Add(
            "source.url with a newline",
            Volume,
            Source("url", "http://example.com/a.img\nHost: evil"),
            "source.url",
            ControlSays
        );
        Add("source.url with a tab", Volume, Source("url", "http://example.com/\ta.img"), "source.url", ControlSays);
        Add(
            "source.url of 100000 characters",
            Volume,
            Source("url", "http://example.com/" + Long(100_000)),
            "source.url",
            "at most 8192"
        );
        Add("sha256Url with a newline", Volume, SumsAt("http://example.com/SUMS\n"), "sha256Url", ControlSays);
        // The failure quotes the URL without its password.
        Add(
            "source.url of ftp with a password",
            Volume,
            Source("url", "ftp://user:s3cretpw@example.com/a.img"),
            "source.url",
            "\"ftp://***@example.com/a.img\" is not an http"
        );
    }

    private static void HostileNetworkCases()
    {
        static Func<BadInputHost, string, ObjectValue> Subnet(string cidr) =>
            (h, t) => ValidNetwork(h, t).With(("addresses", Props.Array(cidr)));
        static Func<BadInputHost, string, ObjectValue> Dhcp(params (string, object?)[] dhcp) =>
            (h, t) =>
                ValidNetwork(h, t).With(("addresses", Props.Array("10.231.0.0/24")), ("dhcp", Props.Object(dhcp)));
        Add("multicast subnet", Network, Subnet("224.0.0.0/24"), "addresses[0]", "multicast");
        Add("loopback subnet", Network, Subnet("127.0.0.0/8"), "addresses[0]", "loopback");
        Add("v4-mapped IPv6 subnet", Network, Subnet("::ffff:10.9.0.0/120"), "addresses[0]", "IPv4-mapped");
        Add("IPv6 multicast subnet", Network, Subnet("ff05::/64"), "addresses[0]", "multicast");
        Add(
            "DHCP host on the gateway",
            Network,
            Dhcp(("hosts", Props.Array(Props.Object(("mac", "52:54:00:00:00:06"), ("ip", "10.231.0.1"))))),
            "dhcp.hosts[0].ip",
            "is the gateway"
        );
        Add(
            "DHCP range that includes the gateway",
            Network,
            Dhcp(("ranges", Props.Array(Props.Object(("start", "10.231.0.1"), ("end", "10.231.0.50"))))),
            "dhcp.ranges[0]",
            "includes the gateway"
        );
    }

    private static void HostileDomainCases()
    {
        const string HostsMac = "host's interface";
        const string Nic0 = "networkInterfaces[0]";
        Add(
            "MAC of the host's bridge",
            Domain,
            (h, t) => OneNic(h, t, ("network", h.Network.Name), ("mac", h.BridgeMac)),
            $"{Nic0}.mac",
            HostsMac
        );
        Add(
            "MAC of the host's bridge in capitals",
            Domain,
            (h, t) => OneNic(h, t, ("network", h.Network.Name), ("mac", h.BridgeMac.ToUpperInvariant())),
            $"{Nic0}.mac",
            HostsMac
        );
        Add(
            "MAC of the host's bridge for a clone",
            Clone,
            (h, t) => ValidClone(h, t).With(("macs", Props.Array(h.BridgeMac))),
            "macs[0]",
            HostsMac
        );
        Add(
            "graphics.listen not the host's",
            Domain,
            (h, t) => ValidDomain(h, t).With(("graphics", Props.Object(("type", "vnc"), ("listen", "8.8.8.8")))),
            "graphics.listen",
            "not an IP address of the host"
        );
        const string NoBridge = "not a bridge on this host";
        Add(
            "bridge that does not exist",
            Domain,
            (h, t) => OneNic(h, t, ("bridge", "nosuchbr0")),
            $"{Nic0}.bridge",
            NoBridge
        );
        Add("bridge that is no bridge", Domain, (h, t) => OneNic(h, t, ("bridge", "lo")), $"{Nic0}.bridge", NoBridge);
        Add("bridge by '..'", Domain, (h, t) => OneNic(h, t, ("bridge", "..")), $"{Nic0}.bridge", NoBridge);
        Add(
            "the template's disk file",
            Domain,
            (h, t) => OneDisk(h, t, ("file", h.Template.SystemDisk)),
            "disks[0].file",
            "already a disk of domain"
        );
        Add(
            "the template's disk volume",
            Domain,
            (h, t) => OneDisk(h, t, ("volume", h.Template.DataDisk)),
            "disks[0].volume",
            "already a disk of domain"
        );
    }

    private static void HostileSeedCases()
    {
        static Func<BadInputHost, string, ObjectValue> Config(string yaml) =>
            (h, t) => ValidSeed(h, t).With(("networkConfig", yaml));
        Add("networkConfig version 3", CloudInit, Config("version: 3\n"), "networkConfig", "version 1 or 2");
        Add("networkConfig without version", CloudInit, Config("ethernets: {}\n"), "networkConfig", "no 'version'");
        Add(
            "networkConfig version 3 under 'network'",
            CloudInit,
            Config("network:\n  version: 3\n"),
            "networkConfig",
            "version 1 or 2"
        );
    }
}
