using Grpc.Core;
using PulumiLibvirt.Framework;
using PulumiLibvirt.Protocol;
using PulumiLibvirt.Tests.Support;
using Struct = Google.Protobuf.WellKnownTypes.Struct;
using Value = Google.Protobuf.WellKnownTypes.Value;

namespace PulumiLibvirt.Tests;

/// <summary>Pulumi's special values inside google.protobuf.Struct.</summary>
[Trait(Category.Name, Category.Unit)]
public class PropertyStructTests
{
    private static Value Special(string signature, params (string Key, Value Value)[] fields)
    {
        var obj = new Struct { Fields = { [PropertyStruct.SignatureKey] = Value.ForString(signature) } };
        foreach (var (key, value) in fields)
            obj.Fields[key] = value;
        return Value.ForStruct(obj);
    }

    [Fact]
    public void Secret_and_unknown_values_decode_to_markers_and_encode_back_unchanged()
    {
        var wire = new Struct
        {
            Fields =
            {
                ["password"] = Special(PropertyStruct.SecretSignature, ("value", Value.ForString("hunter2"))),
                ["size"] = Value.ForString(PropertyStruct.UnknownSentinel),
                ["nested"] = Value.ForList(Value.ForNumber(1), Value.ForBool(true), Value.ForNull()),
            },
        };
        var decoded = PropertyStruct.Decode(wire);
        Assert.Equal(new SecretValue(new StringValue("hunter2")), decoded["password"]);
        Assert.Equal(PropertyValue.Unknown, decoded["size"]);
        Assert.Equal(Props.Array(1, true, PropertyValue.Null), decoded["nested"]);
        Assert.Equal(wire, PropertyStruct.Encode(decoded));
    }

    [Fact]
    public void Secrets_go_out_plain_to_an_engine_that_does_not_accept_them()
    {
        var encoded = PropertyStruct.Encode(Props.Object(("password", Props.Secret("hunter2"))), keepSecrets: false);
        Assert.Equal("hunter2", encoded.Fields["password"].StringValue);
    }

    [Fact]
    public void Output_values_and_resource_references_decode_to_what_they_stand_for()
    {
        var wire = new Struct
        {
            Fields =
            {
                ["known"] = Special(
                    PropertyStruct.OutputValueSignature,
                    ("value", Value.ForString("a")),
                    ("secret", Value.ForBool(true))
                ),
                ["unknown"] = Special(PropertyStruct.OutputValueSignature),
                ["reference"] = Special(
                    PropertyStruct.ResourceReferenceSignature,
                    ("urn", Value.ForString("urn:x")),
                    ("id", Value.ForString("key-1"))
                ),
            },
        };
        var decoded = PropertyStruct.Decode(wire);
        Assert.Equal(new SecretValue(new StringValue("a")), decoded["known"]);
        Assert.Equal(PropertyValue.Unknown, decoded["unknown"]);
        Assert.Equal(new StringValue("key-1"), decoded["reference"]);
    }

    [Fact]
    public void Assets_are_refused_with_a_message_that_says_what_to_do()
    {
        var wire = new Struct { Fields = { ["image"] = Special(PropertyStruct.AssetSignature) } };
        var error = Assert.Throws<RpcException>(() => PropertyStruct.Decode(wire));
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("path on the libvirt host", error.Status.Detail);
    }
}
