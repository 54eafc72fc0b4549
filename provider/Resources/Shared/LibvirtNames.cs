using PulumiLibvirt.Framework;

namespace PulumiLibvirt.Resources;

/// <summary>
/// The provider's enums as libvirt writes them: the same words as in Pulumi programs (qcow2, virtio, cdrom…), so one
/// spelling serves the schema, the XML and import.
/// </summary>
internal static class LibvirtNames
{
    public static string Of<T>(T value)
        where T : struct, Enum => TypeShape.CamelCase(value.ToString());

    /// <summary>
    /// The enum value libvirt's <paramref name="value"/> names; an import of anything else is refused.
    /// </summary>
    /// <param name="what">What the value is, for the message: "the volume's format", "disk vda's bus"…</param>
    public static T Parse<T>(string value, string what)
        where T : struct, Enum =>
        Enum.GetValues<T>().Cast<T?>().FirstOrDefault(candidate => Of(candidate!.Value) == value)
        ?? throw new ProviderException(
            ErrorKind.InvalidArgument,
            $"{what} is '{value}'; this provider manages {string.Join(", ", Enum.GetValues<T>().Select(Of))} only."
        );
}
