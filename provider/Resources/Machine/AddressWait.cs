using System.Globalization;
using PulumiLibvirt.Framework;
using PulumiLibvirt.Libvirt;

namespace PulumiLibvirt.Resources;

/// <summary>The interfaces as last read, and why the wait for their addresses failed (null when it did not).</summary>
public sealed record AddressReading(IReadOnlyList<NetworkInterfaceState> Interfaces, string? Failure);

/// <summary>
/// waitForIp: polls a starting machine's addresses until each interface waited for has one
/// (<see cref="MachineAddresses.Missing"/>), telling the engine how long it has waited. A machine that gets none in
/// time is not undone: the caller reports it as made but not initialised, and the next `pulumi up` waits again.
/// </summary>
public static class AddressWait
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1.5);
    private static readonly TimeSpan LogInterval = TimeSpan.FromSeconds(10);

    /// <summary>
    /// What is wrong with <paramref name="wait"/> for a machine with these interfaces, as (property, message).
    /// </summary>
    /// <param name="agent">Whether the machine has the guest agent's channel; null when not known yet.</param>
    public static IEnumerable<(string Property, string Message)> Problems(
        WaitForIpArgs wait,
        int interfaces,
        bool onNetwork,
        bool? agent
    )
    {
        if (wait.Timeout <= 0)
            yield return (
                "waitForIp.timeout",
                $"'waitForIp.timeout' is {wait.Timeout}; give the seconds to wait for an address, more than 0 "
                    + "(default 300)."
            );
        if (interfaces == 0)
            yield return (
                "waitForIp",
                "'waitForIp' needs a network interface to wait for; add one, or leave 'waitForIp' out."
            );
        else if (wait.Source == AddressSource.Lease && !onNetwork)
            yield return (
                "waitForIp.source",
                "'waitForIp.source' is lease, but no interface is on a libvirt network, whose DHCP leases it reads; "
                    + "use agent, arp or any."
            );
        if (wait.Source == AddressSource.Agent && agent == false)
            yield return (
                "waitForIp.source",
                "'waitForIp.source' is agent, but the machine has no guest agent channel; set 'qemuAgent: true' (and "
                    + "run qemu-guest-agent in the guest), or use another source."
            );
    }

    /// <summary>
    /// Whether an update waits: when it started the machine, or when the addresses recorded last time were incomplete
    /// (a create or update whose wait timed out, which the engine retries with the same inputs).
    /// </summary>
    public static bool NeededOnUpdate(
        WaitForIpArgs? wait,
        bool running,
        bool started,
        IReadOnlyList<NetworkInterfaceState> recorded
    ) => wait is not null && running && (started || MachineAddresses.Missing(recorded, wait.Source).Count > 0);

    /// <summary>
    /// The machine's interfaces with their addresses: waited for when <paramref name="mustWait"/> (and
    /// <paramref name="wait"/>
    /// is given), else read once with the source <paramref name="wait"/> names.
    /// </summary>
    public static async Task<AddressReading> ReadAsync(
        LibvirtDomain domain,
        IReadOnlyList<FixedHost> hosts,
        WaitForIpArgs? wait,
        bool mustWait,
        ResourceContext context
    )
    {
        var source = wait?.Source ?? AddressSource.Any;
        var definition = domain.Describe();
        var interfaces = MachineAddresses.Read(domain, definition, hosts, source);
        if (wait is null || !mustWait)
            return new AddressReading(interfaces, null);

        var started = DateTime.UtcNow;
        var nextLog = started;
        while (MachineAddresses.Missing(interfaces, source) is { Count: > 0 } missing)
        {
            var waited = DateTime.UtcNow - started;
            var what = $"{Describe(interfaces, missing)} of '{definition.Name}'";
            if (!domain.IsActive)
                return new AddressReading(
                    interfaces,
                    $"waitForIp: '{definition.Name}' stopped before {what} had an address. It is kept and recorded; "
                        + "the next `pulumi up` starts it and waits again."
                );
            if (waited.TotalSeconds >= wait.Timeout)
                return new AddressReading(
                    interfaces,
                    $"waitForIp: no address on {what} within {wait.Timeout} s (source: {LibvirtNames.Of(source)}). "
                        + "The machine is kept and recorded; the next `pulumi up` waits again. Check that the guest "
                        + "brings its network up (DHCP on a libvirt network), or raise 'waitForIp.timeout'."
                );
            if (DateTime.UtcNow >= nextLog)
            {
                await context.InfoAsync(
                    $"Waiting for an address on {what}: "
                        + $"{waited.TotalSeconds.ToString("0", CultureInfo.InvariantCulture)} s of {wait.Timeout}."
                );
                nextLog += LogInterval;
            }
            await Task.Delay(PollInterval, context.Cancellation);
            interfaces = MachineAddresses.Read(domain, definition, hosts, source);
        }
        return new AddressReading(interfaces, null);
    }

    // Interfaces differ by MAC, so a record's index is its position.
    private static string Describe(
        IReadOnlyList<NetworkInterfaceState> all,
        IReadOnlyList<NetworkInterfaceState> missing
    ) =>
        string.Join(
            ", ",
            missing.Select(nic =>
                $"networkInterfaces[{all.ToList().IndexOf(nic)}] "
                + $"({(nic.Network is { } network ? $"network {network}" : $"bridge {nic.Bridge}")}, MAC {nic.Mac})"
            )
        );
}
