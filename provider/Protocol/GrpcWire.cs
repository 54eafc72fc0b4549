using System.Buffers.Binary;
using System.Text;
using Google.Protobuf;

namespace PulumiLibvirt.Protocol;

/// <summary>
/// gRPC's framing over HTTP/2, shared by the server and the client: length-prefixed messages, the status trailers and
/// their encodings. Compression is never negotiated, so every message is sent and expected uncompressed.
/// </summary>
public static class GrpcWire
{
    public const string ContentType = "application/grpc";
    public const string StatusHeader = "grpc-status";
    public const string MessageHeader = "grpc-message";
    public const string DetailsHeader = "grpc-status-details-bin";

    /// <summary>One message: a zero compression flag, a 4-byte big-endian length, the message bytes.</summary>
    public static byte[] Frame(IMessage message)
    {
        var size = message.CalculateSize();
        var frame = new byte[5 + size];
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), (uint)size);
        message.WriteTo(frame.AsSpan(5));
        return frame;
    }

    /// <summary>Reads exactly one message from a request or response body.</summary>
    public static async Task<T> ReadSingleAsync<T>(Stream body, MessageParser<T> parser, CancellationToken cancellation)
        where T : IMessage<T>
    {
        var header = new byte[5];
        if (!await ReadExactlyOrEndAsync(body, header, cancellation))
            throw new RpcException(StatusCode.Internal, "gRPC body ended before a message arrived");
        if (header[0] != 0)
            throw new RpcException(StatusCode.Unimplemented, "compressed gRPC messages are not supported");
        var length = BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(1));
        var payload = new byte[length];
        if (!await ReadExactlyOrEndAsync(body, payload, cancellation))
            throw new RpcException(StatusCode.Internal, "gRPC body ended inside a message");
        return parser.ParseFrom(payload);
    }

    private static async Task<bool> ReadExactlyOrEndAsync(Stream stream, byte[] buffer, CancellationToken cancellation)
    {
        var read = await stream.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellation);
        return read == buffer.Length;
    }

    /// <summary>grpc-message is percent-encoded UTF-8: printable ASCII stays, everything else and '%' become %XX.</summary>
    public static string EncodeMessage(string message)
    {
        var builder = new StringBuilder();
        foreach (var b in Encoding.UTF8.GetBytes(message))
        {
            if (b is >= 0x20 and <= 0x7E && b != (byte)'%') builder.Append((char)b);
            else builder.Append('%').Append(b.ToString("X2"));
        }
        return builder.ToString();
    }

    public static string DecodeMessage(string encoded)
    {
        var bytes = new List<byte>(encoded.Length);
        for (var i = 0; i < encoded.Length; i++)
        {
            if (encoded[i] == '%' && i + 2 < encoded.Length &&
                byte.TryParse(encoded.AsSpan(i + 1, 2), System.Globalization.NumberStyles.HexNumber, null, out var b))
            {
                bytes.Add(b);
                i += 2;
            }
            else
            {
                bytes.Add((byte)encoded[i]);
            }
        }
        return Encoding.UTF8.GetString(bytes.ToArray());
    }

    public static string EncodeDetails(Google.Rpc.Status details) => Convert.ToBase64String(details.ToByteArray()).TrimEnd('=');

    public static Google.Rpc.Status DecodeDetails(string encoded)
    {
        var padded = encoded.PadRight(encoded.Length + (4 - encoded.Length % 4) % 4, '=');
        return Google.Rpc.Status.Parser.ParseFrom(Convert.FromBase64String(padded));
    }
}
