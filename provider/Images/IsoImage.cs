using System.Buffers.Binary;
using System.Text;

namespace PulumiLibvirt.Images;

/// <summary>
/// A small ISO 9660 (ECMA-119) image with one flat root directory, written in memory: what a cloud-init NoCloud seed
/// needs. Besides the primary volume descriptor, whose file names are restricted to upper-case 8.3 d-characters
/// (USER_DAT.;1), it has a Joliet supplementary volume descriptor that names the same files in UCS-2, case and hyphen
/// kept (user-data): Linux, blkid and cloud-init read the Joliet names when they are there. Every timestamp is
/// 1970-01-01 00:00:00 UTC, so the same files always make the same bytes.
/// </summary>
public static class IsoImage
{
    public const int SectorSize = 2048;

    /// <summary>The sector of the primary volume descriptor: the first 16 are the system area.</summary>
    public const int PrimaryDescriptorSector = 16;

    /// <summary>
    /// Joliet's escape sequence for UCS-2 level 3, in the supplementary descriptor's escape sequences field.
    /// </summary>
    public static ReadOnlySpan<byte> JolietEscape => "%/E"u8;

    private const int VolumeIdLength = 32;

    // Descriptors at 16 (primary), 17 (Joliet), 18 (terminator); then for each of the two trees its L and M path
    // tables; then the two root directories; then the files' data.
    private const int JolietDescriptorSector = 17;
    private const int TerminatorSector = 18;
    private const int PrimaryPathTables = 19;
    private const int JolietPathTables = 21;
    private const int PrimaryRootSector = 23;
    private const int JolietRootSector = 24;
    private const int FirstFileSector = 25;

    /// <summary>A path table with one entry, the root: 8 bytes, its 1-byte identifier and a pad byte.</summary>
    private const int PathTableSize = 10;

    /// <summary>
    /// The image of <paramref name="files"/> (names as the Joliet tree shows them) under
    /// <paramref name="volumeLabel"/>.
    /// </summary>
    public static byte[] Build(string volumeLabel, IReadOnlyList<(string Name, byte[] Content)> files)
    {
        if (volumeLabel.Length is 0 or > 16 || !volumeLabel.All(char.IsAscii))
            throw new ArgumentException(
                $"The volume label \"{volumeLabel}\" must be 1 to 16 ASCII characters.",
                nameof(volumeLabel)
            );
        var sorted = files.OrderBy(f => f.Name, StringComparer.Ordinal).ToList();
        var extents = new List<(int Sector, int Length)>();
        var next = FirstFileSector;
        foreach (var (_, content) in sorted)
        {
            extents.Add((next, content.Length));
            next += Sectors(content.Length);
        }
        var totalSectors = next;

        var primaryNames = PrimaryNames(sorted.Select(f => f.Name).ToList());
        var primaryRoot = Directory(
            PrimaryRootSector,
            sorted.Select((f, i) => (Encoding.ASCII.GetBytes(primaryNames[i]), extents[i])).ToList()
        );
        var jolietRoot = Directory(
            JolietRootSector,
            sorted.Select((f, i) => (JolietName(f.Name), extents[i])).ToList()
        );

        var image = new byte[totalSectors * SectorSize];
        VolumeDescriptor(
            Sector(image, PrimaryDescriptorSector),
            1,
            volumeLabel,
            joliet: false,
            totalSectors,
            PrimaryPathTables,
            PrimaryRootSector
        );
        VolumeDescriptor(
            Sector(image, JolietDescriptorSector),
            2,
            volumeLabel,
            joliet: true,
            totalSectors,
            JolietPathTables,
            JolietRootSector
        );
        var terminator = Sector(image, TerminatorSector);
        terminator[0] = 255;
        StandardIdentifier(terminator);
        PathTables(image, PrimaryPathTables, PrimaryRootSector);
        PathTables(image, JolietPathTables, JolietRootSector);
        primaryRoot.CopyTo(Sector(image, PrimaryRootSector));
        jolietRoot.CopyTo(Sector(image, JolietRootSector));
        for (var i = 0; i < sorted.Count; i++)
            sorted[i].Content.CopyTo(image.AsSpan(extents[i].Sector * SectorSize));
        return image;
    }

