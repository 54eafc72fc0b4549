using System.Text;

namespace PulumiLibvirt.Resources;

/// <summary>
/// The size a free-text input may have: far beyond any real use, so that a mistake (a file pasted in whole) is one
/// clear failure at Check instead of a slow parse, a state file of megabytes or a message libvirt refuses.
/// </summary>
internal static class TextBound
{
    /// <summary>
    /// A seed's user-data: clouds allow 16 to 256 KiB, and 20 MiB scripts are known to work here (a Delete carries it
    /// twice, within the engine's 400 MiB message cap); 64 MiB leaves room for any of them.
    /// </summary>
    public const int UserDataBytes = 64 << 20;

    /// <summary>A seed's meta-data and network-config: a few lines each in any real seed.</summary>
    public const int SeedFileBytes = 64 << 10;

    /// <summary>A domain's description: it travels in the domain's XML, in one libvirt message.</summary>
    public const int DescriptionBytes = 64 << 10;

    /// <summary>A machine's xslt: a stylesheet that adds a few devices is a few KiB.</summary>
    public const int XsltBytes = 256 << 10;

    /// <summary>Why <paramref name="text"/> is too long for <paramref name="property"/>, or null.</summary>
    public static string? Problem(string property, string text, int maxBytes, string fix)
    {
        var bytes = Encoding.UTF8.GetByteCount(text);
        return bytes <= maxBytes ? null : $"'{property}' is {bytes} bytes long; it may have at most {maxBytes}. {fix}";
    }
}
