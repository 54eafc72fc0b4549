namespace PulumiLibvirt.Libvirt;

/// <summary>The connection's domains: lookups, listings and definitions.</summary>
public sealed partial class Connection
{
    /// <summary>A domain by UUID or by name.</summary>
    public LibvirtDomain? FindDomain(string uuidOrName) =>
        (
            Guid.TryParse(uuidOrName, out _)
                ? NullIfNotFound(() =>
                    new LibvirtDomain(LibvirtCall.Check(Native.virDomainLookupByUUIDString(_handle, uuidOrName)))
                )
                : null
        )
        ?? NullIfNotFound(() =>
            new LibvirtDomain(LibvirtCall.Check(Native.virDomainLookupByName(_handle, uuidOrName)))
        );

    /// <summary>Every domain of the connection, defined or running.</summary>
    public IReadOnlyList<LibvirtDomain> ListDomains()
    {
        var count = LibvirtCall.Check(Native.virConnectListAllDomains(_handle, out var array, 0));
        return LibvirtCall.TakeArray(count, array, d => new LibvirtDomain(new DomainHandle(d)));
    }

    /// <summary>
    /// Every domain's definitions: the persistent one and, for a running domain, the live one (a device may be in
    /// only one of them). Domains that vanish while being read are left out.
    /// </summary>
    public IReadOnlyList<DomainDefinition> DescribeAllDomains()
    {
        var result = new List<DomainDefinition>();
        foreach (var domain in ListDomains())
        {
            using (domain)
            {
                var persistent = NullIfNotFound(() => domain.Describe(persistent: true));
                if (persistent is not null)
                    result.Add(persistent);
                var live = NullIfNotFound(() =>
                    domain.IsActive ? [domain.Describe(persistent: false)] : new List<DomainDefinition>()
                );
                if (live is not null)
                    result.AddRange(live);
            }
        }
        return result;
    }

    /// <summary>
    /// Defines (or redefines, for the same name and UUID) a persistent domain, validated against libvirt's schema.
    /// </summary>
    public LibvirtDomain DefineDomain(DomainDefinition definition) => DefineDomain(definition.ToXml());

    /// <summary>Defines a persistent domain from its XML, validated against libvirt's schema.</summary>
    public LibvirtDomain DefineDomain(string xml) => Define(xml, Native.VIR_DOMAIN_DEFINE_VALIDATE);

    /// <summary>
    /// Defines the empty domain that holds a clone's name and marks while its disks are made: a name, a UUID, a size
    /// and the owner mark, nothing for libvirt's schema check to refuse, so it is skipped (see
    /// <see cref="DefineClone"/>).
    /// </summary>
    public LibvirtDomain DefinePlaceholder(DomainDefinition definition) => Define(definition.ToXml(), 0);

    /// <summary>
    /// Defines a clone of the source whose persistent definition is <paramref name="sourceXml"/>, with
    /// <paramref name="changes"/> applied.
    /// The XML is libvirt's own definition of the source with the clone's names, paths, MACs and sizes, so libvirt's
    /// schema check is skipped: it is most of what a define costs libvirtd (about 13 ms of 18 here), and libvirt's
    /// parser still refuses any value it cannot take.
    /// </summary>
    public LibvirtDomain DefineClone(string sourceXml, CloneChanges changes) =>
        Define(CloneXml.Make(sourceXml, changes), 0);

    private LibvirtDomain Define(string xml, uint flags)
    {
        var domain = new LibvirtDomain(LibvirtCall.Check(Native.virDomainDefineXMLFlags(_handle, xml, flags)));
        // The index must not answer with the old definition until the event arrives.
        _domainIndex?.Changed(domain.Uuid);
        return domain;
    }

    /// <summary>
    /// Points disks of a domain at other files, in one define of its persistent definition: it sees either all the old
    /// files or all the new ones.
    /// </summary>
    public void PointDisksAt(LibvirtDomain domain, IReadOnlyDictionary<string, ClonedDisk> disks)
    {
        // Like a clone's, this is libvirt's own definition with other files.
        using var _ = Define(CloneXml.WithDisks(domain.Xml(), disks), 0);
    }

    /// <summary>Gives a domain exactly this TPM device and CPU (null: none), in its persistent definition.</summary>
    public void SetTpmAndCpu(LibvirtDomain domain, DomainTpm? tpm, DomainCpu? cpu)
    {
        using var _ = Define(CloneXml.WithTpmAndCpu(domain.Xml(), tpm, cpu), 0);
    }

    /// <summary>
    /// Gives a domain another memory size and number of vCPUs, in its persistent definition (seen at its next boot).
    /// </summary>
    public void Resize(LibvirtDomain domain, ulong memoryKiB, int vcpus)
    {
        // Like a clone's, this is libvirt's own definition with new sizes.
        using var _ = Define(CloneXml.Resized(domain.Xml(), memoryKiB, vcpus), 0);
    }
}
