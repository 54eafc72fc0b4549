using System.Xml.Linq;

namespace PulumiLibvirt.Libvirt;

/// <summary>The connection's virtual networks: lookups, listings and definitions.</summary>
public sealed partial class Connection
{
    /// <summary>A network by UUID or by name.</summary>
    public LibvirtNetwork? FindNetwork(string uuidOrName) =>
        (
            Guid.TryParse(uuidOrName, out _)
                ? NullIfNotFound(() =>
                    new LibvirtNetwork(LibvirtCall.Check(Native.virNetworkLookupByUUIDString(_handle, uuidOrName)))
                )
                : null
        )
        ?? NullIfNotFound(() =>
            new LibvirtNetwork(LibvirtCall.Check(Native.virNetworkLookupByName(_handle, uuidOrName)))
        );

    /// <summary>Every network of the connection, defined or running.</summary>
    public IReadOnlyList<LibvirtNetwork> ListNetworks()
    {
        var count = LibvirtCall.Check(Native.virConnectListAllNetworks(_handle, out var array, 0));
        return LibvirtCall.TakeArray(count, array, n => new LibvirtNetwork(new NetworkHandle(n)));
    }

    /// <summary>
    /// Every network's persistent definition (a transient network's live one); networks that vanish while being read
    /// are left out.
    /// </summary>
    public IReadOnlyList<NetworkDefinition> DescribeAllNetworks()
    {
        var result = new List<NetworkDefinition>();
        foreach (var network in ListNetworks())
        {
            using (network)
            {
                var definition = NullIfNotFound(() => network.Describe());
                if (definition is not null)
                    result.Add(definition);
            }
        }
        return result;
    }

    /// <summary>
    /// Defines (or redefines, for the same name and UUID) a persistent network, validated against libvirt's schema.
    /// </summary>
    public LibvirtNetwork DefineNetwork(NetworkDefinition definition) =>
        new(
            LibvirtCall.Check(
                Native.virNetworkDefineXMLFlags(_handle, definition.ToXml(), Native.VIR_NETWORK_DEFINE_VALIDATE)
            )
        );

    /// <summary>
    /// Notes who manages a network (<see cref="DomainOwner"/>) in its persistent definition, leaving the rest as it is.
    /// </summary>
    public void SetOwner(LibvirtNetwork network, string owner)
    {
        var xml = XElement.Parse(network.Xml());
        DomainOwner.Set(xml, owner);
        using var _ = new LibvirtNetwork(
            LibvirtCall.Check(
                Native.virNetworkDefineXMLFlags(_handle, xml.ToString(), Native.VIR_NETWORK_DEFINE_VALIDATE)
            )
        );
    }

    /// <summary>Whether a libvirt network exists, and whether it runs.</summary>
    public (bool Exists, bool Active) NetworkStatus(string name)
    {
        try
        {
            using var network = LibvirtCall.Check(Native.virNetworkLookupByName(_handle, name));
            return (true, LibvirtCall.Check(Native.virNetworkIsActive(network)) == 1);
        }
        catch (LibvirtException e) when (e.IsNotFound)
        {
            return (false, false);
        }
    }
}
