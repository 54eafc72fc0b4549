using System.Buffers.Binary;
using System.IO.Compression;
using PulumiLibvirt.Images;
using PulumiLibvirt.Tests.Support;

namespace PulumiLibvirt.Tests;

/// <summary>
/// What the provider reads from images and their publishers' files, and the progress lines it writes.
/// </summary>
[Trait(Category.Name, Category.Unit)]
public sealed class ImageFormatTests
{
    /// <summary>The first bytes of a qcow2 image: magic, version 3, a backing file offset, the virtual size.</summary>
    private static byte[] Qcow2Header(ulong virtualSize, ulong backingFileOffset = 0)
    {
        var header = new byte[ImageHeader.Length];
        "QFI"u8.CopyTo(header);
        header[3] = 0xFB;
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(4), 3);
        BinaryPrimitives.WriteUInt64BigEndian(header.AsSpan(8), backingFileOffset);
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(20), 16);
        BinaryPrimitives.WriteUInt64BigEndian(header.AsSpan(24), virtualSize);
        return header;
    }

    [Fact]
    public void A_qcow2_header_gives_the_format_and_the_virtual_size()
    {
        var header = ImageHeader.Parse(Qcow2Header(10UL << 30));
        Assert.Equal("qcow2", header.Format);
        Assert.Equal(10UL << 30, header.VirtualSize);
        Assert.Null(header.Problem);
    }

    [Fact]
    public void A_qcow2_overlay_is_refused_with_the_advice_to_flatten_it()
    {
        var header = ImageHeader.Parse(Qcow2Header(1UL << 30, backingFileOffset: 512));
        Assert.Contains("backing file", header.Problem);
        Assert.Contains("qemu-img convert", header.Problem);
    }

    [Fact]
    public void Anything_else_is_raw_whose_size_is_its_length_once_read_from_a_file()
    {
        var header = ImageHeader.Parse("QFI"u8); // too short to be qcow2
        Assert.Equal("raw", header.Format);
        Assert.Null(header.VirtualSize);
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllBytes(path, new byte[12345]);
            Assert.Equal(12345UL, ImageHeader.Read(path).VirtualSize);
            File.WriteAllBytes(path, Qcow2Header(1UL << 20));
            Assert.Equal(1UL << 20, ImageHeader.Read(path).VirtualSize);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Compressed_files_are_recognised_and_refused()
    {
        using var gzip = new MemoryStream();
        using (var writer = new GZipStream(gzip, CompressionLevel.Fastest, leaveOpen: true))
            writer.Write(new byte[100]);
        Assert.Contains("gzip-compressed", ImageHeader.Parse(gzip.ToArray()).Problem);
        Assert.Contains("xz-compressed", ImageHeader.Parse([0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00, 0x00]).Problem);
    }

    private const string Digest1 = "1111111111111111111111111111111111111111111111111111111111111111";
    private const string Digest2 = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

    [Fact]
    public void A_checksum_list_in_sha256sum_format_gives_the_digest_of_the_named_file()
    {
        var sums =
            $"# comment\n{Digest1}  noble-server-cloudimg-amd64.img\r\n{Digest2} *noble-server-cloudimg-arm64.img\n";
        Assert.Equal(Digest1, Sha256Sums.Find(sums, "noble-server-cloudimg-amd64.img"));
        Assert.Equal(Digest2.ToLowerInvariant(), Sha256Sums.Find(sums, "noble-server-cloudimg-arm64.img"));
        Assert.Null(Sha256Sums.Find(sums, "noble-server-cloudimg-amd64"));
    }

    [Fact]
    public void A_checksum_list_in_bsd_format_gives_the_digest_of_the_named_file()
    {
        var sums =
            $"-----BEGIN PGP SIGNED MESSAGE-----\nSHA256 (Fedora-Cloud.qcow2) = {Digest1}\nSHA256 (./other.raw) = "
            + $"{Digest2}\n";
        Assert.Equal(Digest1, Sha256Sums.Find(sums, "Fedora-Cloud.qcow2"));
        Assert.Equal(Digest2.ToLowerInvariant(), Sha256Sums.Find(sums, "other.raw"));
    }

    private sealed class Clock
    {
        public TimeSpan Now { get; set; }
    }

    [Fact]
    public async Task Progress_is_logged_at_each_tenth_of_a_known_total_and_not_in_between()
    {
        var clock = new Clock();
        var lines = new List<string>();
        var progress = new TransferProgress(
            "Volume 'v': img",
            1000,
            line =>
            {
                lines.Add(line);
                return Task.CompletedTask;
            },
            () => clock.Now
        );
        for (var i = 0; i < 40; i++)
        {
            clock.Now += TimeSpan.FromMilliseconds(10);
            await progress.AdvanceAsync(25);
        }
        Assert.Equal(10, lines.Count);
        Assert.StartsWith("Volume 'v': img: 100 B of 1000 B (10%) after 0.0 s", lines[0]);
        Assert.Contains("1000 B of 1000 B (100%)", lines[^1]);
        await progress.CompleteAsync();
        Assert.Equal("Volume 'v': img: done, 1000 B in 0.4 s (2.4 KiB/s).", lines[^1]);
    }

    [Fact]
    public async Task Without_a_total_or_while_stalled_a_line_comes_every_five_seconds()
    {
        var clock = new Clock();
        var lines = new List<string>();
        var progress = new TransferProgress(
            "img",
            null,
            line =>
            {
                lines.Add(line);
                return Task.CompletedTask;
            },
            () => clock.Now
        );
        await progress.AdvanceAsync(3 << 20);
        clock.Now = TimeSpan.FromSeconds(4.9);
        await progress.TickAsync();
        Assert.Empty(lines);
        clock.Now = TimeSpan.FromSeconds(5);
        await progress.TickAsync();
        Assert.Equal(["img: 3.0 MiB after 5.0 s, 614.4 KiB/s"], lines);
        clock.Now = TimeSpan.FromSeconds(9);
        await progress.AdvanceAsync(1);
        await progress.TickAsync();
        Assert.Single(lines);
        clock.Now = TimeSpan.FromSeconds(10);
        await progress.TickAsync();
        Assert.Equal(2, lines.Count);
    }

    [Theory]
    [InlineData(0, "0 B")]
    [InlineData(1023, "1023 B")]
    [InlineData(1536, "1.5 KiB")]
    [InlineData(600L << 20, "600.0 MiB")]
    [InlineData(5L << 30, "5.0 GiB")]
    public void Sizes_read_as_people_read_them(long bytes, string expected) =>
        Assert.Equal(expected, TransferProgress.Size(bytes));
}
