namespace PulumiLibvirt.Tests.Support;

/// <summary>Byte counts the tests size volumes and images with.</summary>
public static class Sizes
{
    public const long MiB = 1 << 20;
}
