using System.Collections.Immutable;
using System.Globalization;

namespace PulumiLibvirt.Framework;

/// <summary>
/// A Pulumi property value: JSON-like data plus the two markers the engine uses, secret and unknown. The protocol
/// host decodes <c>google.protobuf.Struct</c> into these; resources see them only through typed Args and State.
/// </summary>
public abstract record PropertyValue
{
    public static readonly PropertyValue Null = new NullValue();
    public static readonly PropertyValue Unknown = new UnknownValue();

    /// <summary>The value without a secret marker around it.</summary>
    public PropertyValue Unsecret => this is SecretValue secret ? secret.Inner.Unsecret : this;

    public bool IsSecret => this is SecretValue;

    /// <summary>True when this value, or anything inside it, is not known yet (a preview).</summary>
    public bool ContainsUnknowns =>
        Unsecret switch
        {
            UnknownValue => true,
            ArrayValue array => array.Items.Any(i => i.ContainsUnknowns),
            ObjectValue obj => obj.Properties.Values.Any(v => v.ContainsUnknowns),
            _ => false,
        };

    /// <summary>This value with every secret marker inside it removed, for comparing contents.</summary>
    public PropertyValue WithoutSecrets() =>
        this switch
        {
            SecretValue secret => secret.Inner.WithoutSecrets(),
            ArrayValue array => new ArrayValue(array.Items.Select(i => i.WithoutSecrets()).ToImmutableArray()),
            ObjectValue obj => new ObjectValue(
                obj.Properties.ToImmutableSortedDictionary(p => p.Key, p => p.Value.WithoutSecrets())
            ),
            _ => this,
        };
}

public sealed record NullValue : PropertyValue
{
    public override string ToString() => "null";
}

public sealed record UnknownValue : PropertyValue
{
    public override string ToString() => "<unknown>";
}

public sealed record BoolValue(bool Value) : PropertyValue
{
    public override string ToString() => Value ? "true" : "false";
}

public sealed record NumberValue(double Value) : PropertyValue
{
    public override string ToString() => Value.ToString(CultureInfo.InvariantCulture);
}

public sealed record StringValue(string Value) : PropertyValue
{
    public override string ToString() => $"\"{Value}\"";
}

public sealed record SecretValue(PropertyValue Inner) : PropertyValue
{
    public override string ToString() => $"secret({Inner})";
}

public sealed record ArrayValue(ImmutableArray<PropertyValue> Items) : PropertyValue
{
    public bool Equals(ArrayValue? other) => other is not null && Items.SequenceEqual(other.Items);

    public override int GetHashCode() => Items.Aggregate(17, (hash, item) => hash * 31 + item.GetHashCode());

    public override string ToString() => $"[{string.Join(", ", Items)}]";
}

public sealed record ObjectValue(ImmutableSortedDictionary<string, PropertyValue> Properties) : PropertyValue
{
    public static readonly ObjectValue Empty = new(
        ImmutableSortedDictionary<string, PropertyValue>.Empty.WithComparers(StringComparer.Ordinal)
    );

    public ObjectValue(IEnumerable<KeyValuePair<string, PropertyValue>> properties)
        : this(properties.ToImmutableSortedDictionary(StringComparer.Ordinal)) { }

    public PropertyValue? this[string key] => Properties.GetValueOrDefault(key);

    public ObjectValue With(string key, PropertyValue value) => new(Properties.SetItem(key, value));

    public bool Equals(ObjectValue? other) =>
        other is not null
        && Properties.Count == other.Properties.Count
        && Properties.All(p => other.Properties.TryGetValue(p.Key, out var v) && p.Value.Equals(v));

    public override int GetHashCode() =>
        Properties.Aggregate(17, (hash, p) => hash * 31 + HashCode.Combine(p.Key, p.Value));

    public override string ToString() => $"{{{string.Join(", ", Properties.Select(p => $"{p.Key}: {p.Value}"))}}}";
}
