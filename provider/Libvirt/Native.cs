using System.Runtime.InteropServices;

namespace PulumiLibvirt.Libvirt;

/// <summary>
/// Raw declarations of the libvirt C API (libvirt.so.0). Nothing here is used outside the libvirt layer:
/// <see cref="Connection"/> and its small typed objects wrap every call, turning failures into
/// <see cref="LibvirtException"/>.
/// </summary>
internal static class Native
{
    private const string Lib = "libvirt.so.0";
    private const string LibC = "libc";

    // ---- connections and errors ----
    [DllImport(Lib)]
    public static extern ConnectHandle virConnectOpen([MarshalAs(UnmanagedType.LPUTF8Str)] string? name);

    [DllImport(Lib)]
    public static extern int virConnectClose(IntPtr conn);

    [DllImport(Lib)]
    public static extern IntPtr virConnectGetURI(ConnectHandle conn);

    [DllImport(Lib)]
    public static extern int virConnectIsAlive(ConnectHandle conn);

    [DllImport(Lib)]
    public static extern int virConnectSetKeepAlive(ConnectHandle conn, int interval, uint count);

    [DllImport(Lib)]
    public static extern IntPtr virGetLastError();

    [DllImport(Lib)]
    public static extern void virResetLastError();

    [DllImport(Lib)]
    public static extern unsafe void virSetErrorFunc(
        IntPtr userData,
        delegate* unmanaged<IntPtr, IntPtr, void> handler
    );

    // ---- events (the default event loop, and callbacks for what changes on the host) ----
    [DllImport(Lib)]
    public static extern int virEventRegisterDefaultImpl();

    [DllImport(Lib)]
    public static extern int virEventRunDefaultImpl();

    [DllImport(Lib)]
    public static extern int virConnectDomainEventRegisterAny(
        ConnectHandle conn,
        IntPtr dom,
        int eventID,
        IntPtr callback,
        IntPtr opaque,
        IntPtr freecb
    );

    [DllImport(Lib)]
    public static extern int virConnectDomainEventDeregisterAny(ConnectHandle conn, int callbackID);

    [DllImport(Lib)]
    public static extern int virConnectStoragePoolEventRegisterAny(
        ConnectHandle conn,
        IntPtr pool,
        int eventID,
        IntPtr callback,
        IntPtr opaque,
        IntPtr freecb
    );

    [DllImport(Lib)]
    public static extern int virConnectStoragePoolEventDeregisterAny(ConnectHandle conn, int callbackID);

    // The object an event callback is given is borrowed: read, never freed.
    [DllImport(Lib, EntryPoint = "virDomainGetUUIDString")]
    public static extern unsafe int virDomainGetUUIDStringBorrowed(IntPtr domain, byte* buffer);

    [DllImport(Lib, EntryPoint = "virStoragePoolGetName")]
    public static extern IntPtr virStoragePoolGetNameBorrowed(IntPtr pool);

    // ---- storage pools ----
    [DllImport(Lib)]
    public static extern int virConnectListAllStoragePools(ConnectHandle conn, out IntPtr pools, uint flags);

    [DllImport(Lib)]
    public static extern StoragePoolHandle virStoragePoolLookupByName(
        ConnectHandle conn,
        [MarshalAs(UnmanagedType.LPUTF8Str)] string name
    );

    [DllImport(Lib)]
    public static extern StoragePoolHandle virStoragePoolLookupByUUIDString(
        ConnectHandle conn,
        [MarshalAs(UnmanagedType.LPUTF8Str)] string uuid
    );

    [DllImport(Lib)]
    public static extern StoragePoolHandle virStoragePoolLookupByVolume(StorageVolumeHandle vol);

    [DllImport(Lib)]
    public static extern StoragePoolHandle virStoragePoolDefineXML(
        ConnectHandle conn,
        [MarshalAs(UnmanagedType.LPUTF8Str)] string xml,
        uint flags
    );

    [DllImport(Lib)]
    public static extern int virStoragePoolBuild(StoragePoolHandle pool, uint flags);

    [DllImport(Lib)]
    public static extern int virStoragePoolCreate(StoragePoolHandle pool, uint flags);

    [DllImport(Lib)]
    public static extern int virStoragePoolDestroy(StoragePoolHandle pool);

    [DllImport(Lib)]
    public static extern int virStoragePoolDelete(StoragePoolHandle pool, uint flags);

    [DllImport(Lib)]
    public static extern int virStoragePoolUndefine(StoragePoolHandle pool);

    [DllImport(Lib)]
    public static extern int virStoragePoolRefresh(StoragePoolHandle pool, uint flags);

