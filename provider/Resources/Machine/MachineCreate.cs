using PulumiLibvirt.Libvirt;

namespace PulumiLibvirt.Resources;

/// <summary>
/// The end of a Domain's or a Clone's create, once its domain is defined: autostart, its fixed addresses on their
/// networks, the first start, the wait for addresses, then the owner mark without "unfinished" (the create is whole).
/// </summary>
internal static class MachineCreate
{
    /// <returns>What <paramref name="stateOf"/> makes of the domain as it is now, and why the wait for addresses
    /// failed, if it did.</returns>
    public static async Task<(TState State, string? WaitFailure)> FinishAsync<TState>(
        LibvirtDomain domain,
        bool autostart,
        bool running,
        IReadOnlyList<FixedHost> hosts,
        WaitForIpArgs? waitForIp,
        LibvirtContext context,
        Func<DomainDefinition, IReadOnlyList<NetworkInterfaceState>, TState> stateOf
    )
    {
        domain.Autostart = autostart;
        await HostReservations.AddBeforeStartAsync(context.Libvirt, domain, context, () =>
        {
            if (running)
                domain.Start();
        });
        var reading = await AddressWait.ReadAsync(domain, hosts, waitForIp, running, context);
        var state = stateOf(domain.Describe(), reading.Interfaces);
        domain.SetOwner(context.Urn);
        return (state, reading.Failure);
    }
}
