using Google.Protobuf.WellKnownTypes;
using PulumiLibvirt.Protocol;
using PulumiLibvirt.Tests.Support;

namespace PulumiLibvirt.Tests;

[Trait(Category.Name, Category.Unit)]
public class GrpcWireTests
{
    [Fact]
    public async Task A_frame_is_a_zero_flag_a_big_endian_length_and_the_message()
    {
        var message = new Pulumirpc.PluginInfo { Version = "1.2.3" };
        var frame = GrpcWire.Frame(message);
        Assert.Equal([0, 0, 0, 0, 7], frame[..5]);
        var read = await GrpcWire.ReadSingleAsync(new MemoryStream(frame), Pulumirpc.PluginInfo.Parser, default);
        Assert.Equal(message, read);
    }

    [Fact]
    public async Task A_compressed_or_truncated_frame_is_an_error_not_a_guess()
    {
        var compressed = GrpcWire.Frame(new Empty());
        compressed[0] = 1;
        Assert.Equal(StatusCode.Unimplemented, (await Assert.ThrowsAsync<RpcException>(() =>
            GrpcWire.ReadSingleAsync(new MemoryStream(compressed), Empty.Parser, default))).Status);
        var truncated = GrpcWire.Frame(new Pulumirpc.PluginInfo { Version = "1.2.3" })[..8];
        await Assert.ThrowsAsync<RpcException>(() => GrpcWire.ReadSingleAsync(new MemoryStream(truncated), Pulumirpc.PluginInfo.Parser, default));
    }

    [Fact]
    public void Status_messages_are_percent_encoded_utf8_and_decode_back()
    {
        const string Message = "volume 'ä' is 100% used\nreally";
        var encoded = GrpcWire.EncodeMessage(Message);
        Assert.Equal("volume '%C3%A4' is 100%25 used%0Areally", encoded);
        Assert.Equal(Message, GrpcWire.DecodeMessage(encoded));
    }
}
