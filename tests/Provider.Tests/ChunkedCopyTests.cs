using System.Security.Cryptography;
using PulumiLibvirt.Images;
using PulumiLibvirt.Tests.Support;

namespace PulumiLibvirt.Tests;

/// <summary>The chunked copy an upload streams an image through, without libvirt.</summary>
public sealed class ChunkedCopyTests
{
    private static TransferProgress Progress() => new("img", null, _ => Task.CompletedTask);

    [Fact, Trait(Category.Name, Category.Unit)]
    public async Task Every_byte_arrives_in_order_and_the_digest_is_that_of_the_whole_image()
    {
        // Not a whole number of chunks, so that the last one is short; the reader gives odd pieces of it.
        var image = RandomNumberGenerator.GetBytes((3 * ChunkedCopy.ChunkSize) + 12345);
        using var source = new MemoryStream(image);
        ValueTask<int> Read(Memory<byte> buffer, CancellationToken cancellation) =>
            source.ReadAsync(buffer[..Math.Min(buffer.Length, 70_000)], cancellation);
        var written = new MemoryStream();

        var first = await ChunkedCopy.ReadFirstAsync(Read, CancellationToken.None);
        Assert.Equal(ChunkedCopy.ChunkSize, first.Count);
        var digest = await ChunkedCopy.CopyAsync(
            Read,
            first,
            written.Write,
            Progress(),
            hashing: true,
            CancellationToken.None
        );

        Assert.Equal(image, written.ToArray());
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(image)), digest);
    }

    [Fact, Trait(Category.Name, Category.Unit)]
    public async Task No_digest_is_made_when_none_is_asked()
    {
        using var source = new MemoryStream(new byte[1000]);
        var first = await ChunkedCopy.ReadFirstAsync(source.ReadAsync, CancellationToken.None);
        Assert.Null(
            await ChunkedCopy.CopyAsync(
                source.ReadAsync,
                first,
                _ => { },
                Progress(),
                hashing: false,
                CancellationToken.None
            )
        );
    }

    [Fact, Trait(Category.Name, Category.Unit)]
    public async Task A_failing_writer_reports_its_own_error_not_the_cancellation_it_caused_in_the_reader()
    {
        var endless = new byte[ChunkedCopy.ChunkSize];
        ValueTask<int> Read(Memory<byte> buffer, CancellationToken cancellation)
        {
            cancellation.ThrowIfCancellationRequested();
            endless.AsMemory(0, buffer.Length).CopyTo(buffer);
            return ValueTask.FromResult(buffer.Length);
        }
        var first = await ChunkedCopy.ReadFirstAsync(Read, CancellationToken.None);
        var failure = await Assert.ThrowsAsync<IOException>(() =>
            ChunkedCopy.CopyAsync(
                Read,
                first,
                _ => throw new IOException("disk full"),
                Progress(),
                hashing: false,
                CancellationToken.None
            )
        );
        Assert.Equal("disk full", failure.Message);
    }
}
