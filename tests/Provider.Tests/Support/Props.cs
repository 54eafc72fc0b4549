using System.Collections.Immutable;
using System.Globalization;
using PulumiLibvirt.Framework;

namespace PulumiLibvirt.Tests.Support;

/// <summary>Short ways to write and read property values in tests.</summary>
public static class Props
{
    public static ObjectValue Object(params (string Key, object? Value)[] properties) =>
        new(properties.Where(p => p.Value is not null).Select(p => KeyValuePair.Create(p.Key, Value(p.Value))));

    public static PropertyValue Secret(object value) => new SecretValue(Value(value));

    public static ArrayValue Array(params object[] items) => new(items.Select(Value).ToImmutableArray());

    public static PropertyValue Value(object? value) =>
        value switch
        {
            null => PropertyValue.Null,
            PropertyValue v => v,
            string s => new StringValue(s),
            bool b => new BoolValue(b),
            int or long or ulong or double => new NumberValue(Convert.ToDouble(value, CultureInfo.InvariantCulture)),
            _ => throw new ArgumentException($"no property value for {value.GetType()}"),
        };

    /// <summary>
    /// <paramref name="values"/> with each of <paramref name="properties"/> added or replaced (null stays a null
    /// value).
    /// </summary>
    public static ObjectValue With(ObjectValue values, params (string Key, object? Value)[] properties) =>
        properties.Aggregate(values, (result, property) => result.With(property.Key, Value(property.Value)));

    /// <summary>A string property, secret or not.</summary>
    public static string Text(ObjectValue values, string key) => ((StringValue)values[key]!.Unsecret).Value;

    /// <summary>A whole-number property, secret or not.</summary>
    public static long Number(ObjectValue values, string key) => (long)((NumberValue)values[key]!.Unsecret).Value;

    /// <summary>A list of strings (macs, sshHostKeys…).</summary>
    public static List<string> Texts(ObjectValue values, string key) =>
        ((ArrayValue)values[key]!).Items.Select(item => ((StringValue)item).Value).ToList();

    /// <summary>A list of objects (disks, volumes…).</summary>
    public static List<ObjectValue> Objects(ObjectValue values, string key) =>
        ((ArrayValue)values[key]!).Items.Cast<ObjectValue>().ToList();
}
