using System.Collections.Immutable;
using System.Globalization;

namespace PulumiLibvirt.Framework;

/// <summary>
/// A typed value decoded from properties, with where it was unknown or secret and what was wrong in it.
/// </summary>
public sealed record Decoded<T>(T Value, PropertyMarks Marks, IReadOnlyList<CheckFailure> Failures);

/// <summary>
/// Converts between <see cref="ObjectValue"/> and typed Args/State records, using <see cref="TypeShape"/>.
/// Decoding collects failures (wrong type, missing required value, unknown property) instead of throwing, so that
/// Check can report all of them at once, each naming its property.
/// </summary>
public static class PropertyMapper
{
    /// <param name="strict">Report properties the type does not declare (a typo in a program); off for state.</param>
    public static Decoded<T> Decode<T>(ObjectValue value, bool strict = false)
        where T : class
    {
        var decoder = new Decoder(strict);
        var result = (T)decoder.DecodeObject(typeof(T), value, "")!;
        return new Decoded<T>(result, new PropertyMarks(decoder.Unknown, decoder.Secret), decoder.Failures);
    }

    /// <summary>
    /// Decodes a provider's configuration. The engine sends stack configuration (pulumi config set PACKAGE:KEY VALUE)
    /// as strings whatever the schema's type, and a generated SDK sends a provider resource's non-string inputs as
    /// JSON text: a number or boolean property accepts the text of one.
    /// </summary>
    public static Decoded<T> DecodeConfig<T>(ObjectValue config)
        where T : class
    {
        var shape = TypeShape.Of(typeof(T));
        return Decode<T>(
            new ObjectValue(
                config.Properties.Select(p => KeyValuePair.Create(p.Key, FromText(shape.Find(p.Key), p.Value)))
            )
        );
    }

