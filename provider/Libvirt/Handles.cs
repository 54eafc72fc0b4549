using System.Runtime.InteropServices;

namespace PulumiLibvirt.Libvirt;

/// <summary>Owns one reference to a libvirt object and releases it exactly once.</summary>
internal abstract class LibvirtHandle : SafeHandle
{
    protected LibvirtHandle()
        : base(IntPtr.Zero, ownsHandle: true) { }

    protected LibvirtHandle(IntPtr existing)
        : base(IntPtr.Zero, ownsHandle: true) => SetHandle(existing);

    public override bool IsInvalid => handle == IntPtr.Zero;
}

internal sealed class ConnectHandle : LibvirtHandle
{
    protected override bool ReleaseHandle() => Native.virConnectClose(handle) >= 0;
}

internal sealed class StoragePoolHandle : LibvirtHandle
{
    public StoragePoolHandle() { }

    public StoragePoolHandle(IntPtr existing)
        : base(existing) { }

    protected override bool ReleaseHandle() => Native.virStoragePoolFree(handle) == 0;
}

internal sealed class StorageVolumeHandle : LibvirtHandle
{
    public StorageVolumeHandle() { }

    public StorageVolumeHandle(IntPtr existing)
        : base(existing) { }

    protected override bool ReleaseHandle() => Native.virStorageVolFree(handle) == 0;
}

internal sealed class DomainHandle : LibvirtHandle
{
    public DomainHandle() { }

    public DomainHandle(IntPtr existing)
        : base(existing) { }

    protected override bool ReleaseHandle() => Native.virDomainFree(handle) == 0;
}

internal sealed class DomainSnapshotHandle : LibvirtHandle
{
    public DomainSnapshotHandle() { }

    public DomainSnapshotHandle(IntPtr existing)
        : base(existing) { }

    protected override bool ReleaseHandle() => Native.virDomainSnapshotFree(handle) == 0;
}

internal sealed class NetworkHandle : LibvirtHandle
{
    public NetworkHandle() { }

    public NetworkHandle(IntPtr existing)
        : base(existing) { }

    protected override bool ReleaseHandle() => Native.virNetworkFree(handle) == 0;
}

internal sealed class StreamHandle : LibvirtHandle
{
    protected override bool ReleaseHandle() => Native.virStreamFree(handle) == 0;
}
