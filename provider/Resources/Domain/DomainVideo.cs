using System.ComponentModel;
using PulumiLibvirt.Framework;

namespace PulumiLibvirt.Resources;

[Description("The domain's video device.")]
public sealed record DomainVideoArgs
{
    [Description(
        "virtio (the choice for current guests, also Windows with its virtio drivers), qxl (SPICE), vga, "
            + "bochs (UEFI guests without drivers), or none (no video device: a serial-console or headless machine)."
    )]
    public required string Model { get; init; }
}

/// <summary>The rules of a Domain's 'video' input.</summary>
internal static class DomainVideo
{
    public static readonly IReadOnlyList<string> Models = ["virtio", "qxl", "vga", "bochs", "none"];

    public static void Check(DomainCheck check, PropertyMarks marks, DomainVideoArgs? video)
    {
        if (video is null || !marks.IsKnown("video"))
            return;
        if (!Models.Contains(video.Model))
        {
            check.Fail(
                "video.model",
                $"'video.model' {ObjectNames.Quote(video.Model)} is not a video model this "
                    + $"provider knows; use one of {string.Join(", ", Models)}."
            );
        }
    }
}
