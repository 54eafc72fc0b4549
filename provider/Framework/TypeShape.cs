using System.Collections.Concurrent;
using System.ComponentModel;
using System.Reflection;
using System.Runtime.CompilerServices;

namespace PulumiLibvirt.Framework;

/// <summary>
/// How a typed Args or State record maps to Pulumi properties: its property names (camelCase), types, defaults and
/// attributes. Read once per type by reflection and shared by the mapper, the diff and the schema generator.
/// </summary>
public sealed class TypeShape
{
    private static readonly ConcurrentDictionary<Type, TypeShape> Cache = new();

    private TypeShape(Type type)
    {
        Type = type;
        Description = type.GetCustomAttribute<DescriptionAttribute>()?.Description;
        var defaults = Activator.CreateInstance(type);
        var nullability = new NullabilityInfoContext();
        Properties = type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanWrite && p.GetIndexParameters().Length == 0)
            .OrderBy(p => p.MetadataToken)
            .Select(p => new PropertyShape(
                p,
                nullability.Create(p).WriteState == NullabilityState.Nullable,
                p.GetValue(defaults)
            ))
            .ToList();
    }

    public Type Type { get; }

    public string? Description { get; }

    /// <summary>The properties, in the order they are declared.</summary>
    public IReadOnlyList<PropertyShape> Properties { get; }

    public PropertyShape? Find(string name) => Properties.FirstOrDefault(p => p.Name == name);

    public static TypeShape Of(Type type) => Cache.GetOrAdd(type, t => new TypeShape(t));

    /// <summary>
    /// True for the record types that map to Pulumi objects (as opposed to scalars, enums and lists).
    /// </summary>
    public static bool IsObject(Type type) => type.IsClass && type != typeof(string) && !IsList(type, out _);

    public static bool IsList(Type type, out Type element)
    {
        var list = type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IReadOnlyList<>);
        element = list ? type.GetGenericArguments()[0] : typeof(object);
        return list;
    }

    /// <summary>camelCase, as Pulumi names properties and enum values.</summary>
    public static string CamelCase(string name) => char.ToLowerInvariant(name[0]) + name[1..];
}

/// <summary>One property of a <see cref="TypeShape"/>.</summary>
public sealed class PropertyShape
{
    internal PropertyShape(PropertyInfo info, bool nullable, object? defaultValue)
    {
        Info = info;
        Name = TypeShape.CamelCase(info.Name);
        ValueType = Nullable.GetUnderlyingType(info.PropertyType) ?? info.PropertyType;
        IsNullable = nullable || Nullable.GetUnderlyingType(info.PropertyType) is not null;
        IsRequired = info.GetCustomAttribute<RequiredMemberAttribute>() is not null;
        Default = IsNullable || IsRequired ? null : defaultValue;
        Description = info.GetCustomAttribute<DescriptionAttribute>()?.Description;
        ReplaceOnChange = info.GetCustomAttribute<ReplaceOnChangeAttribute>() is not null;
        Computed = info.GetCustomAttribute<ComputedAttribute>() is not null;
        Secret = info.GetCustomAttribute<SecretAttribute>() is not null;
        AutoName = info.GetCustomAttribute<AutoNameAttribute>() is not null;
    }

    public PropertyInfo Info { get; }
    public string Name { get; }

    /// <summary>The property's type without <c>Nullable&lt;&gt;</c>.</summary>
    public Type ValueType { get; }

    public bool IsNullable { get; }

    /// <summary>Declared with C#'s <c>required</c>: the program must give it.</summary>
    public bool IsRequired { get; }

    /// <summary>The value a new record has when the program leaves the property out (null: none).</summary>
    public object? Default { get; }

    public string? Description { get; }
    public bool ReplaceOnChange { get; }
    public bool Computed { get; }
    public bool Secret { get; }
    public bool AutoName { get; }
}