    private static PropertyValue FromText(PropertyShape? property, PropertyValue value)
    {
        if (value is SecretValue secret)
            return new SecretValue(FromText(property, secret.Inner));
        if (property is null || value is not StringValue { Value: var text })
            return value;
        var type = Nullable.GetUnderlyingType(property.Info.PropertyType) ?? property.Info.PropertyType;
        if (type == typeof(bool) && bool.TryParse(text, out var flag))
            return new BoolValue(flag);
        var numeric = type == typeof(int) || type == typeof(long) || type == typeof(double);
        return numeric && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number)
            ? new NumberValue(number)
            : value;
    }

    /// <param name="omitDefaults">
    /// Leave out properties that have their default value (an empty list included): the inputs a person would write,
    /// as an import derives them. Decoding gives the same record back.
    /// </param>
    public static ObjectValue Encode(object value, PropertyMarks? marks = null, bool omitDefaults = false) =>
        (ObjectValue)EncodeValue(value, value.GetType(), "", marks ?? PropertyMarks.None, omitDefaults);

    private static PropertyValue EncodeValue(
        object? value,
        Type type,
        string path,
        PropertyMarks marks,
        bool omitDefaults
    )
    {
        var encoded = marks.Unknown.Contains(path)
            ? PropertyValue.Unknown
            : EncodeKnown(value, type, path, marks, omitDefaults);
        return marks.Secret.Contains(path) ? new SecretValue(encoded) : encoded;
    }

    private static PropertyValue EncodeKnown(
        object? value,
        Type type,
        string path,
        PropertyMarks marks,
        bool omitDefaults
    )
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        switch (value)
        {
            case null:
                return PropertyValue.Null;
            case string s:
                return new StringValue(s);
            case bool b:
                return new BoolValue(b);
            case Enum e:
                return new StringValue(TypeShape.CamelCase(e.ToString()));
            case int or long or ulong or double:
                return new NumberValue(Convert.ToDouble(value, CultureInfo.InvariantCulture));
        }
        if (TypeShape.IsList(type, out var element))
        {
            var items = ((System.Collections.IEnumerable)value)
                .Cast<object?>()
                .Select((item, i) => EncodeValue(item, element, $"{path}[{i}]", marks, omitDefaults));
            return new ArrayValue(items.ToImmutableArray());
        }
        var properties = new Dictionary<string, PropertyValue>();
        foreach (var property in TypeShape.Of(type).Properties)
        {
            var propertyPath = Join(path, property.Name);
            var propertyValue = property.Info.GetValue(value);
            if (propertyValue is null && !marks.Unknown.Contains(propertyPath))
                continue;
            if (omitDefaults && !marks.Unknown.Contains(propertyPath) && IsDefault(property, propertyValue))
                continue;
            var encoded = EncodeValue(propertyValue, property.Info.PropertyType, propertyPath, marks, omitDefaults);
            properties[property.Name] = property.Secret && !encoded.IsSecret ? new SecretValue(encoded) : encoded;
        }
        return new ObjectValue(properties);
    }

    private static bool IsDefault(PropertyShape property, object? value) =>
        value is System.Collections.ICollection { Count: 0 }
        || (property.Default is { } defaultValue && defaultValue.Equals(value));

    internal static string Join(string path, string name) => path.Length == 0 ? name : $"{path}.{name}";

    private sealed class Decoder(bool strict)
    {
        public readonly HashSet<string> Unknown = [];
        public readonly HashSet<string> Secret = [];
        public readonly List<CheckFailure> Failures = [];

        public object? DecodeObject(Type type, ObjectValue value, string path)
        {
            var shape = TypeShape.Of(type);
            var result = Activator.CreateInstance(type);
            foreach (var property in shape.Properties)
            {
                var propertyPath = Join(path, property.Name);
                var given = value[property.Name];
                if (given is null or NullValue)
                {
                    if (property.IsRequired)
                        Failures.Add(new CheckFailure(propertyPath, $"'{propertyPath}' is required."));
                    continue;
                }
                var decoded = Decode(property.Info.PropertyType, given, propertyPath);
                if (decoded is not null)
                    property.Info.SetValue(result, decoded);
            }
            if (strict)
            {
                foreach (var key in value.Properties.Keys.Where(k => shape.Find(k) is null))
                {
                    var known = string.Join(", ", shape.Properties.Select(p => p.Name));
                    Failures.Add(
                        new CheckFailure(
                            Join(path, key),
                            $"'{Join(path, key)}' is not a property of this type; known properties: {known}."
                        )
                    );
                }
            }
            return result;
        }

        private object? Decode(Type type, PropertyValue value, string path)
        {
            if (value is SecretValue secret)
            {
                Secret.Add(path);
                return Decode(type, secret.Inner, path);
            }
            if (value is UnknownValue)
            {
                Unknown.Add(path);
                return null;
            }
            if (value is NullValue)
                return null;
            // Refused here, once for every string: libvirt and the C strings under it would end the text at the NUL.
            if (value is StringValue { Value: var text } && text.Contains('\0', StringComparison.Ordinal))
            {
                Failures.Add(
                    new CheckFailure(
                        path,
                        $"'{path}' contains a NUL character (\\0 at position "
                            + $"{text.IndexOf('\0', StringComparison.Ordinal)}); remove it: no name, path or text "
                            + "given to libvirt may hold one."
                    )
                );
                return null;
            }

            var target = Nullable.GetUnderlyingType(type) ?? type;
            switch (value)
            {
                case StringValue s when target == typeof(string):
                    return s.Value;
                case StringValue s when target.IsEnum:
                    return DecodeEnum(target, s.Value, path);
                case BoolValue b when target == typeof(bool):
                    return b.Value;
                case NumberValue n when target == typeof(double):
                    return n.Value;
                case NumberValue n when target == typeof(long) || target == typeof(int):
                    return DecodeInteger(target, n.Value, path);
                case ArrayValue a when TypeShape.IsList(target, out var element):
                    var list = (System.Collections.IList)
                        Activator.CreateInstance(typeof(List<>).MakeGenericType(element))!;
                    for (var i = 0; i < a.Items.Length; i++)
                        list.Add(Decode(element, a.Items[i], $"{path}[{i}]"));
                    return list;
                case ObjectValue o when TypeShape.IsObject(target):
                    return DecodeObject(target, o, path);
            }
            Failures.Add(new CheckFailure(path, $"'{path}' must be {Describe(target)}, not {value}."));
            return null;
        }

        private object? DecodeInteger(Type target, double number, string path)
        {
            // 2^63 itself is (double)long.MaxValue: the bounds are exclusive above, or it would wrap to long.MaxValue.
            var (min, end) =
                target == typeof(int) ? (int.MinValue, int.MaxValue + 1.0) : (long.MinValue, -(double)long.MinValue);
            if (number != Math.Floor(number) || number >= end || number < min)
            {
                Failures.Add(
                    new CheckFailure(
                        path,
                        $"'{path}' must be a whole number, not {number.ToString(CultureInfo.InvariantCulture)}."
                    )
                );
                return null;
            }
            return target == typeof(int) ? (object)(int)number : (long)number;
        }

        private object? DecodeEnum(Type target, string text, string path)
        {
            foreach (var name in Enum.GetNames(target))
            {
                if (TypeShape.CamelCase(name) == text)
                    return Enum.Parse(target, name);
            }
            Failures.Add(new CheckFailure(path, $"'{path}' must be {Describe(target)}, not \"{text}\"."));
            return null;
        }

        private static string Describe(Type type)
        {
            if (type.IsEnum)
                return "one of " + string.Join(", ", Enum.GetNames(type).Select(n => $"\"{TypeShape.CamelCase(n)}\""));
            if (type == typeof(string))
                return "a string";
            if (type == typeof(bool))
                return "true or false";
            if (type == typeof(long) || type == typeof(int))
                return "a whole number";
            if (type == typeof(double))
                return "a number";
            return TypeShape.IsList(type, out _) ? "a list" : "an object";
        }
    }
}