    [DllImport(Lib)]
    public static extern int virStoragePoolIsActive(StoragePoolHandle pool);

    [DllImport(Lib)]
    public static extern IntPtr virStoragePoolGetName(StoragePoolHandle pool);

    [DllImport(Lib)]
    public static extern unsafe int virStoragePoolGetUUIDString(StoragePoolHandle pool, byte* buffer);

    [DllImport(Lib)]
    public static extern IntPtr virStoragePoolGetXMLDesc(StoragePoolHandle pool, uint flags);

    [DllImport(Lib)]
    public static extern int virStoragePoolGetInfo(StoragePoolHandle pool, out StoragePoolInfo info);

    [DllImport(Lib)]
    public static extern int virStoragePoolGetAutostart(StoragePoolHandle pool, out int autostart);

    [DllImport(Lib)]
    public static extern int virStoragePoolSetAutostart(StoragePoolHandle pool, int autostart);

    [DllImport(Lib)]
    public static extern int virStoragePoolListAllVolumes(StoragePoolHandle pool, out IntPtr vols, uint flags);

    [DllImport(Lib)]
    public static extern int virStoragePoolFree(IntPtr pool);

    // ---- storage volumes ----
    [DllImport(Lib)]
    public static extern StorageVolumeHandle virStorageVolLookupByKey(
        ConnectHandle conn,
        [MarshalAs(UnmanagedType.LPUTF8Str)] string key
    );

    [DllImport(Lib)]
    public static extern StorageVolumeHandle virStorageVolLookupByPath(
        ConnectHandle conn,
        [MarshalAs(UnmanagedType.LPUTF8Str)] string path
    );

    [DllImport(Lib)]
    public static extern StorageVolumeHandle virStorageVolLookupByName(
        StoragePoolHandle pool,
        [MarshalAs(UnmanagedType.LPUTF8Str)] string name
    );

    [DllImport(Lib)]
    public static extern StorageVolumeHandle virStorageVolCreateXML(
        StoragePoolHandle pool,
        [MarshalAs(UnmanagedType.LPUTF8Str)] string xml,
        uint flags
    );

    [DllImport(Lib)]
    public static extern StorageVolumeHandle virStorageVolCreateXMLFrom(
        StoragePoolHandle pool,
        [MarshalAs(UnmanagedType.LPUTF8Str)] string xml,
        StorageVolumeHandle source,
        uint flags
    );

    [DllImport(Lib)]
    public static extern int virStorageVolDelete(StorageVolumeHandle vol, uint flags);

    [DllImport(Lib)]
    public static extern int virStorageVolResize(StorageVolumeHandle vol, ulong capacity, uint flags);

    [DllImport(Lib)]
    public static extern IntPtr virStorageVolGetXMLDesc(StorageVolumeHandle vol, uint flags);

    [DllImport(Lib)]
    public static extern IntPtr virStorageVolGetKey(StorageVolumeHandle vol);

    [DllImport(Lib)]
    public static extern IntPtr virStorageVolGetName(StorageVolumeHandle vol);

    [DllImport(Lib)]
    public static extern IntPtr virStorageVolGetPath(StorageVolumeHandle vol);

    [DllImport(Lib)]
    public static extern int virStorageVolFree(IntPtr vol);

    [DllImport(Lib)]
    public static extern int virStorageVolUpload(
        StorageVolumeHandle vol,
        StreamHandle stream,
        ulong offset,
        ulong length,
        uint flags
    );

    [DllImport(Lib)]
    public static extern int virStorageVolDownload(
        StorageVolumeHandle vol,
        StreamHandle stream,
        ulong offset,
        ulong length,
        uint flags
    );

    [DllImport(Lib)]
    public static extern StoragePoolHandle virStoragePoolCreateXML(
        ConnectHandle conn,
        [MarshalAs(UnmanagedType.LPUTF8Str)] string xml,
        uint flags
    );

    // ---- streams (blocking) ----
    [DllImport(Lib)]
    public static extern StreamHandle virStreamNew(ConnectHandle conn, uint flags);

    [DllImport(Lib)]
    public static extern unsafe int virStreamSend(StreamHandle stream, byte* data, nuint nbytes);

    [DllImport(Lib)]
    public static extern int virStreamSendHole(StreamHandle stream, long length, uint flags);

    [DllImport(Lib)]
    public static extern unsafe int virStreamRecv(StreamHandle stream, byte* data, nuint nbytes);

    [DllImport(Lib)]
    public static extern int virStreamFinish(StreamHandle stream);

