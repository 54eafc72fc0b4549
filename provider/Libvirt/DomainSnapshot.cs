namespace PulumiLibvirt.Libvirt;

/// <summary>
/// One snapshot of a domain (libvirt's internal qcow2 snapshot: its data lives inside the disk files).
/// </summary>
public sealed class DomainSnapshot : IDisposable
{
    private readonly DomainSnapshotHandle _handle;

    internal DomainSnapshot(DomainSnapshotHandle handle) => _handle = handle;

    public string Name => LibvirtCall.BorrowString(Native.virDomainSnapshotGetName(_handle));

    public string Xml() => LibvirtCall.TakeString(Native.virDomainSnapshotGetXMLDesc(_handle, 0));

    public SnapshotDescription Describe() => SnapshotDescription.Parse(Xml());

    /// <summary>
    /// Sets the domain back to this snapshot. With <paramref name="running"/> the domain runs afterwards whatever the
    /// snapshot held; otherwise it comes back as it was when taken (running only if memory was saved).
    /// </summary>
    public void Revert(bool running) =>
        LibvirtCall.Check(
            Native.virDomainRevertToSnapshot(_handle, running ? Native.VIR_DOMAIN_SNAPSHOT_REVERT_RUNNING : 0)
        );

    /// <summary>Deletes the snapshot and its data in the disk files; the domain and its current state stay.</summary>
    public void Delete() => LibvirtCall.Check(Native.virDomainSnapshotDelete(_handle, 0));

    /// <summary>Forgets the snapshot without touching any disk: for one whose data went with its disks.</summary>
    public void DeleteMetadata() =>
        LibvirtCall.Check(Native.virDomainSnapshotDelete(_handle, Native.VIR_DOMAIN_SNAPSHOT_DELETE_METADATA_ONLY));

    public void Dispose() => _handle.Dispose();
}
