using System.Security.Cryptography;

namespace PulumiLibvirt.Framework;

/// <summary>Names for resources whose program gives none, stable across previews of one deployment.</summary>
public static class Autonamer
{
    private const int SuffixLength = 7;

    /// <summary>
    /// The resource name plus a suffix derived from the engine's random seed (the same seed on every preview and
    /// update of one resource), or from fresh randomness when an old engine sends no seed.
    /// </summary>
    public static string Name(string resourceName, byte[] randomSeed)
    {
        var entropy = randomSeed.Length > 0 ? SHA256.HashData(randomSeed) : RandomNumberGenerator.GetBytes(32);
        return $"{resourceName}-{Convert.ToHexStringLower(entropy)[..SuffixLength]}";
    }
}
