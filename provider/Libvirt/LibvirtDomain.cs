using System.Runtime.InteropServices;
using System.Text;

namespace PulumiLibvirt.Libvirt;

/// <summary>What a domain is doing (libvirt's virDomainState, named as libvirt names them).</summary>
public enum DomainRunState
{
    NoState,
    Running,
    Blocked,
    Paused,
    Shutdown,
    Shutoff,
    Crashed,
    PmSuspended,
}

/// <summary>A libvirt domain (a virtual machine).</summary>
public sealed class LibvirtDomain : IGuestPower, IDisposable
{
    private readonly DomainHandle _handle;

    internal LibvirtDomain(DomainHandle handle) => _handle = handle;

    public unsafe string Uuid
    {
        get
        {
            var buffer = stackalloc byte[Native.VIR_UUID_STRING_BUFLEN];
            LibvirtCall.Check(Native.virDomainGetUUIDString(_handle, buffer));
            return Encoding.ASCII.GetString(buffer, Native.VIR_UUID_STRING_BUFLEN - 1);
        }
    }

    public string Name => LibvirtCall.BorrowString(Native.virDomainGetName(_handle));

    public DomainRunState State
    {
        get
        {
            LibvirtCall.Check(Native.virDomainGetState(_handle, out var state, out _, 0));
            return (DomainRunState)state;
        }
    }

    /// <summary>Whether a qemu process runs for it (running, paused, being shut down…).</summary>
    public bool IsActive => LibvirtCall.Check(Native.virDomainIsActive(_handle)) == 1;

    public bool Autostart
    {
        get
        {
            LibvirtCall.Check(Native.virDomainGetAutostart(_handle, out var autostart));
            return autostart != 0;
        }
        set => LibvirtCall.Check(Native.virDomainSetAutostart(_handle, value ? 1 : 0));
    }

    /// <summary>The domain's XML: the persistent definition (used at next boot), or what runs now.</summary>
    public string Xml(bool persistent = true) =>
        LibvirtCall.TakeString(Native.virDomainGetXMLDesc(_handle, persistent ? Native.VIR_DOMAIN_XML_INACTIVE : 0));

    public DomainDefinition Describe(bool persistent = true) => DomainDefinition.Parse(Xml(persistent));

    public void Start() => LibvirtCall.Check(Native.virDomainCreate(_handle));

    /// <summary>Asks the guest to shut down (ACPI); it may take its time or ignore it.</summary>
    public void Shutdown() => LibvirtCall.Check(Native.virDomainShutdown(_handle));

    public void ShutdownThroughAgent() =>
        LibvirtCall.Check(Native.virDomainShutdownFlags(_handle, Native.VIR_DOMAIN_SHUTDOWN_GUEST_AGENT));

    public bool HasAgentChannel => Describe(persistent: !IsActive).QemuAgent;

    /// <summary>
    /// The running domain's interfaces and addresses, as <paramref name="origin"/> knows them. The agent's answer fails
    /// with IsAgentUnavailable while the agent is not connected.
    /// </summary>
    public IReadOnlyList<GuestInterface> InterfaceAddresses(AddressOrigin origin)
    {
        var count = LibvirtCall.Check(Native.virDomainInterfaceAddresses(_handle, out var array, (uint)origin, 0));
        return LibvirtCall.TakeArray(count, array, pointer =>
        {
            try
            {
                var nic = Marshal.PtrToStructure<Native.DomainInterfaceAddresses>(pointer);
                var addresses = Enumerable
                    .Range(0, (int)nic.Naddrs)
                    .Select(i =>
                    {
                        var address = Marshal.PtrToStructure<Native.DomainIpAddress>(
                            nic.Addrs + (i * Marshal.SizeOf<Native.DomainIpAddress>())
                        );
                        return new GuestAddress(address.Type == 1, Text(address.Addr), (int)address.Prefix);
                    })
                    .ToList();
                return new GuestInterface(Text(nic.Name), Text(nic.HwAddr), addresses);
            }
            finally
            {
                Native.virDomainInterfaceFree(pointer);
            }
        });
    }

    private static string Text(IntPtr borrowed) => borrowed == IntPtr.Zero ? "" : Marshal.PtrToStringUTF8(borrowed)!;

    /// <summary>Stops the qemu process at once, like pulling the power cord.</summary>
    public void Destroy() => LibvirtCall.Check(Native.virDomainDestroy(_handle));

