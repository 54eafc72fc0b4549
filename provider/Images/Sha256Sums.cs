using System.Text.RegularExpressions;

namespace PulumiLibvirt.Images;

/// <summary>
/// A checksum list as image publishers give it (SHA256SUMS): lines "digest  name" (sha256sum's format, "*name" for
/// binary mode) or "SHA256 (name) = digest" (the BSD format of Fedora's CHECKSUM files). Other lines are ignored.
/// </summary>
public static partial class Sha256Sums
{
    [GeneratedRegex(@"^(?<digest>[0-9a-fA-F]{64}) [ *]?(?<name>.+)$")]
    private static partial Regex GnuLine();

    [GeneratedRegex(@"^SHA256 \((?<name>.+)\) ?= ?(?<digest>[0-9a-fA-F]{64})$")]
    private static partial Regex BsdLine();

    /// <summary>
    /// The digest (lower-case hex) listed for <paramref name="fileName"/>, or null when the list has none.
    /// </summary>
    public static string? Find(string sums, string fileName)
    {
        foreach (var raw in sums.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            var match = GnuLine().Match(line) is { Success: true } gnu ? gnu : BsdLine().Match(line);
            if (!match.Success)
                continue;
            var name = match.Groups["name"].Value.Trim();
            if (name.StartsWith("./", StringComparison.Ordinal))
                name = name[2..];
            if (name == fileName)
                return match.Groups["digest"].Value.ToLowerInvariant();
        }
        return null;
    }
}
