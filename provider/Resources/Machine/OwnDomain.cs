using PulumiLibvirt.Framework;
using PulumiLibvirt.Libvirt;

namespace PulumiLibvirt.Resources;

/// <summary>
/// The domain that belongs to the resource being checked, whose name and MACs are therefore not "taken": the domain
/// marked with the resource's URN (<see cref="DomainOwner"/>), and on an update the domain of its old name. A
/// replacement's second Check comes without olds, so the mark is what tells the resource's own domain from another's.
/// </summary>
public sealed record OwnDomain(string Urn, string? OldName = null)
{
    public bool Owns(DomainDefinition domain) => domain.Owner == Urn || (OldName is not null && domain.Name == OldName);

    /// <summary>
    /// Why the resource's domain cannot be named <paramref name="name"/>, or null. A domain of another owner has it.
    /// A domain this resource owns keeps its name at Check; when <paramref name="creating"/>, it is the old one of a
    /// create-before-delete replacement (as `pulumi up --replace` makes, without asking Diff), which holds the name.
    /// </summary>
    public string? NameProblem(ICheckHost host, string name, string token, bool creating)
    {
        var existing = host.FindDomain(name);
        if (existing is null)
            return null;
        if (!Owns(existing))
            return NameTaken.Reason("domain", name, $"on {host.Uri}", token, existing.Uuid ?? name);
        return creating
            ? $"A domain named '{name}' already exists on {host.Uri}: the one this resource replaces. Pulumi creates "
                + "a replacement before it deletes the old resource, and two domains cannot have one name. Add the "
                + "resource option `deleteBeforeReplace: true`, or leave 'name' out."
            : null;
    }

    /// <summary>
    /// Refuses to create the resource's domain under a name that is taken (<see cref="NameProblem"/>).
    /// </summary>
    public void EnsureNameFree(Connection libvirt, string name, string token)
    {
        if (NameProblem(new LibvirtCheckHost(() => libvirt), name, token, creating: true) is { } problem)
            throw new ProviderException(ErrorKind.FailedPrecondition, problem);
    }

    /// <summary>
    /// Marks a domain that Read finds unmarked (imported, or made before marks existed) as the resource's own, so that
    /// a later replacement recognises its name and MACs. A mark already there is left as it is.
    /// </summary>
    public static void Claim(LibvirtDomain domain, DomainDefinition definition, string urn)
    {
        if (definition.Owner is null)
            domain.SetOwner(urn);
    }
}