    /// <summary>
    /// The volume label of an image whose primary volume descriptor (sector 16, <see cref="SectorSize"/> bytes) is
    /// <paramref name="descriptor"/>, without its padding; null when it is no ISO 9660 primary volume descriptor.
    /// </summary>
    public static string? Label(ReadOnlySpan<byte> descriptor)
    {
        if (descriptor.Length < SectorSize || descriptor[0] != 1 || !descriptor[1..6].SequenceEqual("CD001"u8))
            return null;
        return Encoding.ASCII.GetString(descriptor.Slice(40, VolumeIdLength)).TrimEnd(' ');
    }

    private static int Sectors(int length) => (length + SectorSize - 1) / SectorSize;

    private static Span<byte> Sector(byte[] image, int sector) => image.AsSpan(sector * SectorSize, SectorSize);

    private static void StandardIdentifier(Span<byte> descriptor)
    {
        "CD001"u8.CopyTo(descriptor[1..]);
        descriptor[6] = 1; // version
    }

    /// <summary>A primary (type 1) or Joliet supplementary (type 2) volume descriptor.</summary>
    private static void VolumeDescriptor(
        Span<byte> d,
        byte type,
        string label,
        bool joliet,
        int totalSectors,
        int pathTables,
        int rootSector
    )
    {
        d[0] = type;
        StandardIdentifier(d);
        Text(d.Slice(8, 32), "", joliet); // system identifier
        Text(d.Slice(40, VolumeIdLength), label, joliet); // volume identifier
        BothEndian32(d[80..], totalSectors); // volume space size
        if (joliet)
            JolietEscape.CopyTo(d[88..]);
        BothEndian16(d[120..], 1); // volume set size
        BothEndian16(d[124..], 1); // volume sequence number
        BothEndian16(d[128..], SectorSize); // logical block size
        BothEndian32(d[132..], PathTableSize);
        BinaryPrimitives.WriteInt32LittleEndian(d[140..], pathTables); // type L path table
        BinaryPrimitives.WriteInt32BigEndian(d[148..], pathTables + 1); // type M path table
        DirectoryRecord(d.Slice(156, 34), [0], rootSector, SectorSize, isDirectory: true);
        foreach (
            var (offset, length) in new[]
            {
                (190, 128),
                (318, 128),
                (446, 128),
                (574, 128),
                (702, 37),
                (739, 37),
                (776, 37),
            }
        )
            Text(d.Slice(offset, length), "", joliet); // volume set, publisher, preparer, application, three file ids
        foreach (var offset in new[] { 813, 830, 864 })
            "1970010100000000"u8.CopyTo(d[offset..]); // creation, modification, effective: fixed; offset from GMT 0
        "0000000000000000"u8.CopyTo(d[847..]); // expiration: not specified
        d[881] = 1; // file structure version
    }

    /// <summary>
    /// A text field: ASCII padded with spaces, or for Joliet UCS-2 big-endian padded with UCS-2 spaces.
    /// </summary>
    private static void Text(Span<byte> field, string text, bool joliet)
    {
        if (!joliet)
        {
            field.Fill((byte)' ');
            Encoding.ASCII.GetBytes(text, field);
            return;
        }
        for (var i = 0; i + 1 < field.Length; i += 2)
            BinaryPrimitives.WriteUInt16BigEndian(field[i..], i / 2 < text.Length ? text[i / 2] : ' ');
    }

    /// <summary>The root directory's one sector: its "." and ".." records, then one record per file.</summary>
    private static byte[] Directory(
        int sector,
        IReadOnlyList<(byte[] Identifier, (int Sector, int Length) Extent)> files
    )
    {
        var records = new List<byte[]> { Record([0], sector, SectorSize, true), Record([1], sector, SectorSize, true) };
        records.AddRange(files.Select(f => Record(f.Identifier, f.Extent.Sector, f.Extent.Length, false)));
        if (records.Sum(r => r.Length) > SectorSize)
            throw new ArgumentException("The files' names do not fit in one directory sector; a seed has a few files.");
        return records.SelectMany(r => r).ToArray();

        static byte[] Record(byte[] identifier, int extent, int length, bool isDirectory)
        {
            // The pad byte keeps each record at an even length.
            var record = new byte[33 + identifier.Length + (identifier.Length % 2 == 0 ? 1 : 0)];
            DirectoryRecord(record, identifier, extent, length, isDirectory);
            return record;
        }
    }

