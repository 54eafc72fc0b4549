using System.Collections.Immutable;
using PulumiLibvirt.Resources.Framework;

namespace PulumiLibvirt.Tests.Support;

/// <summary>Short ways to write property values in tests.</summary>
public static class Props
{
    public static ObjectValue Object(params (string Key, object? Value)[] properties) =>
        new(properties.Where(p => p.Value is not null).Select(p => KeyValuePair.Create(p.Key, Value(p.Value))));

    public static PropertyValue Secret(object value) => new SecretValue(Value(value));

    public static ArrayValue Array(params object[] items) => new(items.Select(Value).ToImmutableArray());

    public static PropertyValue Value(object? value) => value switch
    {
        null => PropertyValue.Null,
        PropertyValue v => v,
        string s => new StringValue(s),
        bool b => new BoolValue(b),
        int or long or ulong or double => new NumberValue(Convert.ToDouble(value)),
        _ => throw new ArgumentException($"no property value for {value.GetType()}"),
    };
}
