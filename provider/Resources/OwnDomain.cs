using PulumiLibvirt.Libvirt;
using PulumiLibvirt.Resources.Framework;

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
    /// Refuses to create a domain whose name is taken, saying what to do. A domain marked with the resource's own URN
    /// is the old one of a create-before-delete replacement (as `pulumi up --replace` makes, without asking Diff).
    /// </summary>
    public static void EnsureNameFree(Connection libvirt, string name, string urn, string token)
    {
        using var existing = libvirt.FindDomain(name);
        if (existing is null) return;
        throw new ProviderException(ErrorKind.FailedPrecondition, existing.Describe().Owner == urn
            ? $"A domain named '{name}' already exists on {libvirt.Uri}: the one this resource replaces. Pulumi creates a replacement before it deletes the old resource, and two domains cannot have one name. Add the resource option `deleteBeforeReplace: true`, or leave 'name' out."
            : $"A domain named '{name}' already exists on {libvirt.Uri}. Choose another name, or adopt it with `pulumi import {token} <name> {existing.Uuid}`.");
    }

    /// <summary>
    /// Marks a domain that Read finds unmarked (imported, or made before marks existed) as the resource's own, so that
    /// a later replacement recognises its name and MACs. A mark already there is left as it is.
    /// </summary>
    public static void Claim(LibvirtDomain domain, DomainDefinition definition, string urn)
    {
        if (definition.Owner is null) domain.SetOwner(urn);
    }
}
