using System.ComponentModel;
using PulumiLibvirt.Framework;
using PulumiLibvirt.Libvirt;

namespace PulumiLibvirt.Resources;

[Description(
    "A libvirt virtual network: a bridge with subnets, DHCP and DNS (dnsmasq), in mode nat, route, open or isolated; "
        + "or a network on an existing host bridge (mode bridge). Static DHCP and DNS hosts change on the running "
        + "network without restarting it; other changes redefine and restart it. The host's address in each subnet, "
        + "the guests' gateway, is the subnet's first address."
)]
public sealed class Network : LibvirtResource<NetworkArgs, NetworkState>
{
    public override string Token => "libvirt:index:Network";

    protected override async Task<Checked<NetworkArgs>> CheckAsync(
        NetworkArgs news,
        NetworkArgs? olds,
        PropertyMarks marks,
        LibvirtContext context
    )
    {
        var check = new NetworkCheck(context.CheckHost, marks, context.Urn, olds?.Name, Token);
        var inputs = check.Run(news);
        check.Failures.AddRange(HostReservationCheck.Network(context.CheckHost, marks, inputs));
        if (check.UncheckedWarning(inputs.Name ?? context.Urn) is { } warning)
            await context.WarnAsync(warning);
        // The detailed diff shows an update either way: the preview also says when the update is a restart.
        if (
            olds is not null
            && check.Failures.Count == 0
            && marks.Unknown.Count == 0
            && olds.Name == inputs.Name
            && olds.Running
            && inputs.Running
            && !NetworkUpdate.IsLive(olds, inputs)
        )
        {
            var changed = ChangedInputs(olds, inputs).Except(["autostart", "running"]);
            await context.WarnAsync(
                $"Network '{inputs.Name}': the change to {string.Join(", ", changed)} cannot be made live, so the "
                    + "update redefines and restarts the network (running guests lose their link while it restarts). "
                    + "Only static DHCP and DNS hosts change without a restart."
            );
        }
        return new Checked<NetworkArgs>(inputs, check.Failures);
    }

    // The replacement (a new name) would need the old one's subnets and bridge: the old network goes first.
    protected override bool DeleteBeforeReplace(Replacement<NetworkArgs, NetworkState> replacement) => true;

    protected override async Task<(string Id, NetworkState State)> CreateAsync(
        NetworkArgs inputs,
        LibvirtContext context
    )
    {
        var libvirt = context.Libvirt;
        using (var existing = libvirt.FindNetwork(inputs.Name!))
        {
            if (existing is not null)
                throw new ProviderException(
                    ErrorKind.FailedPrecondition,
                    NameTaken.Reason("network", inputs.Name!, $"on {libvirt.Uri}", Token, existing.Uuid)
                );
        }
        using var network = libvirt.DefineNetwork(NetworkMapping.Definition(inputs, context.Urn));
        try
        {
            network.Autostart = inputs.Autostart;
            if (inputs.Running)
                network.Start();
        }
        catch (Exception failure)
        {
            // A network that cannot start is not left defined behind the engine's back.
            network.Undefine();
            throw AfterRollback(failure, context);
        }
        var state = StateOf(network);
        await context.InfoAsync(
            $"Network '{inputs.Name}' defined{(inputs.Running ? " and started" : "")} on bridge {state.Bridge}."
        );
        return (state.Uuid, state);
    }

