using System.Text.Json;
using System.Text.Json.Nodes;

namespace PulumiLibvirt.Framework;

/// <summary>What the schema says of the package itself.</summary>
/// <param name="Keywords">Registry keywords, such as <c>category/infrastructure</c>.</param>
/// <param name="Language">The schema's <c>language</c> section: the package's name in each language's registry.</param>
public sealed record PackageInfo(
    string Name,
    string Version,
    string Description,
    IReadOnlyList<string> Keywords,
    JsonObject Language
);

/// <summary>
/// Derives the Pulumi package schema from the provider's typed records, so the schema says exactly what the provider
/// does. The checked-in schema.json is its output; a test fails when the two differ.
/// </summary>
public sealed class SchemaGenerator
{
    private readonly string _prefix;
    private readonly SortedDictionary<string, JsonNode> _types = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Type> _tokens = [];

    private SchemaGenerator(string package) => _prefix = $"{package}:index:";

    public static string Generate(
        PackageInfo package,
        Type config,
        IEnumerable<IResource> resources,
        IEnumerable<IFunction> functions
    ) => new SchemaGenerator(package.Name).Schema(package, config, resources, functions);

    /// <summary>The record (or enum) type behind each type token of the schema.</summary>
    public static IReadOnlyDictionary<string, Type> TypeTokens(
        PackageInfo package,
        Type config,
        IEnumerable<IResource> resources,
        IEnumerable<IFunction> functions
    )
    {
        var generator = new SchemaGenerator(package.Name);
        generator.Schema(package, config, resources, functions);
        return generator._tokens;
    }

    /// <remarks>
    /// Inputs are walked first, so a type reached from inputs is written as an input type (what the program must
    /// give, with the defaults Check applies) even where outputs echo it; a type reached only from outputs lists what
    /// is always there, without defaults.
    /// </remarks>
    private string Schema(
        PackageInfo package,
        Type config,
        IEnumerable<IResource> resources,
        IEnumerable<IFunction> functions
    )
    {
        var ordered = resources.OrderBy(r => r.Token, StringComparer.Ordinal).ToList();
        var orderedFunctions = functions.OrderBy(f => f.Token, StringComparer.Ordinal).ToList();
        var configProperties = Properties(TypeShape.Of(config).Properties, isInput: true);
        var inputs = ordered.ToDictionary(r => r.Token, r => Properties(r.Inputs.Properties, isInput: true));
        var functionInputs = orderedFunctions.ToDictionary(f => f.Token, f => ObjectType(f.Inputs, isInput: true));
        var resourceNodes = new JsonObject();
        foreach (var resource in ordered)
        {
            resourceNodes[resource.Token] = new JsonObject
            {
                ["description"] = resource.Description,
                ["properties"] = Properties(resource.Outputs, isInput: false),
                // An automatic name is an optional input that every resource has once Check has run.
                ["required"] = Names(resource.Outputs.Where(p => !p.IsNullable || p.AutoName)),
                ["inputProperties"] = inputs[resource.Token],
                ["requiredInputs"] = Names(resource.Inputs.Properties.Where(p => p.IsRequired)),
            };
        }
        var functionNodes = new JsonObject();
        foreach (var function in orderedFunctions)
        {
            var node = new JsonObject { ["description"] = function.Description };
            // A function without arguments has no inputs object: the SDKs then generate a call without one.
            if (function.Inputs.Properties.Count > 0)
                node["inputs"] = functionInputs[function.Token];
            node["outputs"] = ObjectType(function.Outputs, isInput: false);
            functionNodes[function.Token] = node;
        }
        var schema = new JsonObject
        {
            ["name"] = package.Name,
            ["displayName"] = package.Name,
            ["version"] = package.Version,
            ["description"] = package.Description,
            ["keywords"] = new JsonArray(package.Keywords.Select(k => (JsonNode?)JsonValue.Create(k)).ToArray()),
            ["config"] = new JsonObject { ["variables"] = configProperties.DeepClone() },
            ["provider"] = new JsonObject
            {
                ["description"] = $"The provider type for the {package.Name} package.",
                ["inputProperties"] = configProperties.DeepClone(),
                ["properties"] = configProperties,
            },
            ["resources"] = resourceNodes,
            ["functions"] = functionNodes,
            ["types"] = new JsonObject(_types.Select(t => KeyValuePair.Create(t.Key, (JsonNode?)t.Value))),
            ["language"] = package.Language.DeepClone(),
        };
        return schema.ToJsonString(
                new JsonSerializerOptions
                {
                    WriteIndented = true,
                    Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
                }
            ) + "\n";
    }

