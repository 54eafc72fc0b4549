using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace PulumiLibvirt.Resources.Framework;

/// <summary>
/// Derives the Pulumi package schema from the provider's typed records, so the schema says exactly what the provider
/// does. The checked-in schema.json is its output; a test fails when the two differ.
/// </summary>
public static class SchemaGenerator
{
    public static string Generate(string package, string description, Type config, IEnumerable<IResource> resources)
    {
        var types = new SortedDictionary<string, JsonNode>(StringComparer.Ordinal);
        var prefix = $"{package}:index:";
        var configProperties = Properties(TypeShape.Of(config), prefix, types);
        var schema = new JsonObject
        {
            ["name"] = package,
            ["displayName"] = package,
            ["description"] = description,
            ["keywords"] = new JsonArray("pulumi", "libvirt", "kvm", "qemu", "category/infrastructure"),
            ["config"] = new JsonObject { ["variables"] = configProperties.DeepClone() },
            ["provider"] = new JsonObject
            {
                ["description"] = $"The provider type for the {package} package.",
                ["inputProperties"] = configProperties.DeepClone(),
                ["properties"] = configProperties,
            },
        };
        var resourceNodes = new JsonObject();
        foreach (var resource in resources.OrderBy(r => r.Token, StringComparer.Ordinal))
        {
            resourceNodes[resource.Token] = new JsonObject
            {
                ["description"] = resource.Description,
                ["properties"] = Properties(resource.Outputs, prefix, types, echoing: resource.Inputs),
                ["required"] = Names(resource.Outputs.Properties.Where(p => !p.IsNullable)),
                ["inputProperties"] = Properties(resource.Inputs, prefix, types),
                ["requiredInputs"] = Names(resource.Inputs.Properties.Where(p => p.IsRequired)),
            };
        }
        schema["resources"] = resourceNodes;
        schema["types"] = new JsonObject(types.Select(t => KeyValuePair.Create(t.Key, (JsonNode?)t.Value)));
        return schema.ToJsonString(new JsonSerializerOptions
        {
            WriteIndented = true,
            Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        }) + "\n";
    }

    private static JsonArray Names(IEnumerable<PropertyShape> properties) =>
        new(properties.Select(p => (JsonNode?)JsonValue.Create(p.Name)).ToArray());

    /// <param name="echoing">For a resource's outputs: its inputs, whose descriptions serve the outputs that echo them.
    /// Outputs have no defaults.</param>
    private static JsonObject Properties(TypeShape shape, string prefix, IDictionary<string, JsonNode> types, TypeShape? echoing = null)
    {
        var properties = new JsonObject();
        foreach (var property in shape.Properties.OrderBy(p => p.Info.MetadataToken))
        {
            var node = TypeReference(property.ValueType, prefix, types);
            var description = property.Description ?? echoing?.Find(property.Name)?.Description ?? "";
            if (property.ReplaceOnChange) description += " Changing it replaces the resource.";
            node["description"] = description.Trim();
            if (echoing is null && property.Default is { } value && DefaultValue(value) is { } schemaDefault) node["default"] = schemaDefault;
            if (property.Secret) node["secret"] = true;
            properties[property.Name] = node;
        }
        return properties;
    }

    /// <summary>A default the schema can state: Pulumi's schema has defaults for primitives only (an empty list is implied).</summary>
    private static JsonNode? DefaultValue(object value) => value switch
    {
        Enum e => TypeShape.CamelCase(e.ToString()),
        bool b => b,
        string s => s,
        int or long or double => JsonValue.Create(Convert.ToDouble(value)),
        _ => null,
    };

    private static JsonObject TypeReference(Type type, string prefix, IDictionary<string, JsonNode> types)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(string)) return new JsonObject { ["type"] = "string" };
        if (type == typeof(bool)) return new JsonObject { ["type"] = "boolean" };
        if (type == typeof(int) || type == typeof(long)) return new JsonObject { ["type"] = "integer" };
        if (type == typeof(double)) return new JsonObject { ["type"] = "number" };
        if (TypeShape.IsList(type, out var element))
            return new JsonObject { ["type"] = "array", ["items"] = TypeReference(element, prefix, types) };

        var token = prefix + (type.Name.EndsWith("Args") ? type.Name[..^4] : type.Name);
        if (!types.ContainsKey(token))
        {
            types[token] = new JsonObject(); // placeholder first: a type may refer to itself
            types[token] = type.IsEnum ? EnumType(type) : ObjectType(TypeShape.Of(type), prefix, types);
        }
        return new JsonObject { ["$ref"] = $"#/types/{token}" };
    }

    private static JsonObject EnumType(Type type) => new()
    {
        ["type"] = "string",
        ["enum"] = new JsonArray(Enum.GetNames(type)
            .Select(n => (JsonNode?)new JsonObject { ["name"] = n, ["value"] = TypeShape.CamelCase(n) }).ToArray()),
    };

    private static JsonObject ObjectType(TypeShape shape, string prefix, IDictionary<string, JsonNode> types)
    {
        var node = new JsonObject { ["type"] = "object" };
        if (shape.Description is { } description) node["description"] = description;
        node["properties"] = Properties(shape, prefix, types);
        // Input types (named …Args) require what the program must give; output types list what is always there.
        var isInput = shape.Type.Name.EndsWith("Args");
        node["required"] = Names(shape.Properties.Where(p => isInput ? p.IsRequired : !p.IsNullable));
        return node;
    }
}