    [DllImport(Lib)]
    public static extern int virStreamAbort(StreamHandle stream);

    [DllImport(Lib)]
    public static extern int virStreamFree(IntPtr stream);

    // ---- host ----
    [DllImport(Lib)]
    public static extern int virNodeGetInfo(ConnectHandle conn, out NodeInfo info);

    [DllImport(Lib)]
    public static extern IntPtr virConnectGetCapabilities(ConnectHandle conn);

    [DllImport(Lib)]
    public static extern IntPtr virConnectGetHostname(ConnectHandle conn);

    [DllImport(Lib)]
    public static extern int virConnectGetLibVersion(ConnectHandle conn, out ulong libVer);

    [DllImport(Lib, EntryPoint = "virConnectGetLibVersion")]
    public static extern int virConnectGetLibVersionBorrowed(IntPtr conn, out ulong libVer);

    [DllImport(Lib)]
    public static extern int virConnectGetVersion(ConnectHandle conn, out ulong hvVer);

    [DllImport(Lib)]
    public static extern IntPtr virConnectGetDomainCapabilities(
        ConnectHandle conn,
        [MarshalAs(UnmanagedType.LPUTF8Str)] string? emulatorbin,
        [MarshalAs(UnmanagedType.LPUTF8Str)] string? arch,
        [MarshalAs(UnmanagedType.LPUTF8Str)] string? machine,
        [MarshalAs(UnmanagedType.LPUTF8Str)] string? virttype,
        uint flags
    );

    [DllImport(Lib)]
    public static extern int virConnectGetMaxVcpus(
        ConnectHandle conn,
        [MarshalAs(UnmanagedType.LPUTF8Str)] string type
    );

    // ---- domains ----
    [DllImport(Lib)]
    public static extern int virConnectListAllDomains(ConnectHandle conn, out IntPtr domains, uint flags);

    [DllImport(Lib)]
    public static extern DomainHandle virDomainLookupByUUIDString(
        ConnectHandle conn,
        [MarshalAs(UnmanagedType.LPUTF8Str)] string uuid
    );

    [DllImport(Lib)]
    public static extern DomainHandle virDomainLookupByName(
        ConnectHandle conn,
        [MarshalAs(UnmanagedType.LPUTF8Str)] string name
    );

    [DllImport(Lib)]
    public static extern DomainHandle virDomainDefineXMLFlags(
        ConnectHandle conn,
        [MarshalAs(UnmanagedType.LPUTF8Str)] string xml,
        uint flags
    );

    [DllImport(Lib)]
    public static extern int virDomainCreate(DomainHandle domain);

    [DllImport(Lib)]
    public static extern int virDomainShutdown(DomainHandle domain);

    [DllImport(Lib)]
    public static extern int virDomainShutdownFlags(DomainHandle domain, uint flags);

    [DllImport(Lib)]
    public static extern int virDomainDestroy(DomainHandle domain);

    [DllImport(Lib)]
    public static extern IntPtr virDomainGetConnect(DomainHandle domain);

    [DllImport(Lib)]
    public static extern int virDomainUndefineFlags(DomainHandle domain, uint flags);

    [DllImport(Lib)]
    public static extern IntPtr virDomainGetXMLDesc(DomainHandle domain, uint flags);

    [DllImport(Lib)]
    public static extern int virDomainGetState(DomainHandle domain, out int state, out int reason, uint flags);

    [DllImport(Lib)]
    public static extern int virDomainGetAutostart(DomainHandle domain, out int autostart);

    [DllImport(Lib)]
    public static extern int virDomainSetAutostart(DomainHandle domain, int autostart);

    [DllImport(Lib)]
    public static extern int virDomainIsActive(DomainHandle domain);

    [DllImport(Lib)]
    public static extern int virDomainSetMetadata(
        DomainHandle domain,
        int type,
        [MarshalAs(UnmanagedType.LPUTF8Str)] string? metadata,
        [MarshalAs(UnmanagedType.LPUTF8Str)] string? key,
        [MarshalAs(UnmanagedType.LPUTF8Str)] string? uri,
        uint flags
    );

    [DllImport(Lib)]
    public static extern unsafe int virDomainGetUUIDString(DomainHandle domain, byte* buffer);

    [DllImport(Lib)]
    public static extern IntPtr virDomainGetName(DomainHandle domain);

    [DllImport(Lib)]
    public static extern int virDomainFree(IntPtr domain);

    [DllImport(Lib)]
    public static extern int virDomainInterfaceAddresses(
        DomainHandle domain,
        out IntPtr ifaces,
        uint source,
        uint flags
    );

