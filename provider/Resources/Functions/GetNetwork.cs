using System.ComponentModel;
using PulumiLibvirt.Framework;

namespace PulumiLibvirt.Resources;

public sealed record GetNetworkArgs
{
    [Description("The network's name or UUID.")]
    public required string Name { get; init; }
}

/// <summary>An existing network, in the terms of the Network resource's inputs and outputs.</summary>
public sealed record GetNetworkResult
{
    [Description("The network's UUID.")]
    public string Uuid { get; init; } = "";

    [Description("The network's name: what a domain interface's 'network' takes.")]
    public string Name { get; init; } = "";

    [Description(
        "How guests reach beyond the network: nat, route, open, isolated, or bridge (an existing host bridge)."
    )]
    public NetworkMode Mode { get; init; }

    [Description("The bridge device guests are attached to (empty for a network that never ran and names none).")]
    public string Bridge { get; init; } = "";

    [Description("The DNS domain the network's dnsmasq answers for, if any.")]
    public string? Domain { get; init; }

    [Description("The subnets, as normalized CIDRs.")]
    public IReadOnlyList<string> Addresses { get; init; } = [];

    [Description("The host's address in each subnet, the guests' gateway, in the order of 'addresses'.")]
    public IReadOnlyList<string> Gateways { get; init; } = [];

    [Description("DHCP as the network serves it: none when it is on with its default ranges and no static hosts.")]
    public NetworkDhcpArgs? Dhcp { get; init; }

    [Description("DNS as the network serves it: none when it is on with no hosts and no forwarders.")]
    public NetworkDnsArgs? Dns { get; init; }

    [Description("The bridge's MTU, when the network sets one.")]
    public int? Mtu { get; init; }

    [Description("Whether the network is started: only guests of an active network can start.")]
    public bool Active { get; init; }

    [Description("Whether libvirtd starts the network when it starts.")]
    public bool Autostart { get; init; }
}

[Description(
    "An existing libvirt network (the default network, one made by hand…), found by name or UUID, to attach machines "
        + "to without importing it."
)]
public sealed class GetNetwork : LibvirtFunction<GetNetworkArgs, GetNetworkResult>
{
    public override string Token => "libvirt:index:getNetwork";

    protected override IReadOnlyList<CheckFailure> Check(GetNetworkArgs args) => NameLength("name", args.Name);

    protected override Task<GetNetworkResult> InvokeAsync(GetNetworkArgs args, LibvirtContext context)
    {
        var libvirt = context.Libvirt;
        using var network = libvirt.FindNetwork(args.Name)
            ?? throw new ProviderException(
                ErrorKind.NotFound,
                $"No network named or with UUID '{args.Name}' on {libvirt.Uri}. `virsh -c {libvirt.Uri} net-list "
                    + "--all` shows the networks there."
            );
        var definition = network.Describe();
        var described = NetworkMapping.Inputs(definition, network.IsActive, network.Autostart);
        var state = Network.StateOf(network.Uuid, definition);
        return Task.FromResult(
            new GetNetworkResult
            {
                Uuid = state.Uuid,
                Name = state.Name,
                Mode = described.Mode,
                Bridge = state.Bridge,
                Domain = described.Domain,
                Addresses = state.Addresses,
                Gateways = state.Gateways,
                Dhcp = described.Dhcp,
                Dns = described.Dns,
                Mtu = described.Mtu,
                Active = described.Running,
                Autostart = described.Autostart,
            }
        );
    }
}
