using System.Buffers.Binary;
using System.Text;
using PulumiLibvirt.Images;
using PulumiLibvirt.Tests.Support;

namespace PulumiLibvirt.Tests;

/// <summary>The ISO 9660 + Joliet writer, byte by byte against ECMA-119 and the Joliet specification.</summary>
[Trait(Category.Name, Category.Unit)]
public sealed class IsoImageTests
{
    private const int Sector = IsoImage.SectorSize;

    /// <summary>More than one sector: its data spans several.</summary>
    private static readonly byte[] LargeUserData = Encoding.UTF8.GetBytes(
        "#cloud-config\n" + string.Concat(Enumerable.Range(0, 200).Select(i => $"# line {i:D3} of padding\n"))
    );

    private static byte[] Build() =>
        IsoImage.Build(
            "cidata",
            [("user-data", LargeUserData), ("meta-data", "instance-id: i-1\n"u8.ToArray()), ("network-config", [])]
        );

    private static ReadOnlySpan<byte> SectorOf(byte[] image, int sector) => image.AsSpan(sector * Sector, Sector);

    [Fact]
    public void The_primary_volume_descriptor_is_at_sector_16_with_CD001_the_label_and_the_size_in_sectors()
    {
        var image = Build();
        var pvd = SectorOf(image, 16);
        Assert.Equal(1, pvd[0]);
        Assert.Equal("CD001", Encoding.ASCII.GetString(pvd[1..6]));
        Assert.Equal(1, pvd[6]);
        Assert.Equal("cidata" + new string(' ', 26), Encoding.ASCII.GetString(pvd.Slice(40, 32)));
        Assert.Equal(image.Length / Sector, BinaryPrimitives.ReadInt32LittleEndian(pvd[80..]));
        Assert.Equal(image.Length / Sector, BinaryPrimitives.ReadInt32BigEndian(pvd[84..]));
        Assert.Equal(Sector, BinaryPrimitives.ReadUInt16LittleEndian(pvd[128..]));
        Assert.Equal("cidata", IsoImage.Label(pvd));
        Assert.True(
            SectorOf(image, 0).Length == Sector && image.AsSpan(0, 16 * Sector).IndexOfAnyExcept((byte)0) < 0,
            "the system area is zero"
        );
    }

    [Fact]
    public void The_Joliet_descriptor_follows_with_the_UCS2_level_3_escape_and_the_label_in_UCS2_then_the_terminator()
    {
        var image = Build();
        var svd = SectorOf(image, 17);
        Assert.Equal(2, svd[0]);
        Assert.Equal("CD001", Encoding.ASCII.GetString(svd[1..6]));
        Assert.Equal("%/E", Encoding.ASCII.GetString(svd.Slice(88, 3)));
        Assert.Equal("cidata".PadRight(16), Encoding.BigEndianUnicode.GetString(svd.Slice(40, 32)));
        var terminator = SectorOf(image, 18);
        Assert.Equal(255, terminator[0]);
        Assert.Equal("CD001", Encoding.ASCII.GetString(terminator[1..6]));
    }

    [Fact]
    public void The_Joliet_root_names_the_files_with_case_and_hyphen_and_gives_each_its_extent_and_size()
    {
        var image = Build();
        var svd = SectorOf(image, 17);
        var rootSector = BinaryPrimitives.ReadInt32LittleEndian(svd[(156 + 2)..]);
        var entries = Records(SectorOf(image, rootSector))
            .Skip(2) // "." and ".."
            .Select(r => (Name: Encoding.BigEndianUnicode.GetString(r.Identifier), r.Extent, r.Length))
            .ToList();
        Assert.Equal(["meta-data", "network-config", "user-data"], entries.Select(e => e.Name));
        var user = entries.Single(e => e.Name == "user-data");
        Assert.Equal(LargeUserData.Length, user.Length);
        Assert.True(LargeUserData.Length > Sector);
        Assert.Equal(LargeUserData, image.AsSpan(user.Extent * Sector, user.Length).ToArray());
        Assert.Equal(0, entries.Single(e => e.Name == "network-config").Length);
        // The large file's sectors end the image.
        Assert.Equal(image.Length, (user.Extent + (LargeUserData.Length + Sector - 1) / Sector) * Sector);
    }

    [Fact]
    public void The_primary_root_names_the_same_files_in_level_1_d_characters()
    {
        var image = Build();
        var rootSector = BinaryPrimitives.ReadInt32LittleEndian(SectorOf(image, 16)[(156 + 2)..]);
        var names = Records(SectorOf(image, rootSector)).Skip(2).Select(r => Encoding.ASCII.GetString(r.Identifier));
        Assert.Equal(["META_DAT.;1", "NETWORK_.;1", "USER_DAT.;1"], names);
    }

    [Fact]
    public void The_same_files_make_the_same_bytes_and_other_content_other_bytes()
    {
        Assert.Equal(Build(), Build());
        var other = IsoImage.Build(
            "cidata",
            [
                ("user-data", "#cloud-config\n"u8.ToArray()),
                ("meta-data", "instance-id: i-1\n"u8.ToArray()),
                ("network-config", []),
            ]
        );
        Assert.NotEqual(Build(), other);
    }

    [Fact]
    public void A_sector_that_is_no_primary_descriptor_has_no_label()
    {
        Assert.Null(IsoImage.Label(new byte[Sector]));
        Assert.Null(IsoImage.Label(SectorOf(Build(), 17))); // the Joliet one is type 2
    }

    private static IEnumerable<(byte[] Identifier, int Extent, int Length)> Records(ReadOnlySpan<byte> directory)
    {
        var result = new List<(byte[], int, int)>();
        for (var offset = 0; offset < directory.Length && directory[offset] > 0; offset += directory[offset])
        {
            var r = directory[offset..];
            result.Add(
                (
                    r.Slice(33, r[32]).ToArray(),
                    BinaryPrimitives.ReadInt32LittleEndian(r[2..]),
                    BinaryPrimitives.ReadInt32LittleEndian(r[10..])
                )
            );
        }
        return result;
    }
}
