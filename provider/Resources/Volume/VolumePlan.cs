using PulumiLibvirt.Libvirt;

namespace PulumiLibvirt.Resources;

/// <summary>What a Volume's create and update will do, computed from the inputs and the host's facts alone.</summary>
internal static class VolumePlan
{
    /// <summary>
    /// The volume a create defines: empty at its capacity, or an overlay on <paramref name="baseVolume"/> (as the
    /// host describes it) in the format given, else the base's own; null for a volume filled from a source.
    /// </summary>
    public static VolumeDefinition? Definition(VolumeArgs inputs, VolumeDescription? baseVolume)
    {
        if (inputs.Source is not null)
            return null;
        var backing = baseVolume is null
            ? null
            : new BackingStore(
                baseVolume.Path,
                inputs.BackingStore?.Format is { } f ? LibvirtNames.Of(f) : baseVolume.Format
            );
        return new VolumeDefinition(
            inputs.Name!,
            (ulong)(inputs.Capacity ?? 0),
            LibvirtNames.Of(inputs.Format ?? VolumeFormat.Qcow2),
            backing
        );
    }

    /// <summary>The capacity an update grows the volume to (it never shrinks one: that replaces it), or null.</summary>
    public static ulong? GrowTo(VolumeArgs news, ulong capacity) =>
        news.Capacity is { } wanted && (ulong)wanted > capacity ? (ulong)wanted : null;
}