    /// <summary>
    /// Forgets the definition with everything libvirt keeps for it: NVRAM, managed save image, snapshot and checkpoint
    /// metadata, and the emulated TPM's state.
    /// </summary>
    public void Undefine() =>
        LibvirtCall.Check(
            Native.virDomainUndefineFlags(
                _handle,
                Native.VIR_DOMAIN_UNDEFINE_MANAGED_SAVE
                    | Native.VIR_DOMAIN_UNDEFINE_SNAPSHOTS_METADATA
                    | Native.VIR_DOMAIN_UNDEFINE_NVRAM
                    | Native.VIR_DOMAIN_UNDEFINE_CHECKPOINTS_METADATA
                    | TpmUndefineFlag()
            )
        );

    /// <summary>
    /// The flag that removes the TPM state even where the definition asks to keep it, for a domain with an emulated
    /// TPM on libvirt 8.9 or later; older daemons refuse the flag, and always remove the state.
    /// </summary>
    private uint TpmUndefineFlag()
    {
        if (Describe().Tpm is null)
            return 0;
        LibvirtCall.Check(Native.virConnectGetLibVersionBorrowed(Native.virDomainGetConnect(_handle), out var version));
        return version >= 8_009_000 ? Native.VIR_DOMAIN_UNDEFINE_TPM : 0;
    }

    /// <summary>Sets the description in the persistent definition, and in the running domain when it runs.</summary>
    public void SetDescription(string? description) =>
        SetMetadata(
            Native.VIR_DOMAIN_METADATA_DESCRIPTION,
            string.IsNullOrEmpty(description) ? null : description,
            null,
            null
        );

    /// <summary>
    /// Notes who manages the domain (<see cref="DomainOwner"/>), in the persistent definition and the running domain;
    /// without <paramref name="unfinished"/>, the owner's create has finished.
    /// </summary>
    public void SetOwner(string owner, UnfinishedCreate? unfinished = null) =>
        SetMetadata(
            Native.VIR_DOMAIN_METADATA_ELEMENT,
            DomainOwner.ElementFor(owner, unfinished).ToString(),
            "owner",
            DomainOwner.Namespace.NamespaceName
        );

    /// <summary>
    /// Notes the domain's fixed addresses on networks (<see cref="HostReservationXml"/>), replacing those noted before.
    /// </summary>
    public void SetReservations(IReadOnlyList<HostReservation> reservations) =>
        SetMetadata(
            Native.VIR_DOMAIN_METADATA_ELEMENT,
            HostReservationXml.ElementFor(reservations)?.ToString(),
            HostReservationXml.Key,
            HostReservationXml.Namespace.NamespaceName
        );

    private void SetMetadata(int type, string? metadata, string? key, string? uri)
    {
        var flags = Native.VIR_DOMAIN_AFFECT_CONFIG | (IsActive ? Native.VIR_DOMAIN_AFFECT_LIVE : 0);
        LibvirtCall.Check(Native.virDomainSetMetadata(_handle, type, metadata, key, uri, flags));
    }

    /// <summary>
    /// Takes an internal snapshot of every disk (and, with <paramref name="memory"/>, of the running guest).
    /// </summary>
    public DomainSnapshot TakeSnapshot(string name, string? description, bool memory) =>
        new(
            LibvirtCall.Check(
                Native.virDomainSnapshotCreateXML(
                    _handle,
                    SnapshotDescription.Request(name, description, memory),
                    Native.VIR_DOMAIN_SNAPSHOT_CREATE_ATOMIC | Native.VIR_DOMAIN_SNAPSHOT_CREATE_VALIDATE
                )
            )
        );

    /// <summary>Gives a snapshot another description: its metadata is redefined, its data is kept.</summary>
    public void RedescribeSnapshot(DomainSnapshot snapshot, string? description)
    {
        using var _ = new DomainSnapshot(
            LibvirtCall.Check(
                Native.virDomainSnapshotCreateXML(
                    _handle,
                    SnapshotDescription.WithDescription(snapshot.Xml(), description),
                    Native.VIR_DOMAIN_SNAPSHOT_CREATE_REDEFINE
                )
            )
        );
    }

    public DomainSnapshot? FindSnapshot(string name) =>
        Connection.NullIfNotFound(() =>
            new DomainSnapshot(LibvirtCall.Check(Native.virDomainSnapshotLookupByName(_handle, name, 0)))
        );

    /// <summary>The names of every snapshot of the domain.</summary>
    public IReadOnlyList<string> SnapshotNames()
    {
        var count = LibvirtCall.Check(Native.virDomainListAllSnapshots(_handle, out var array, 0));
        var snapshots = LibvirtCall.TakeArray(count, array, s => new DomainSnapshot(new DomainSnapshotHandle(s)));
        try
        {
            return snapshots.Select(s => s.Name).ToList();
        }
        finally
        {
            foreach (var snapshot in snapshots)
                snapshot.Dispose();
        }
    }

    public void Dispose() => _handle.Dispose();
}
