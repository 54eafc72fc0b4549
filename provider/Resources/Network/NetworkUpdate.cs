using System.Net;
using PulumiLibvirt.Guestfs;
using PulumiLibvirt.Libvirt;

namespace PulumiLibvirt.Resources;

/// <summary>
/// How a change reaches an existing network. Static DHCP and DNS hosts change in place (virNetworkUpdate: the running
/// network and its definition, dnsmasq reloaded, no restart, guests keep their link and leases). Anything else
/// redefines the network and, when it runs, restarts it: the bridge goes away and comes back, and libvirt 9.0 does not
/// put the tap devices of running guests back on it, so this class does (locally) or says which guests lost their link.
/// </summary>
internal static class NetworkUpdate
{
    /// <summary>Whether only static hosts, autostart and running differ: the change needs no redefinition.</summary>
    public static bool IsLive(NetworkArgs olds, NetworkArgs news) =>
        NetworkMapping.Same(WithoutLiveParts(olds), WithoutLiveParts(news));

    private static NetworkArgs WithoutLiveParts(NetworkArgs args) =>
        args with
        {
            Dhcp = (args.Dhcp ?? new NetworkDhcpArgs()) with { Hosts = [] },
            Dns = (args.Dns ?? new NetworkDnsArgs()) with { Hosts = [] },
            Autostart = false,
            Running = false,
        };

    /// <summary>
    /// Applies the changes of static DHCP and DNS hosts with virNetworkUpdate; answers how many changes were made.
    /// </summary>
    public static int ApplyHosts(LibvirtNetwork network, NetworkArgs olds, NetworkArgs news)
    {
        var subnets = news.Addresses.Select(a => NetworkAddresses.ParseCidr(a)!.Value).ToList();
        int SubnetOf(DhcpHostArgs host) => subnets.FindIndex(s => s.Contains(IPAddress.Parse(host.Ip)));
        var count = 0;

        // libvirt finds a DHCP host by its MAC (IPv6: its name), so a host whose MAC stays is modified.
        static string KeyOf(DhcpHostArgs host) => host.Mac ?? host.Hostname ?? host.Ip;
        var (oldHosts, newHosts) = (olds.Dhcp?.Hosts ?? [], news.Dhcp?.Hosts ?? []);
        foreach (var gone in oldHosts.Where(o => newHosts.All(n => KeyOf(n) != KeyOf(o))))
            Apply(
                NetworkSection.IpDhcpHost,
                NetworkUpdateCommand.Delete,
                NetworkMapping.DhcpHost(gone).ToXml().ToString(),
                SubnetOf(gone)
            );
        foreach (var changed in newHosts.Where(n => oldHosts.Any(o => KeyOf(o) == KeyOf(n) && o != n)))
            Apply(
                NetworkSection.IpDhcpHost,
                NetworkUpdateCommand.Modify,
                NetworkMapping.DhcpHost(changed).ToXml().ToString(),
                SubnetOf(changed)
            );
        foreach (var added in newHosts.Where(n => oldHosts.All(o => KeyOf(o) != KeyOf(n))))
            Apply(
                NetworkSection.IpDhcpHost,
                NetworkUpdateCommand.AddLast,
                NetworkMapping.DhcpHost(added).ToXml().ToString(),
                SubnetOf(added)
            );

        // libvirt cannot modify a DNS host: a changed one is deleted and added again.
        var (oldNames, newNames) = (olds.Dns?.Hosts ?? [], news.Dns?.Hosts ?? []);
        foreach (var gone in oldNames.Where(o => !newNames.Any(n => NetworkMapping.Same(n, o))))
            Apply(
                NetworkSection.DnsHost,
                NetworkUpdateCommand.Delete,
                NetworkMapping.DnsHost(gone).ToXml().ToString(),
                -1
            );
        foreach (var added in newNames.Where(n => !oldNames.Any(o => NetworkMapping.Same(n, o))))
            Apply(
                NetworkSection.DnsHost,
                NetworkUpdateCommand.AddLast,
                NetworkMapping.DnsHost(added).ToXml().ToString(),
                -1
            );
        return count;

        void Apply(NetworkSection section, NetworkUpdateCommand command, string xml, int parentIndex)
        {
            network.Update(section, command, xml, parentIndex);
            count++;
        }
    }

    /// <summary>The running domains with an interface on the network, with those interfaces' tap devices.</summary>
    public static List<(string Domain, string? Tap)> AttachedTaps(Connection libvirt, string network)
    {
        var attached = new List<(string, string?)>();
        foreach (var domain in libvirt.ListDomains())
        {
            using (domain)
            {
                // A domain that stops or vanishes meanwhile is not attached.
                try
                {
                    if (!domain.IsActive)
                        continue;
                    var live = domain.Describe(persistent: false);
                    attached.AddRange(live.Interfaces.Where(i => i.Network == network).Select(i => (live.Name, i.Tap)));
                }
                catch (LibvirtException e) when (e.IsNotFound || e.Category == LibvirtErrorCategory.Conflict) { }
            }
        }
        return attached;
    }

    /// <summary>
    /// Stops and starts the network so that its new definition applies, then puts the running guests' taps back on
    /// its bridge: libvirt 9.0 leaves them detached (the guest keeps its link up but reaches nothing). Only a local
    /// host's devices can be reached (`ip link set TAP master BRIDGE`, needing CAP_NET_ADMIN); otherwise the log names
    /// the guests to restart.
    /// </summary>
    public static async Task RestartAsync(
        LibvirtNetwork network,
        Connection libvirt,
        IReadOnlyCollection<string> changed,
        LibvirtContext context
    )
    {
        var name = network.Name;
        var attached = AttachedTaps(libvirt, name);
        var domains = string.Join(", ", attached.Select(a => $"'{a.Domain}'").Distinct());
        await context.InfoAsync(
            $"Network '{name}' restarts for the change to {string.Join(", ", changed)}; "
                + (
                    attached.Count == 0
                        ? "no running domain is attached to it."
                        : $"running domains attached to it: {domains}."
                )
        );
        network.Destroy();
        network.Start();
        if (attached.Count == 0)
            return;

        var bridge = network.Describe(persistent: false).Bridge!;
        var ip = libvirt.IsLocal ? HostTool.Find("ip") : null;
        var lost = new List<string>();
        foreach (var (domain, tap) in attached)
        {
            try
            {
                if (ip is null || tap is null)
                    throw new HostToolException(
                        libvirt.IsLocal ? "no `ip` tool on this host" : $"{libvirt.Uri} is remote"
                    );
                await HostTool.RunAsync(
                    ip,
                    ["link", "set", "dev", tap, "master", bridge],
                    new Dictionary<string, string>(),
                    _ => Task.CompletedTask,
                    context.Cancellation
                );
            }
            catch (HostToolException e)
            {
                lost.Add($"'{domain}' ({tap}: {e.Message})");
            }
        }
        if (lost.Count == 0)
            await context.InfoAsync(
                $"Network '{name}': the taps of {domains} are attached to the new bridge {bridge} again (libvirt "
                    + "does not do it on a restart)."
            );
        else
            await context.WarnAsync(
                $"Network '{name}' restarted, and libvirt does not re-attach running guests to its bridge {bridge}: "
                    + $"{string.Join(", ", lost)} lost their connectivity. Restart those domains, or run `ip link set "
                    + $"<tap> master {bridge}` on the host."
            );
    }
}
