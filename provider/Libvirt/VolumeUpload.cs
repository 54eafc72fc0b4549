namespace PulumiLibvirt.Libvirt;

/// <summary>
/// Bytes written into a volume through a libvirt stream (virStorageVolUpload), so that a remote host receives them
/// over its own connection. A sparse stream sends runs of zero blocks as holes, which the host seeks over instead of
/// writing, so a raw image keeps its holes. <see cref="Finish"/> commits; disposing an unfinished upload aborts it.
/// </summary>
public sealed class VolumeUpload : IDisposable
{
    /// <summary>The granularity of holes: a filesystem block, the smallest hole a host file can have.</summary>
    private const int BlockSize = 4096;

    private readonly StreamHandle _stream;
    private readonly bool _sparse;
    private long _pendingHole;
    private bool _finished;

    internal VolumeUpload(StreamHandle stream, bool sparse) => (_stream, _sparse) = (stream, sparse);

    /// <summary>
    /// The next bytes of the image, in order; in a sparse stream, blocks of zeros among them become holes.
    /// </summary>
    public void Write(ReadOnlySpan<byte> bytes)
    {
        if (!_sparse)
        {
            Send(bytes);
            return;
        }
        var dataStart = -1;
        for (var offset = 0; offset < bytes.Length; offset += BlockSize)
        {
            var block = bytes.Slice(offset, Math.Min(BlockSize, bytes.Length - offset));
            var zero = !block.ContainsAnyExcept((byte)0);
            if (zero && dataStart >= 0)
            {
                Send(bytes[dataStart..offset]);
                dataStart = -1;
            }
            if (zero)
            {
                _pendingHole += block.Length;
            }
            else if (dataStart < 0)
            {
                SendPendingHole();
                dataStart = offset;
            }
        }
        if (dataStart >= 0)
            Send(bytes[dataStart..]);
    }

    /// <summary>
    /// Ends the image (a trailing hole still sets its length) and waits for the host to have written it.
    /// </summary>
    public void Finish()
    {
        SendPendingHole();
        LibvirtCall.Check(Native.virStreamFinish(_stream));
        _finished = true;
    }

    private void SendPendingHole()
    {
        if (_pendingHole == 0)
            return;
        LibvirtCall.Check(Native.virStreamSendHole(_stream, _pendingHole, 0));
        _pendingHole = 0;
    }

    private unsafe void Send(ReadOnlySpan<byte> data)
    {
        fixed (byte* start = data)
        {
            // A blocking stream may take fewer bytes than offered: send the rest.
            var sent = 0;
            while (sent < data.Length)
                sent += LibvirtCall.Check(Native.virStreamSend(_stream, start + sent, (nuint)(data.Length - sent)));
        }
    }

    public void Dispose()
    {
        if (!_finished && !_stream.IsInvalid)
        {
            // The abort's own error (a stream that already failed) says nothing new: the caller has the first one.
            if (Native.virStreamAbort(_stream) < 0)
                Native.virResetLastError();
        }
        _stream.Dispose();
    }
}