    [DllImport(Lib)]
    public static extern void virDomainInterfaceFree(IntPtr iface);

    // ---- domain snapshots ----
    [DllImport(Lib)]
    public static extern DomainSnapshotHandle virDomainSnapshotCreateXML(
        DomainHandle domain,
        [MarshalAs(UnmanagedType.LPUTF8Str)] string xml,
        uint flags
    );

    [DllImport(Lib)]
    public static extern DomainSnapshotHandle virDomainSnapshotLookupByName(
        DomainHandle domain,
        [MarshalAs(UnmanagedType.LPUTF8Str)] string name,
        uint flags
    );

    [DllImport(Lib)]
    public static extern int virDomainSnapshotDelete(DomainSnapshotHandle snapshot, uint flags);

    [DllImport(Lib)]
    public static extern int virDomainRevertToSnapshot(DomainSnapshotHandle snapshot, uint flags);

    [DllImport(Lib)]
    public static extern IntPtr virDomainSnapshotGetXMLDesc(DomainSnapshotHandle snapshot, uint flags);

    [DllImport(Lib)]
    public static extern int virDomainListAllSnapshots(DomainHandle domain, out IntPtr snapshots, uint flags);

    [DllImport(Lib)]
    public static extern IntPtr virDomainSnapshotGetName(DomainSnapshotHandle snapshot);

    [DllImport(Lib)]
    public static extern int virDomainSnapshotFree(IntPtr snapshot);

    // ---- networks ----
    [DllImport(Lib)]
    public static extern int virConnectListAllNetworks(ConnectHandle conn, out IntPtr networks, uint flags);

    [DllImport(Lib)]
    public static extern NetworkHandle virNetworkLookupByName(
        ConnectHandle conn,
        [MarshalAs(UnmanagedType.LPUTF8Str)] string name
    );

    [DllImport(Lib)]
    public static extern NetworkHandle virNetworkLookupByUUIDString(
        ConnectHandle conn,
        [MarshalAs(UnmanagedType.LPUTF8Str)] string uuid
    );

    [DllImport(Lib)]
    public static extern NetworkHandle virNetworkDefineXMLFlags(
        ConnectHandle conn,
        [MarshalAs(UnmanagedType.LPUTF8Str)] string xml,
        uint flags
    );

    [DllImport(Lib)]
    public static extern int virNetworkCreate(NetworkHandle network);

    [DllImport(Lib)]
    public static extern int virNetworkDestroy(NetworkHandle network);

    [DllImport(Lib)]
    public static extern int virNetworkUndefine(NetworkHandle network);

    [DllImport(Lib)]
    public static extern int virNetworkIsActive(NetworkHandle network);

    [DllImport(Lib)]
    public static extern int virNetworkGetAutostart(NetworkHandle network, out int autostart);

    [DllImport(Lib)]
    public static extern int virNetworkSetAutostart(NetworkHandle network, int autostart);

    [DllImport(Lib)]
    public static extern IntPtr virNetworkGetName(NetworkHandle network);

    [DllImport(Lib)]
    public static extern unsafe int virNetworkGetUUIDString(NetworkHandle network, byte* buffer);

    [DllImport(Lib)]
    public static extern IntPtr virNetworkGetXMLDesc(NetworkHandle network, uint flags);

    [DllImport(Lib)]
    public static extern int virNetworkUpdate(
        NetworkHandle network,
        uint command,
        uint section,
        int parentIndex,
        [MarshalAs(UnmanagedType.LPUTF8Str)] string xml,
        uint flags
    );

    [DllImport(Lib)]
    public static extern int virNetworkGetDHCPLeases(
        NetworkHandle network,
        [MarshalAs(UnmanagedType.LPUTF8Str)] string? mac,
        out IntPtr leases,
        uint flags
    );

    [DllImport(Lib)]
    public static extern void virNetworkDHCPLeaseFree(IntPtr lease);

    [DllImport(Lib)]
    public static extern int virNetworkFree(IntPtr network);

    [DllImport(LibC)]
    public static extern void free(IntPtr ptr);

    // ---- local files (statx: its buffer's layout is the same on every architecture) ----
    public const int AT_FDCWD = -100;
    public const uint STATX_TYPE = 0x1;
    public const int StatxSize = 256;
    public const int StatxModeOffset = 28;

    [DllImport(LibC, SetLastError = true)]
    public static extern int statx(
        int dirfd,
        [MarshalAs(UnmanagedType.LPUTF8Str)] string path,
        int flags,
        uint mask,
        [Out] byte[] buffer
    );