    protected override Task<(string Id, NetworkArgs Inputs, NetworkState State)?> ReadAsync(
        string id,
        NetworkArgs? inputs,
        NetworkState? oldState,
        LibvirtContext context
    )
    {
        var libvirt = context.Libvirt;
        using var network = libvirt.FindNetwork(id);
        if (network is null)
            return Task.FromResult<(string, NetworkArgs, NetworkState)?>(null);
        // The entries machines added for their fixed addresses are theirs, not this resource's.
        var definition = HostReservations.WithoutMachines(network.Describe(), libvirt);
        // An imported network is marked as the resource's own, so that a replacement's Check knows its subnets.
        if (definition.Owner is null)
            libvirt.SetOwner(network, context.Urn);
        // What can drift outside Pulumi is read back into the inputs, so that the next preview proposes to undo it.
        var read = NetworkMapping.Inputs(definition, network.IsActive, network.Autostart);
        // A bridge left to libvirt stays left to it.
        if (inputs is { Bridge: null } && read.Mode != NetworkMode.Bridge)
            read = read with { Bridge = null };
        var state = StateOf(network.Uuid, definition);
        return Task.FromResult<(string, NetworkArgs, NetworkState)?>((state.Uuid, read, state));
    }

    protected override async Task<NetworkState> UpdateAsync(
        string id,
        NetworkArgs olds,
        NetworkArgs news,
        NetworkState state,
        LibvirtContext context
    )
    {
        var libvirt = context.Libvirt;
        using var network = libvirt.FindNetwork(id) ?? throw NoLongerExists(id);
        if (NetworkUpdate.IsLive(olds, news))
        {
            var changes = NetworkUpdate.ApplyHosts(network, olds, news);
            if (changes > 0)
                await context.InfoAsync(
                    $"Network '{news.Name}': {changes} static host change(s) applied "
                        + $"{(network.IsActive ? "to the running network, without a restart" : "to its definition")}."
                );
        }
        else
        {
            using (
                libvirt.DefineNetwork(
                    HostReservations.WithMachines(
                        NetworkMapping.Definition(news, context.Urn, network.Describe()),
                        libvirt
                    )
                )
            ) { }
            var changed = ChangedInputs(olds, news).Except(["autostart", "running"]).ToList();
            if (network.IsActive && news.Running)
                await NetworkUpdate.RestartAsync(network, libvirt, changed, context);
        }
        if (network.Autostart != news.Autostart)
            network.Autostart = news.Autostart;
        if (news.Running && !network.IsActive)
            network.Start();
        if (!news.Running && network.IsActive)
        {
            var attached = NetworkUpdate
                .AttachedTaps(libvirt, news.Name!)
                .Select(a => $"'{a.Domain}'")
                .Distinct()
                .ToList();
            if (attached.Count > 0)
                await context.WarnAsync(
                    $"Network '{news.Name}' stops (running: false): the running domains "
                        + $"{string.Join(", ", attached)} lose their connectivity."
                );
            network.Destroy();
        }
        return StateOf(network);
    }

    protected override Task DeleteAsync(string id, NetworkArgs inputs, NetworkState state, LibvirtContext context)
    {
        var libvirt = context.Libvirt;
        using var network = libvirt.FindNetwork(id);
        if (network is null)
            return Task.CompletedTask;
        var name = network.Name;
        var users = libvirt
            .DescribeAllDomains()
            .Where(d => d.Interfaces.Any(i => i.Network == name))
            .Select(d => $"'{d.Name}'")
            .Distinct()
            .ToList();
        if (users.Count > 0)
            throw new ProviderException(
                ErrorKind.FailedPrecondition,
                $"Network '{name}' is used by domain {string.Join(", ", users)}: deleting it would cut them off. "
                    + "Delete those domains or move their interfaces to another network first."
            );
        if (network.IsActive)
            network.Destroy();
        network.Undefine();
        return Task.CompletedTask;
    }

    private static NetworkState StateOf(LibvirtNetwork network) => StateOf(network.Uuid, network.Describe());

    /// <param name="definition">The network's persistent definition, as just read.</param>
    internal static NetworkState StateOf(string uuid, NetworkDefinition definition) =>
        new()
        {
            Uuid = uuid,
            Name = definition.Name,
            Bridge = definition.Bridge ?? "",
            Addresses = NetworkMapping.Addresses(definition),
            Gateways = definition.Ips.Select(ip => ip.Address.ToString()).ToList(),
        };
}
