using PulumiLibvirt.Framework;
using PulumiLibvirt.Libvirt;

namespace PulumiLibvirt.Resources;

/// <summary>A Clone's update of its TPM device and CPU in its persistent definition (UUID, MACs kept).</summary>
internal static class CloneHardware
{
    /// <summary>An input no longer given goes back to the source's device.</summary>
    public static async Task UpdateAsync(
        Connection libvirt,
        LibvirtDomain domain,
        CloneArgs news,
        LibvirtContext context
    )
    {
        DomainDefinition? template = null;
        if (news.Tpm is null || news.Cpu is null)
        {
            using var source = libvirt.FindDomain(news.Source)
                ?? throw new ProviderException(
                    ErrorKind.NotFound,
                    $"The source '{news.Source}' is gone, so the clone "
                        + "cannot take its TPM or CPU; give 'tpm' and 'cpu'."
                );
            template = source.Describe();
        }
        libvirt.SetTpmAndCpu(
            domain,
            MachineTpm.Definition(news.Tpm) ?? template!.Tpm,
            MachineCpu.Definition(news.Cpu) ?? template!.Cpu
        );
        if (domain.IsActive && news.Running)
        {
            await context.InfoAsync(
                $"Clone '{news.Name}' is running: its new TPM and CPU take effect at its next boot."
            );
        }
    }
}
