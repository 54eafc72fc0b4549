using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace PulumiLibvirt.Resources;

/// <summary>
/// What the names of libvirt objects may be. Each becomes a file name on the host, which the filesystem limits to 255
/// bytes: a volume's is its file; a domain's, a pool's and a network's get suffixes from libvirt and the provider
/// (<c>.xml.new</c>, <c>_VARS.fd</c>, dnsmasq's <c>.hostsfile</c>, a Clone's <c>-vda.qcow2</c>), so they keep room for
/// them.
/// </summary>
internal static class ObjectNames
{
    /// <summary>The most bytes (UTF-8) of a domain's, pool's or network's name.</summary>
    public const int MaxBytes = 240;

    /// <summary>The most bytes (UTF-8) of a volume's name: a whole file name.</summary>
    public const int MaxVolumeBytes = 255;

    private static readonly JsonSerializerOptions Quoting = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>The text in double quotes, with control characters escaped, for a message.</summary>
    public static string Quote(string text) => JsonSerializer.Serialize(text, Quoting);

    /// <summary>
    /// Why <paramref name="name"/> cannot name a <paramref name="what"/> (a domain, a pool…), or null.
    /// </summary>
    public static string? Problem(string property, string name, string what, int maxBytes = MaxBytes)
    {
        if (string.IsNullOrWhiteSpace(name))
            return $"'{property}' is empty: give the {what} a name, or leave it out to get one from the resource name.";
        if (name.Any(char.IsControl))
            return $"'{property}' {Quote(name)} contains a control character (a newline, a tab…): it becomes a file "
                + "name on the host and appears in virsh's listings. Use letters, digits, '-', '_' and '.'.";
        if (InvisibleCharacter(name) is { } invisible)
        {
            return $"'{property}' contains the invisible formatting character U+{(int)invisible:X4} (a right-to-left "
                + "override, a zero-width space…): it would make the name look like another one in listings and logs. "
                + "Use letters, digits, '-', '_' and '.'.";
        }
        if (name.Contains('/'))
            return $"'{property}' {Quote(name)} may not contain '/': it becomes a file name on the host.";
        var bytes = Encoding.UTF8.GetByteCount(name);
        return bytes > maxBytes
            ? $"'{property}' is {bytes} bytes long; a {what} name may have at most {maxBytes} (UTF-8) bytes, as the "
                + "files named after it must fit the filesystem's 255. Choose a shorter name."
            : null;
    }

    /// <summary>
    /// The first Unicode format character (bidirectional overrides, zero-width spaces…) of the text, or null.
    /// </summary>
    private static char? InvisibleCharacter(string text) =>
        text.Cast<char?>().FirstOrDefault(c => char.GetUnicodeCategory(c!.Value) == UnicodeCategory.Format);

    /// <summary>Why <paramref name="name"/> cannot name a volume (its 'name'), or null.</summary>
    public static string? VolumeProblem(string name)
    {
        if (Problem("name", name, "volume", MaxVolumeBytes) is { } problem)
            return problem;
        return name.Contains("..", StringComparison.Ordinal)
            ? $"'name' {Quote(name)} may not contain '..': it becomes a file name inside the pool."
            : null;
    }
}