    private static JsonArray Names(IEnumerable<PropertyShape> properties) =>
        new(properties.Select(p => (JsonNode?)JsonValue.Create(p.Name)).ToArray());

    /// <param name="isInput">Inputs state their defaults and what replaces the resource; outputs do neither.</param>
    private JsonObject Properties(IEnumerable<PropertyShape> shapes, bool isInput)
    {
        var properties = new JsonObject();
        foreach (var property in shapes)
        {
            var node = TypeReference(property.ValueType, isInput);
            var description = property.Description ?? "";
            if (isInput && property.ReplaceOnChange)
                description += " Changing it replaces the resource.";
            node["description"] = description.Trim();
            if (isInput && property.Default is { } value && DefaultValue(value) is { } schemaDefault)
                node["default"] = schemaDefault;
            if (property.Secret)
                node["secret"] = true;
            properties[property.Name] = node;
        }
        return properties;
    }

    /// <summary>
    /// A default the schema can state: Pulumi's schema has defaults for primitives only (an empty list is implied).
    /// </summary>
    private static JsonNode? DefaultValue(object value) =>
        value switch
        {
            Enum e => TypeShape.CamelCase(e.ToString()),
            bool b => b,
            string s => s,
            int or long or double => JsonValue.Create(Convert.ToDouble(value)),
            _ => null,
        };

    private JsonObject TypeReference(Type type, bool isInput)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(string))
            return new JsonObject { ["type"] = "string" };
        if (type == typeof(bool))
            return new JsonObject { ["type"] = "boolean" };
        // Pulumi's integer is 32-bit in every SDK: byte counts (long) are numbers, exact up to 2^53.
        if (type == typeof(int))
            return new JsonObject { ["type"] = "integer" };
        if (type == typeof(long) || type == typeof(double))
            return new JsonObject { ["type"] = "number" };
        if (TypeShape.IsList(type, out var element))
            return new JsonObject { ["type"] = "array", ["items"] = TypeReference(element, isInput) };

        var token = _prefix + (type.Name.EndsWith("Args") ? type.Name[..^4] : type.Name);
        if (_tokens.TryGetValue(token, out var known))
        {
            // Pulumi's SDKs generate one class per token: two records behind one token would lose one of them.
            if (known != type)
                throw new InvalidOperationException(
                    $"{known.Name} and {type.Name} both map to the schema type {token}; rename one of them."
                );
        }
        else
        {
            _tokens[token] = type;
            _types[token] = new JsonObject(); // placeholder first: a type may refer to itself
            _types[token] = type.IsEnum ? EnumType(type) : ObjectType(TypeShape.Of(type), isInput);
        }
        return new JsonObject { ["$ref"] = $"#/types/{token}" };
    }

    private static JsonObject EnumType(Type type) =>
        new()
        {
            ["type"] = "string",
            ["enum"] = new JsonArray(
                Enum.GetNames(type)
                    .Select(n => (JsonNode?)new JsonObject { ["name"] = n, ["value"] = TypeShape.CamelCase(n) })
                    .ToArray()
            ),
        };

    /// <summary>An object type spec: a named type's body, or a function's inputs or outputs.</summary>
    private JsonObject ObjectType(TypeShape shape, bool isInput)
    {
        var node = new JsonObject { ["type"] = "object" };
        if (shape.Description is { } description)
            node["description"] = description;
        node["properties"] = Properties(shape.Properties, isInput);
        // Input types require what the program must give; output types list what is always there.
        node["required"] = Names(shape.Properties.Where(p => isInput ? p.IsRequired : !p.IsNullable));
        return node;
    }
}
