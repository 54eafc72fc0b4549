using System.Text.RegularExpressions;

namespace PulumiLibvirt.Images;

/// <summary>
/// A URL as messages and logs may show it: its user information (user:password@, or a token given as the user) is
/// replaced by <c>***</c>, so that no error, log line or check failure repeats a credential.
/// </summary>
public static partial class RedactedUrl
{
    /// <summary>
    /// The URL without its credentials. Works on text that is no valid URL too (a check failure quotes it).
    /// </summary>
    public static string Of(string url) => UserInfo().Replace(url, "$1***@");

    public static string Of(Uri url) => Of(url.OriginalString);

    // After the scheme's "//", everything up to the first '@' that comes before the path, query or fragment.
    [GeneratedRegex("^([A-Za-z][A-Za-z0-9+.-]*://)[^/?#@]*@")]
    private static partial Regex UserInfo();
}
