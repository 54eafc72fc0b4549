namespace PulumiLibvirt.Libvirt;

/// <summary>
/// The connection's indexes of the host (<see cref="DomainIndex"/>, <see cref="VolumeIndex"/>): the questions about
/// every domain or every volume that a lab asks at each create and delete, answered without reading the whole host.
/// </summary>
public sealed partial class Connection
{
    private readonly Lock _indexGate = new();
    private DomainIndex? _domainIndex;
    private VolumeIndex? _volumeIndex;

    /// <summary>
    /// What <see cref="DescribeAllDomains"/> answers, from the index: cheap when few domains changed since the last
    /// question.
    /// </summary>
    public IReadOnlyList<DomainDefinition> IndexedDomains()
    {
        lock (_indexGate)
            _domainIndex ??= new DomainIndex(this, _handle);
        return _domainIndex.Describe();
    }

    /// <summary>
    /// Every volume of every active pool with its description, for questions about the whole host (who is built on this
    /// volume?), from the index: only volumes not seen before are read.
    /// </summary>
    public IReadOnlyList<VolumeDescription> IndexedVolumes()
    {
        lock (_indexGate)
            _volumeIndex ??= new VolumeIndex(this, _handle);
        return _volumeIndex.Describe();
    }

    private void DisposeIndexes()
    {
        _domainIndex?.Dispose();
        _volumeIndex?.Dispose();
    }
}