    /// <summary>virNodeInfo: memory in KiB; sockets per NUMA node, cores per socket, threads per core.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public unsafe struct NodeInfo
    {
        public fixed byte Model[32];
        public ulong Memory;
        public uint Cpus;
        public uint Mhz;
        public uint Nodes;
        public uint Sockets;
        public uint Cores;
        public uint Threads;
    }

    /// <summary>virStoragePoolInfo: sizes in bytes, as of the pool's last refresh.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct StoragePoolInfo
    {
        public int State;
        public ulong Capacity;
        public ulong Allocation;
        public ulong Available;
    }

    /// <summary>virNetworkDHCPLease: strings owned by the lease, freed with it.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct NetworkDhcpLease
    {
        public IntPtr Iface;
        public long ExpiryTime;
        public int Type;
        public IntPtr Mac;
        public IntPtr Iaid;
        public IntPtr IpAddress;
        public uint Prefix;
        public IntPtr Hostname;
        public IntPtr ClientId;
    }

    /// <summary>virDomainInterface: strings and the address array owned by it, freed with it.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct DomainInterfaceAddresses
    {
        public IntPtr Name;
        public IntPtr HwAddr;
        public uint Naddrs;
        public IntPtr Addrs;
    }

    /// <summary>virDomainIPAddress: type 0 is IPv4, 1 IPv6.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct DomainIpAddress
    {
        public int Type;
        public IntPtr Addr;
        public uint Prefix;
    }

    // Flags (values from libvirt's headers).
    public const uint VIR_CONNECT_LIST_STORAGE_POOLS_ACTIVE = 2;
    public const uint VIR_STORAGE_VOL_UPLOAD_SPARSE_STREAM = 1;
    public const int VIR_UUID_STRING_BUFLEN = 37;
    public const int VIR_DOMAIN_EVENT_ID_LIFECYCLE = 0;
    public const int VIR_DOMAIN_EVENT_ID_DEVICE_REMOVED = 15;
    public const int VIR_DOMAIN_EVENT_ID_DEVICE_ADDED = 19;
    public const int VIR_DOMAIN_EVENT_ID_METADATA_CHANGE = 23;
    public const int VIR_STORAGE_POOL_EVENT_ID_LIFECYCLE = 0;
    public const int VIR_STORAGE_POOL_EVENT_ID_REFRESH = 1;
    public const uint VIR_DOMAIN_XML_INACTIVE = 2;
    public const uint VIR_DOMAIN_DEFINE_VALIDATE = 1;
    public const uint VIR_DOMAIN_UNDEFINE_MANAGED_SAVE = 1;
    public const uint VIR_DOMAIN_UNDEFINE_SNAPSHOTS_METADATA = 2;
    public const uint VIR_DOMAIN_UNDEFINE_NVRAM = 4;
    public const uint VIR_DOMAIN_UNDEFINE_CHECKPOINTS_METADATA = 16;

    // libvirt-domain.h: 1 << 5, since libvirt 8.9.0 (1 << 6 is KEEP_TPM); older daemons refuse it as unknown.
    public const uint VIR_DOMAIN_UNDEFINE_TPM = 32;
    public const int VIR_DOMAIN_METADATA_DESCRIPTION = 0;
    public const int VIR_DOMAIN_METADATA_ELEMENT = 2;
    public const uint VIR_DOMAIN_AFFECT_LIVE = 1;
    public const uint VIR_DOMAIN_AFFECT_CONFIG = 2;
    public const uint VIR_DOMAIN_SHUTDOWN_GUEST_AGENT = 2;
    public const uint VIR_DOMAIN_SNAPSHOT_CREATE_REDEFINE = 1;
    public const uint VIR_DOMAIN_SNAPSHOT_CREATE_ATOMIC = 128;
    public const uint VIR_DOMAIN_SNAPSHOT_CREATE_VALIDATE = 512;
    public const uint VIR_DOMAIN_SNAPSHOT_REVERT_RUNNING = 1;
    public const uint VIR_DOMAIN_SNAPSHOT_REVERT_PAUSED = 2;
    public const uint VIR_DOMAIN_SNAPSHOT_DELETE_METADATA_ONLY = 2;
    public const uint VIR_NETWORK_XML_INACTIVE = 1;
    public const uint VIR_NETWORK_DEFINE_VALIDATE = 1;
    public const uint VIR_NETWORK_UPDATE_AFFECT_LIVE = 1;
    public const uint VIR_NETWORK_UPDATE_AFFECT_CONFIG = 2;
}
