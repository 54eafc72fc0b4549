using System.Runtime.InteropServices;
using System.Text;

namespace PulumiLibvirt.Libvirt;

/// <summary>
/// The part of a network virNetworkUpdate changes (libvirt's virNetworkUpdateSection, the ones this provider uses).
/// </summary>
public enum NetworkSection
{
    IpDhcpHost = 4,
    DnsHost = 10,
}

/// <summary>What virNetworkUpdate does with the XML given (libvirt's virNetworkUpdateCommand).</summary>
public enum NetworkUpdateCommand
{
    Modify = 1,
    Delete = 2,
    AddLast = 3,
}

/// <summary>A DHCP lease dnsmasq handed out on a network, as libvirt reports it.</summary>
public sealed record NetworkLease(
    string Mac,
    string IpAddress,
    int Prefix,
    string? Hostname,
    DateTimeOffset Expires,
    string Interface
);

/// <summary>A libvirt virtual network.</summary>
public sealed class LibvirtNetwork : IDisposable
{
    private readonly NetworkHandle _handle;

    internal LibvirtNetwork(NetworkHandle handle) => _handle = handle;

    public unsafe string Uuid
    {
        get
        {
            var buffer = stackalloc byte[Native.VIR_UUID_STRING_BUFLEN];
            LibvirtCall.Check(Native.virNetworkGetUUIDString(_handle, buffer));
            return Encoding.ASCII.GetString(buffer, Native.VIR_UUID_STRING_BUFLEN - 1);
        }
    }

    public string Name => LibvirtCall.BorrowString(Native.virNetworkGetName(_handle));

    public bool IsActive => LibvirtCall.Check(Native.virNetworkIsActive(_handle)) == 1;

    public bool Autostart
    {
        get
        {
            LibvirtCall.Check(Native.virNetworkGetAutostart(_handle, out var autostart));
            return autostart != 0;
        }
        set => LibvirtCall.Check(Native.virNetworkSetAutostart(_handle, value ? 1 : 0));
    }

    /// <summary>The network's XML: the persistent definition (used at its next start), or what runs now.</summary>
    public string Xml(bool persistent = true) =>
        LibvirtCall.TakeString(Native.virNetworkGetXMLDesc(_handle, persistent ? Native.VIR_NETWORK_XML_INACTIVE : 0));

    public NetworkDefinition Describe(bool persistent = true) => NetworkDefinition.Parse(Xml(persistent));

    /// <summary>Starts the network: libvirt makes the bridge, its addresses, firewall rules and dnsmasq.</summary>
    public void Start() => LibvirtCall.Check(Native.virNetworkCreate(_handle));

    /// <summary>Stops the network: the bridge goes away, and with it the link of every guest on it.</summary>
    public void Destroy() => LibvirtCall.Check(Native.virNetworkDestroy(_handle));

    public void Undefine() => LibvirtCall.Check(Native.virNetworkUndefine(_handle));

    /// <summary>
    /// Changes one part of the network without restarting it: in the persistent definition, and in the running
    /// network (dnsmasq reloaded) when it runs.
    /// </summary>
    /// <param name="parentIndex">For a DHCP host: the index of the &lt;ip&gt; it belongs to.</param>
    public void Update(NetworkSection section, NetworkUpdateCommand command, string xml, int parentIndex = -1)
    {
        var flags = Native.VIR_NETWORK_UPDATE_AFFECT_CONFIG | (IsActive ? Native.VIR_NETWORK_UPDATE_AFFECT_LIVE : 0);
        LibvirtCall.Check(Native.virNetworkUpdate(_handle, (uint)command, (uint)section, parentIndex, xml, flags));
    }

    /// <summary>The DHCP leases dnsmasq holds on this network now (optionally for one MAC only).</summary>
    public IReadOnlyList<NetworkLease> Leases(string? mac = null)
    {
        var count = LibvirtCall.Check(Native.virNetworkGetDHCPLeases(_handle, mac, out var array, 0));
        return LibvirtCall.TakeArray(count, array, pointer =>
        {
            try
            {
                var lease = Marshal.PtrToStructure<Native.NetworkDhcpLease>(pointer);
                return new NetworkLease(
                    Text(lease.Mac) ?? "",
                    Text(lease.IpAddress) ?? "",
                    (int)lease.Prefix,
                    Text(lease.Hostname),
                    DateTimeOffset.FromUnixTimeSeconds(lease.ExpiryTime),
                    Text(lease.Iface) ?? ""
                );
            }
            finally
            {
                Native.virNetworkDHCPLeaseFree(pointer);
            }
        });
    }

    private static string? Text(IntPtr borrowed) => borrowed == IntPtr.Zero ? null : Marshal.PtrToStringUTF8(borrowed);

    public void Dispose() => _handle.Dispose();
}
