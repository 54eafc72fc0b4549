using static PulumiLibvirt.Tests.Support.Sizes;

namespace PulumiLibvirt.Tests.Support;

/// <summary>
/// Disk images made with qemu-img and filled with known patterns through qemu-io, in a folder of this run that is
/// removed afterwards: a qcow2 image, a sparse raw image, and a gzip-compressed file that is not a disk image.
/// </summary>
public sealed class TestImages : IDisposable
{
    public const long Qcow2Size = 64 * MiB;
    public const long RawSize = 32 * MiB;

    public TestImages()
    {
        Folder = Path.Combine("/var/tmp", TestPool.UniqueName("images"));
        Directory.CreateDirectory(Folder);
        Qcow2 = Path.Combine(Folder, "patterned.qcow2");
        Command.Run(
            "qemu-img",
            "create",
            "-f",
            "qcow2",
            Qcow2,
            Qcow2Size.ToString(System.Globalization.CultureInfo.InvariantCulture)
        );
        Command.WritePattern(Qcow2, "qcow2", 0xab, 1 * MiB, 2 * MiB);
        Command.WritePattern(Qcow2, "qcow2", 0xcd, 40 * MiB, 1 * MiB);
        Raw = Path.Combine(Folder, "patterned.raw");
        Command.Run(
            "qemu-img",
            "create",
            "-f",
            "raw",
            Raw,
            RawSize.ToString(System.Globalization.CultureInfo.InvariantCulture)
        );
        Command.WritePattern(Raw, "raw", 0x5a, 4 * MiB, 1 * MiB);
        Command.WritePattern(Raw, "raw", 0x77, 20 * MiB, MiB / 2);
        Compressed = Path.Combine(Folder, "patterned.raw.gz");
        Command.Run("bash", "-c", $"gzip -c '{Raw}' > '{Compressed}'");
    }

    public string Folder { get; }
    public string Qcow2 { get; }
    public string Raw { get; }
    public string Compressed { get; }

    /// <summary>
    /// A sparse raw image of <paramref name="size"/> bytes with a pattern at its start, made in the folder.
    /// </summary>
    public string SparseRaw(string name, long size)
    {
        var path = Path.Combine(Folder, name);
        Command.Run(
            "qemu-img",
            "create",
            "-f",
            "raw",
            path,
            size.ToString(System.Globalization.CultureInfo.InvariantCulture)
        );
        Command.WritePattern(path, "raw", 0x3c, 0, 1 * MiB);
        return path;
    }

    /// <summary>Whether two images hold the same guest-visible content (qemu-img compare, any formats).</summary>
    public static bool SameContent(string a, string b) => Command.Succeeds("qemu-img", "compare", a, b);

    /// <summary>Bytes a file really occupies on disk (holes excluded).</summary>
    public static long Allocated(string path) =>
        long.Parse(Command.Run("stat", "-c", "%b", path).Trim(), System.Globalization.CultureInfo.InvariantCulture)
        * 512;

    public void Dispose() => Directory.Delete(Folder, recursive: true);
}
