using System.Security.Cryptography;

namespace PulumiLibvirt.Tests.Support;

/// <summary>Digests of whole files, to prove that a disk image was not written.</summary>
public static class FileDigest
{
    public static string Sha256(string path)
    {
        using var file = File.OpenRead(path);
        return Convert.ToHexString(SHA256.HashData(file));
    }
}
