using System.Collections.Immutable;
using Grpc.Core;
using PulumiLibvirt.Framework;
using Struct = Google.Protobuf.WellKnownTypes.Struct;
using Value = Google.Protobuf.WellKnownTypes.Value;

namespace PulumiLibvirt.Protocol;

/// <summary>
/// Pulumi's encoding of property values in <c>google.protobuf.Struct</c>: plain JSON-like values, plus special
/// objects marked by a signature key (secrets, resource references, output values, assets) and a sentinel string
/// for unknown values.
/// </summary>
public static class PropertyStruct
{
    public const string SignatureKey = "4dabf18193072939515e22adb298388d";
    public const string SecretSignature = "1b47061264138c4ac30d75fd1eb44270";
    public const string ResourceReferenceSignature = "5cf8f73096256a8f31e491e813e4eb8e";
    public const string OutputValueSignature = "d0e6a833031e9bbcd3f4e8bde6ca49a4";
    public const string AssetSignature = "c44067f5952c0a294b673a41bacd8c17";
    public const string ArchiveSignature = "0def7320c3a5731c473e5ecbe6d01bc7";
    public const string UnknownSentinel = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

    /// <summary>A Struct from the engine; an absent one is an empty object.</summary>
    public static ObjectValue Decode(Struct? properties) =>
        properties is null ? ObjectValue.Empty : DecodeFields(properties);

    /// <summary>A Struct that the engine may leave out, where absence means something (old inputs).</summary>
    public static ObjectValue? DecodeOptional(Struct? properties) =>
        properties is null ? null : DecodeFields(properties);

    /// <param name="keepSecrets">False when the engine did not say it accepts secrets: they go out as plain
    /// values.</param>
    public static Struct Encode(ObjectValue properties, bool keepSecrets = true)
    {
        var result = new Struct();
        foreach (var (key, value) in properties.Properties)
            result.Fields[key] = EncodeValue(value, keepSecrets);
        return result;
    }

    private static ObjectValue DecodeFields(Struct properties) =>
        new(properties.Fields.Select(f => KeyValuePair.Create(f.Key, DecodeValue(f.Value))));

    public static PropertyValue DecodeValue(Value value) =>
        value.KindCase switch
        {
            Value.KindOneofCase.None or Value.KindOneofCase.NullValue => PropertyValue.Null,
            Value.KindOneofCase.BoolValue => new BoolValue(value.BoolValue),
            Value.KindOneofCase.NumberValue => new NumberValue(value.NumberValue),
            Value.KindOneofCase.StringValue => value.StringValue == UnknownSentinel
                ? PropertyValue.Unknown
                : new StringValue(value.StringValue),
            Value.KindOneofCase.ListValue => new ArrayValue(
                value.ListValue.Values.Select(DecodeValue).ToImmutableArray()
            ),
            Value.KindOneofCase.StructValue => DecodeObject(value.StructValue),
            _ => throw Invalid($"unsupported property value kind {value.KindCase}"),
        };

    private static PropertyValue DecodeObject(Struct obj)
    {
        if (!obj.Fields.TryGetValue(SignatureKey, out var signature))
            return DecodeFields(obj);
        var field = (string name) => obj.Fields.TryGetValue(name, out var v) ? DecodeValue(v) : null;
        switch (signature.StringValue)
        {
            case SecretSignature:
                return new SecretValue(field("value") ?? PropertyValue.Null);
            case ResourceReferenceSignature:
                // A reference to a custom resource stands for its id, to a component for its URN.
                return field("id") ?? field("urn") ?? PropertyValue.Null;
            case OutputValueSignature:
                var inner = field("value") ?? PropertyValue.Unknown;
                return field("secret") is BoolValue { Value: true } ? new SecretValue(inner) : inner;
            case AssetSignature or ArchiveSignature:
                throw Invalid(
                    "assets and archives are not supported by the libvirt provider; "
                        + "pass a path on the libvirt host instead"
                );
            default:
                throw Invalid($"unknown special property value with signature '{signature.StringValue}'");
        }
    }

    private static RpcException Invalid(string message) => new(new Status(StatusCode.InvalidArgument, message));

    public static Value EncodeValue(PropertyValue value, bool keepSecrets = true) =>
        value switch
        {
            NullValue => Value.ForNull(),
            UnknownValue => Value.ForString(UnknownSentinel),
            BoolValue b => Value.ForBool(b.Value),
            NumberValue n => Value.ForNumber(n.Value),
            StringValue s => Value.ForString(s.Value),
            ArrayValue a => Value.ForList(a.Items.Select(i => EncodeValue(i, keepSecrets)).ToArray()),
            ObjectValue o => Value.ForStruct(Encode(o, keepSecrets)),
            SecretValue s when keepSecrets => Value.ForStruct(
                new Struct
                {
                    Fields =
                    {
                        [SignatureKey] = Value.ForString(SecretSignature),
                        ["value"] = EncodeValue(s.Inner, keepSecrets),
                    },
                }
            ),
            SecretValue s => EncodeValue(s.Inner, keepSecrets),
            _ => throw new ArgumentOutOfRangeException(nameof(value), value, "unknown property value"),
        };
}
