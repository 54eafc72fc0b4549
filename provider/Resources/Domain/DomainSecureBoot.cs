using PulumiLibvirt.Framework;

namespace PulumiLibvirt.Resources;

/// <summary>The rules of a Domain's 'secureBoot' input.</summary>
internal static class DomainSecureBoot
{
    /// <param name="type">The domain's hypervisor type when it is known and the host runs it; else null.</param>
    public static void Check(DomainCheck check, PropertyMarks marks, ICheckHost host, DomainArgs args, string? type)
    {
        if (!args.SecureBoot || !marks.IsKnown("secureBoot") || !marks.IsKnown("firmware"))
            return;
        if (args.Firmware != DomainFirmware.Efi)
        {
            check.Fail(
                "secureBoot",
                "'secureBoot' needs UEFI firmware; set 'firmware: efi' too (BIOS has no Secure Boot)."
            );
        }
        else if (type is not null && !host.DomainCapabilities(type).SecureBootFirmware)
        {
            check.Fail(
                "secureBoot",
                $"{host.Uri} has no UEFI firmware with Secure Boot (libvirt's firmware "
                    + "descriptors offer none); install the package 'ovmf' on the host (Debian, Ubuntu; 'edk2-ovmf' on "
                    + "Fedora), or leave 'secureBoot' out."
            );
        }
    }
}