    private static void DirectoryRecord(Span<byte> r, byte[] identifier, int extent, int length, bool isDirectory)
    {
        r[0] = (byte)r.Length;
        BothEndian32(r[2..], extent);
        BothEndian32(r[10..], length);
        r[18] = 70; // recorded: 1970-01-01 00:00:00, years since 1900 first, offset from GMT 0
        r[19] = 1;
        r[20] = 1;
        r[25] = isDirectory ? (byte)2 : (byte)0;
        BothEndian16(r[28..], 1); // volume sequence number
        r[32] = (byte)identifier.Length;
        identifier.CopyTo(r[33..]);
    }

    /// <summary>The L (little-endian) and M (big-endian) path tables of a tree that is its root alone.</summary>
    private static void PathTables(byte[] image, int firstSector, int rootSector)
    {
        var little = Sector(image, firstSector);
        var big = Sector(image, firstSector + 1);
        little[0] = big[0] = 1; // identifier length: the root's single 0 byte
        BinaryPrimitives.WriteInt32LittleEndian(little[2..], rootSector);
        BinaryPrimitives.WriteInt32BigEndian(big[2..], rootSector);
        BinaryPrimitives.WriteInt16LittleEndian(little[6..], 1); // parent: the root itself
        BinaryPrimitives.WriteInt16BigEndian(big[6..], 1);
    }

    /// <summary>
    /// Level 1 names for the primary tree, as readers without Joliet see them: 8 upper-case d-characters (A-Z, 0-9,
    /// _), a dot, up to 3 for the extension, ";1". Two names that come out the same get a number at their end.
    /// </summary>
    private static List<string> PrimaryNames(IReadOnlyList<string> names)
    {
        var taken = new HashSet<string>(StringComparer.Ordinal);
        var result = new List<string>();
        foreach (var name in names)
        {
            var dot = name.LastIndexOf('.');
            var (stem, extension) = dot > 0 ? (name[..dot], name[(dot + 1)..]) : (name, "");
            var (baseStem, ext) = (DCharacters(stem, 8), DCharacters(extension, 3));
            var candidate = baseStem;
            for (var n = 1; !taken.Add($"{candidate}.{ext}"); n++)
            {
                var suffix = n.ToString(System.Globalization.CultureInfo.InvariantCulture);
                candidate = baseStem[..Math.Min(baseStem.Length, 8 - suffix.Length)] + suffix;
            }
            result.Add($"{candidate}.{ext};1");
        }
        return result;
    }

    private static string DCharacters(string text, int max)
    {
        var upper = new string(
            text.Select(c => char.IsAsciiLetterOrDigit(c) ? char.ToUpperInvariant(c) : '_').ToArray()
        );
        return upper[..Math.Min(upper.Length, max)];
    }

    private static byte[] JolietName(string name)
    {
        if (name.Length is 0 or > 64 || name.Any(c => c < ' ' || c is '*' or '/' or ':' or ';' or '?' or '\\'))
            throw new ArgumentException(
                $"\"{name}\" is not a Joliet file name: 1 to 64 characters, none of * / : ; ? \\ or control "
                    + "characters.",
                nameof(name)
            );
        return Encoding.BigEndianUnicode.GetBytes(name);
    }

    private static void BothEndian16(Span<byte> field, int value)
    {
        BinaryPrimitives.WriteUInt16LittleEndian(field, (ushort)value);
        BinaryPrimitives.WriteUInt16BigEndian(field[2..], (ushort)value);
    }

    private static void BothEndian32(Span<byte> field, int value)
    {
        BinaryPrimitives.WriteInt32LittleEndian(field, value);
        BinaryPrimitives.WriteInt32BigEndian(field[4..], value);
    }
}
