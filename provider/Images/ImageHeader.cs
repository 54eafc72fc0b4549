using System.Buffers.Binary;

namespace PulumiLibvirt.Images;

/// <summary>The kinds of image content this provider recognises from the first bytes.</summary>
public enum ImageKind
{
    Raw,
    Qcow2,
    Compressed,
}

/// <summary>
/// What the first bytes of a disk image say: qcow2 (its magic, then the virtual size and whether it names a backing
/// file), a compressed archive (not a disk image), or else raw, whose size is its length.
/// </summary>
public sealed record ImageHeader(ImageKind Kind, ulong? VirtualSize, bool HasBackingFile, string? Compression)
{
    /// <summary>Enough bytes for every field read here (the qcow2 header's first 32).</summary>
    public const int Length = 512;

    private static readonly byte[] Qcow2Magic = [(byte)'Q', (byte)'F', (byte)'I', 0xFB];

    private static readonly (string Name, byte[] Magic)[] Archives =
    [
        ("xz", [0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00]),
        ("gzip", [0x1F, 0x8B]),
        ("zstd", [0x28, 0xB5, 0x2F, 0xFD]),
        ("bzip2", [0x42, 0x5A, 0x68]),
    ];

    /// <summary>
    /// Reads the header from the first bytes of an image (fewer than <see cref="Length"/> when the image is that
    /// short).
    /// </summary>
    public static ImageHeader Parse(ReadOnlySpan<byte> start)
    {
        if (start.Length >= 32 && start.StartsWith(Qcow2Magic))
        {
            // qcow2 header, big-endian: magic, version, backing_file_offset (8 bytes), backing_file_size, cluster_bits,
            // size (8 bytes).
            var backingFileOffset = BinaryPrimitives.ReadUInt64BigEndian(start[8..]);
            var size = BinaryPrimitives.ReadUInt64BigEndian(start[24..]);
            return new ImageHeader(ImageKind.Qcow2, size, backingFileOffset != 0, null);
        }
        foreach (var (name, magic) in Archives)
        {
            if (start.StartsWith(magic))
                return new ImageHeader(ImageKind.Compressed, null, false, name);
        }
        return new ImageHeader(ImageKind.Raw, null, false, null);
    }

    /// <summary>The header of a file on this machine.</summary>
    public static ImageHeader Read(string path)
    {
        using var file = File.OpenRead(path);
        var start = new byte[Length];
        var read = file.ReadAtLeast(start, start.Length, throwOnEndOfStream: false);
        var header = Parse(start.AsSpan(0, read));
        return header.Kind == ImageKind.Raw ? header with { VirtualSize = (ulong)file.Length } : header;
    }

    /// <summary>libvirt's and qemu's name of the format: qcow2 or raw.</summary>
    public string Format => Kind == ImageKind.Qcow2 ? "qcow2" : "raw";

    /// <summary>Why the image cannot become a volume as it is, or null when it can.</summary>
    public string? Problem =>
        Kind switch
        {
            ImageKind.Compressed =>
                $"it is {Compression}-compressed, not a disk image: decompress it first (or point at the "
                    + "uncompressed image)",
            ImageKind.Qcow2 when HasBackingFile =>
                "it is a qcow2 overlay that names a backing file, which would not exist on the host: flatten it "
                    + "first (qemu-img convert -O qcow2 overlay.qcow2 flat.qcow2)",
            _ => null,
        };
}
