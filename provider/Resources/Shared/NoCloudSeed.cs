using PulumiLibvirt.Images;
using PulumiLibvirt.Libvirt;

namespace PulumiLibvirt.Resources;

/// <summary>
/// What makes a volume a cloud-init NoCloud seed: a CloudInit makes one, and a Clone finds the template's.
/// </summary>
internal static class NoCloudSeed
{
    /// <summary>The volume label cloud-init looks for (it accepts CIDATA too).</summary>
    public const string Label = "cidata";

    /// <summary>
    /// Whether <paramref name="volume"/> is a NoCloud seed: its ISO 9660 volume label is cidata, the one mark
    /// cloud-init itself finds a seed by, whoever made it. Only the primary volume descriptor is read, through the
    /// connection.
    /// </summary>
    public static bool IsSeed(Connection libvirt, StorageVolume volume)
    {
        if (volume.Describe().Capacity < (IsoImage.PrimaryDescriptorSector + 1) * IsoImage.SectorSize)
            return false;
        var descriptor = libvirt.ReadVolume(
            volume,
            IsoImage.PrimaryDescriptorSector * IsoImage.SectorSize,
            IsoImage.SectorSize
        );
        return string.Equals(IsoImage.Label(descriptor), Label, StringComparison.OrdinalIgnoreCase);
    }
}
