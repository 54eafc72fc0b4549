using PulumiLibvirt.Framework;
using PulumiLibvirt.Libvirt;

namespace PulumiLibvirt.Resources;

/// <summary>A clone's shared folders: its own in place of the template's, or the template's when it has none.</summary>
internal static class CloneFilesystems
{
    /// <summary>
    /// What refresh reads: folders left to the template stay so while the clone still has the template's (or the
    /// template is gone and cannot say); anything else is the clone's own, as libvirt has it.
    /// </summary>
    public static IReadOnlyList<DomainFilesystemArgs>? Read(
        IReadOnlyList<DomainFilesystemArgs>? given,
        DomainDefinition clone,
        DomainDefinition? template
    ) =>
        given is null && (template is null || clone.Filesystems.SequenceEqual(template.Filesystems))
            ? null
            : MachineFilesystems.Inputs(clone.Filesystems);

    /// <summary>Redefines the clone with its new folders (the template's when none are given now).</summary>
    public static async Task UpdateAsync(LibvirtDomain domain, CloneArgs news, LibvirtContext context)
    {
        var libvirt = context.Libvirt;
        IReadOnlyList<DomainFilesystem> filesystems;
        if (news.Filesystems is { } given)
            filesystems = MachineFilesystems.Definition(given);
        else
        {
            using var source = libvirt.FindDomain(news.Source)
                ?? throw new ProviderException(
                    ErrorKind.NotFound,
                    $"The source '{news.Source}' is gone, so the "
                        + "clone cannot take its shared folders; give 'filesystems'."
                );
            filesystems = source.Describe().Filesystems;
        }
        using var _ = libvirt.DefineDomain(FilesystemXml.Replaced(domain.Xml(), filesystems));
        if (domain.IsActive && news.Running)
            await context.InfoAsync(
                $"Clone '{news.Name}' is running: its new shared folders are there at its next " + "boot."
            );
    }
}
