using System.Text;
using PulumiLibvirt.Framework;

namespace PulumiLibvirt.Resources;

/// <summary>
/// A function reading a libvirt host: the framework's adapter on <see cref="LibvirtContext"/>, reporting libvirt's
/// errors with their status.
/// </summary>
public abstract class LibvirtFunction<TArgs, TResult> : Function<TArgs, TResult, LibvirtContext>
    where TArgs : class
    where TResult : class
{
    /// <summary>The most bytes of a path on Linux (PATH_MAX): a volume's key or path is no longer.</summary>
    protected const int MaxPathBytes = 4096;

    /// <summary>
    /// A name or UUID to look up may have at most 255 bytes (UTF-8), a key or path <see cref="MaxPathBytes"/>: no
    /// libvirt object's is longer, as each is a file name on the host. Longer text is refused before libvirt is asked,
    /// and never echoed in a message.
    /// </summary>
    protected static IReadOnlyList<CheckFailure> NameLength(
        string property,
        string? name,
        int maxBytes = ObjectNames.MaxVolumeBytes
    ) =>
        name is not null && Encoding.UTF8.GetByteCount(name) is var bytes && bytes > maxBytes
            ?
            [
                new CheckFailure(
                    property,
                    $"'{property}' is {bytes} bytes long; no libvirt object has one of more than "
                        + $"{maxBytes} (UTF-8) bytes, so nothing could be found. Give a shorter one."
                ),
            ]
            : [];

    protected override ProviderException? Translate(Exception exception, LibvirtContext context) =>
        LibvirtErrors.Translate(exception, context.Uri, context.Connected);
}
