using System.Buffers;
using System.Runtime.ExceptionServices;
using System.Security.Cryptography;
using System.Threading.Channels;

namespace PulumiLibvirt.Images;

/// <summary>Reads the next bytes of an image into <paramref name="buffer"/>; 0 at its end.</summary>
public delegate ValueTask<int> ImageReader(Memory<byte> buffer, CancellationToken cancellation);

/// <summary>Takes the next chunk of an image, in order.</summary>
public delegate void ChunkWriter(ReadOnlySpan<byte> chunk);

/// <summary>
/// Copies an image from a reader to a writer in chunks: one task reads (and hashes, when asked) while another writes,
/// so reading and writing overlap, and at most <see cref="ChunksInFlight"/> chunks are in memory whatever the image's
/// size. The first chunk is read apart (<see cref="ReadFirstAsync"/>), so that a caller can judge the image by its
/// header before anything is written.
/// </summary>
public static class ChunkedCopy
{
    /// <summary>
    /// What one libvirt stream message carries at most (VIR_NET_MESSAGE_LEGACY_PAYLOAD_MAX), as virsh sends it.
    /// </summary>
    public const int ChunkSize = 256 * 1024;

    /// <summary>Chunks between the reader and the writer.</summary>
    private const int ChunksInFlight = 8;

    /// <summary>The image's first chunk: a pooled buffer and how many of its bytes the image filled.</summary>
    public static async Task<(byte[] Buffer, int Count)> ReadFirstAsync(
        ImageReader read,
        CancellationToken cancellation
    )
    {
        var first = ArrayPool<byte>.Shared.Rent(ChunkSize);
        return (first, await FillAsync(read, first.AsMemory(0, ChunkSize), cancellation));
    }

    /// <summary>
    /// Writes <paramref name="first"/> and the rest of the image, counting each chunk in <paramref name="progress"/>,
    /// and answers the SHA-256 (hex) of all of it when <paramref name="hashing"/>, else null. Hashing only when asked
    /// keeps an upload as fast as virsh's.
    /// </summary>
    public static async Task<string?> CopyAsync(
        ImageReader read,
        (byte[] Buffer, int Count) first,
        ChunkWriter write,
        TransferProgress progress,
        bool hashing,
        CancellationToken cancellation
    )
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        using var hash = hashing ? IncrementalHash.CreateHash(HashAlgorithmName.SHA256) : null;
        var chunks = Channel.CreateBounded<(byte[] Buffer, int Count)>(ChunksInFlight);
        var reader = Task.Run(
            async () =>
            {
                try
                {
                    var chunk = first;
                    while (chunk.Count > 0)
                    {
                        hash?.AppendData(chunk.Buffer, 0, chunk.Count);
                        await chunks.Writer.WriteAsync(chunk, stop.Token);
                        var buffer = ArrayPool<byte>.Shared.Rent(ChunkSize);
                        chunk = (buffer, await FillAsync(read, buffer.AsMemory(0, ChunkSize), stop.Token));
                    }
                    ArrayPool<byte>.Shared.Return(chunk.Buffer);
                    chunks.Writer.Complete();
                }
                catch (Exception e)
                {
                    chunks.Writer.TryComplete(e);
                    throw;
                }
            },
            stop.Token
        );
        var writer = Task.Run(
            async () =>
            {
                try
                {
                    await foreach (var (buffer, count) in chunks.Reader.ReadAllAsync(stop.Token))
                    {
                        write(buffer.AsSpan(0, count));
                        ArrayPool<byte>.Shared.Return(buffer);
                        await progress.AdvanceAsync(count);
                    }
                }
                catch
                {
                    await stop.CancelAsync();
                    throw;
                }
            },
            stop.Token
        );
        try
        {
            await Task.WhenAll(reader, writer);
        }
        catch
        {
            // The first cause, not the cancellation it caused in the other task.
            var causes = new[] { reader, writer }
                .Where(t => t.IsFaulted)
                .Select(t => t.Exception!.InnerException!)
                .ToList();
            if (causes.FirstOrDefault(e => e is not OperationCanceledException) is { } cause)
                ExceptionDispatchInfo.Throw(cause);
            throw;
        }
        return hash is null ? null : Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>
    /// Reads until <paramref name="buffer"/> is full or the image ends: full chunks make few stream messages.
    /// </summary>
    private static async Task<int> FillAsync(ImageReader read, Memory<byte> buffer, CancellationToken cancellation)
    {
        var filled = 0;
        while (filled < buffer.Length)
        {
            var count = await read(buffer[filled..], cancellation);
            if (count == 0)
                break;
            filled += count;
        }
        return filled;
    }
}
