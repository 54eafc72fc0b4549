using System.Security.Cryptography;
using System.Text.RegularExpressions;
using PulumiLibvirt.Libvirt;

namespace PulumiLibvirt.Resources;

/// <summary>
/// MAC addresses for virtual machines: random ones in QEMU's prefix 52:54:00 that no domain of the connection uses.
/// </summary>
public static partial class MacAddresses
{
    /// <summary>
    /// Every address this process has given a new interface. A MAC is chosen against the domains the host has (the
    /// connection's index) and this set, under <see cref="Gate"/>: resources created in parallel never pick the same
    /// address, while their domains are defined concurrently. Kept for the process's life (a few bytes a machine), as a
    /// domain being defined meanwhile may not be in the index yet.
    /// </summary>
    private static readonly HashSet<string> Given = new(StringComparer.Ordinal);

    private static readonly Lock Gate = new();

    [GeneratedRegex("^[0-9a-f]{2}(:[0-9a-f]{2}){5}\\z", RegexOptions.IgnoreCase)]
    private static partial Regex Format();

    /// <summary>What is wrong with <paramref name="mac"/> as a guest's address, or null.</summary>
    public static string? Problem(string mac)
    {
        if (!Format().IsMatch(mac))
            return $"\"{mac}\" is not a MAC address; write six hexadecimal pairs separated by colons, e.g. "
                + "52:54:00:12:34:56.";
        // The lowest bit of the first octet marks a multicast (group) address, which no NIC may have.
        if ((Convert.ToByte(mac[..2], 16) & 1) == 1)
            return $"\"{mac}\" is a multicast address; a network interface needs a unicast one (first octet even, "
                + "e.g. 52:54:00:…).";
        return mac == "00:00:00:00:00:00"
            ? $"\"{mac}\" is the null address, which no network interface may have; leave the MAC out to get a free "
                + "one."
            : null;
    }

    public static string Normalize(string mac) => mac.ToLowerInvariant();

    /// <summary>
    /// The MACs of every domain of the connection, except those of the resource's <paramref name="own"/> domain.
    /// </summary>
    public static HashSet<string> InUse(Connection libvirt, OwnDomain? own = null) =>
        InUse(libvirt.IndexedDomains(), own);

    /// <summary>The MACs of <paramref name="domains"/>, except those of the <paramref name="own"/> domain.</summary>
    public static HashSet<string> InUse(IEnumerable<DomainDefinition> domains, OwnDomain? own = null) =>
        domains
            .Where(d => own is null || !own.Owns(d))
            .SelectMany(d => d.Interfaces)
            .Where(i => i.Mac is not null)
            .Select(i => Normalize(i.Mac!))
            .ToHashSet();

    /// <summary>
    /// The interface of this machine that has <paramref name="mac"/> (normalized), or null. libvirt gives each
    /// network's bridge a 52:54:00 address, which a guest could otherwise be given, taking the host's traffic.
    /// </summary>
    public static string? HostInterfaceWith(string mac)
    {
        if (!Directory.Exists("/sys/class/net"))
            return null;
        foreach (var device in Directory.EnumerateDirectories("/sys/class/net"))
        {
            var address = Path.Combine(device, "address");
            if (File.Exists(address) && File.ReadAllText(address).Trim() == mac)
                return Path.GetFileName(device);
        }
        return null;
    }

    /// <summary>A random address in QEMU's range 52:54:00, lower case as libvirt writes it.</summary>
    public static string NewRandom() =>
        "52:54:00:" + string.Join(":", Enumerable.Range(0, 3).Select(_ => RandomNumberGenerator.GetHexString(2, true)));

    /// <summary>
    /// A new random address neither in <paramref name="used"/> nor given before by this process; it is added to both.
    /// </summary>
    public static string NewUnique(ISet<string> used)
    {
        lock (Gate)
        {
            while (true)
            {
                var mac = NewRandom();
                if (!Given.Contains(mac) && used.Add(mac))
                {
                    Given.Add(mac);
                    return mac;
                }
            }
        }
    }
}
