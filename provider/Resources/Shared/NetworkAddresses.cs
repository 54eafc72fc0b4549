using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Numerics;
using PulumiLibvirt.Libvirt;

namespace PulumiLibvirt.Resources;

/// <summary>
/// Subnet arithmetic for networks: CIDRs, gateways, default DHCP ranges, overlaps, and this machine's routes.
/// </summary>
internal static class NetworkAddresses
{
    /// <summary>A CIDR with its host bits cleared (10.1.2.5/24 is 10.1.2.0/24); null when it is not one.</summary>
    public static IPNetwork? ParseCidr(string text)
    {
        var parts = text.Split('/');
        if (
            parts.Length != 2
            || !IPAddress.TryParse(parts[0], out var address)
            || parts[0].Contains('%')
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var prefix)
            || prefix > Bits(address)
        )
            return null;
        var hostBits = Bits(address) - prefix;
        var network = ToNumber(address) >> hostBits << hostBits;
        return new IPNetwork(FromNumber(network, address.AddressFamily), prefix);
    }

    /// <summary>The subnet a libvirt network's address (its gateway) and prefix make.</summary>
    public static IPNetwork SubnetOf(NetworkIp ip) => ParseCidr($"{ip.Address}/{ip.Prefix}")!.Value;

    /// <summary>The host's address on the bridge: the subnet's first address.</summary>
    public static IPAddress Gateway(IPNetwork subnet) => Offset(subnet.BaseAddress, 1);

    /// <summary>
    /// Each DHCP subnet minus the gateway; an IPv6 /64 from ::2 to ::ffff (libvirt counts a range in 32 bits); null for
    /// other IPv6 prefixes.
    /// </summary>
    public static (string Start, string End)? DefaultRange(IPNetwork subnet)
    {
        var start = Offset(subnet.BaseAddress, 2);
        if (subnet.BaseAddress.AddressFamily == AddressFamily.InterNetworkV6)
            return subnet.PrefixLength == 64 ? (start.ToString(), Offset(subnet.BaseAddress, 0xffff).ToString()) : null;
        var broadcast = Offset(subnet.BaseAddress, (BigInteger.One << (32 - subnet.PrefixLength)) - 1);
        return (start.ToString(), Offset(broadcast, -1).ToString());
    }

    public static bool IsIpv6(IPNetwork subnet) => subnet.BaseAddress.AddressFamily == AddressFamily.InterNetworkV6;

    /// <summary>
    /// Whether two subnets share an address: their addresses agree in the shorter prefix. Compared by bytes, because
    /// IPNetwork.Contains treats IPv4-mapped IPv6 addresses as IPv4 ones (so ::ffff:0:0/96 would not hold them).
    /// </summary>
    public static bool Overlap(IPNetwork a, IPNetwork b)
    {
        if (a.BaseAddress.AddressFamily != b.BaseAddress.AddressFamily)
            return false;
        var hostBits = a.BaseAddress.GetAddressBytes().Length * 8 - Math.Min(a.PrefixLength, b.PrefixLength);
        return ToNumber(a.BaseAddress) >> hostBits == ToNumber(b.BaseAddress) >> hostBits;
    }

    public static int Compare(IPAddress a, IPAddress b) => ToNumber(a).CompareTo(ToNumber(b));

    public static IPAddress Offset(IPAddress address, BigInteger by) =>
        FromNumber(ToNumber(address) + by, address.AddressFamily);

    /// <summary>
    /// This machine's routes (IPv4 and IPv6, main table, from /proc), as subnets with the device they go through.
    /// Default routes are left out: they overlap everything.
    /// </summary>
    public static IEnumerable<(IPNetwork Subnet, string Device)> HostRoutes()
    {
        foreach (var line in File.ReadLines("/proc/net/route").Skip(1))
        {
            var f = line.Split('\t', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (f.Length < 8)
                continue;
            // Destination and mask are hexadecimal in the host's (little-endian) byte order.
            var destination = new IPAddress(uint.Parse(f[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture));
            var prefix = BitOperations.PopCount(uint.Parse(f[7], NumberStyles.HexNumber, CultureInfo.InvariantCulture));
            if (prefix > 0)
                yield return (new IPNetwork(destination, prefix), f[0]);
        }
        foreach (var line in File.ReadLines("/proc/net/ipv6_route"))
        {
            var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (f.Length < 10)
                continue;
            var destination = new IPAddress(Convert.FromHexString(f[0]));
            var prefix = int.Parse(f[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            if (prefix > 0 && f[9] != "lo")
                yield return (new IPNetwork(destination, prefix), f[9]);
        }
    }

    private static int Bits(IPAddress address) => address.AddressFamily == AddressFamily.InterNetworkV6 ? 128 : 32;

    private static BigInteger ToNumber(IPAddress address) =>
        new(address.GetAddressBytes(), isUnsigned: true, isBigEndian: true);

    private static IPAddress FromNumber(BigInteger number, AddressFamily family)
    {
        var size = family == AddressFamily.InterNetworkV6 ? 16 : 4;
        var bytes = number.ToByteArray(isUnsigned: true, isBigEndian: true);
        var padded = new byte[size];
        bytes.AsSpan(Math.Max(0, bytes.Length - size)).CopyTo(padded.AsSpan(Math.Max(0, size - bytes.Length)));
        return new IPAddress(padded);
    }
}
