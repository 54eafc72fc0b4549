namespace PulumiLibvirt.Libvirt;

/// <summary>The connection's domains: lookups, listings and definitions.</summary>
public sealed partial class Connection
{
    /// <summary>A domain by UUID or by name.</summary>
    public LibvirtDomain? FindDomain(string uuidOrName) =>
        (Guid.TryParse(uuidOrName, out _)
            ? NullIfNotFound(() => new LibvirtDomain(LibvirtCall.Check(Native.virDomainLookupByUUIDString(_handle, uuidOrName))))
            : null)
        ?? NullIfNotFound(() => new LibvirtDomain(LibvirtCall.Check(Native.virDomainLookupByName(_handle, uuidOrName))));

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
                if (persistent is not null) result.Add(persistent);
                var live = NullIfNotFound(() => domain.IsActive ? [domain.Describe(persistent: false)] : new List<DomainDefinition>());
                if (live is not null) result.AddRange(live);
            }
        }
        return result;
    }

    /// <summary>Defines (or redefines, for the same name and UUID) a persistent domain.</summary>
    public LibvirtDomain DefineDomain(DomainDefinition definition) => DefineDomain(definition.ToXml());

    /// <summary>Defines a persistent domain from its XML, validated against libvirt's schema.</summary>
    public LibvirtDomain DefineDomain(string xml)
    {
        var domain = new LibvirtDomain(LibvirtCall.Check(Native.virDomainDefineXMLFlags(_handle, xml, Native.VIR_DOMAIN_DEFINE_VALIDATE)));
        // The index must not answer with the old definition until the event arrives.
        _domainIndex?.Changed(domain.Uuid);
        return domain;
    }

    /// <summary>Defines a clone of <paramref name="source"/>: its persistent definition with <paramref name="changes"/> applied.</summary>
    public LibvirtDomain DefineClone(LibvirtDomain source, CloneChanges changes) => DefineDomain(CloneXml.Make(source.Xml(), changes));

    /// <summary>Gives a domain another memory size and number of vCPUs, in its persistent definition (seen at its next boot).</summary>
    public void Resize(LibvirtDomain domain, ulong memoryKiB, int vcpus)
    {
        using var _ = DefineDomain(CloneXml.Resized(domain.Xml(), memoryKiB, vcpus));
    }
}
