using System.Text.Json;
using System.Text.RegularExpressions;
using PulumiLibvirt.Tests.Support;
using YamlDotNet.RepresentationModel;

namespace PulumiLibvirt.Tests;

/// <summary>
/// No Pulumi CLI can run here, so the examples are checked against the schema the engine would use: every resource
/// type and invoked function exists, every property is an input of that type or function, every ${name.output} names
/// an output that exists.
/// </summary>
[Trait(Category.Name, Category.Unit)]
public class ExampleTests
{
    private const string ProviderType = "pulumi:providers:libvirt";

    public static TheoryData<string> Examples() =>
        new(
            Directory
                .GetFiles(Repository.File("examples"), "Pulumi.yaml", SearchOption.AllDirectories)
                .Select(p => Path.GetRelativePath(Repository.Root, p))
        );

    [Theory]
    [MemberData(nameof(Examples))]
    public void Example_uses_only_what_the_schema_declares(string example)
    {
        using var schemaDocument = JsonDocument.Parse(File.ReadAllText(Repository.File("schema.json")));
        var schema = schemaDocument.RootElement;
        var yaml = new YamlStream();
        yaml.Load(new StringReader(File.ReadAllText(Repository.File(example))));
        var program = (YamlMappingNode)yaml.Documents[0].RootNode;

        var plugin = (YamlMappingNode)
            ((YamlSequenceNode)((YamlMappingNode)program["plugins"])["providers"]).Children[0];
        var pluginDir = Path.GetFullPath(
            Path.Combine(Path.GetDirectoryName(Repository.File(example))!, plugin["path"].ToString())
        );
        Assert.Equal(Repository.File("bin"), pluginDir);

        var config = program.Children.TryGetValue("config", out var c)
            ? ((YamlMappingNode)c).Children.Keys.Select(k => k.ToString()).ToHashSet()
            : [];
        var resources = ((YamlMappingNode)program["resources"]).Children.ToDictionary(
            r => r.Key.ToString(),
            r => (YamlMappingNode)r.Value
        );
        // An explicit provider (one per host) takes the provider's configuration as its inputs.
        var types = resources.ToDictionary(
            r => r.Key,
            r =>
                r.Value["type"].ToString() == ProviderType
                    ? schema.GetProperty("provider")
                    : schema.GetProperty("resources").GetProperty(r.Value["type"].ToString())
        );
        foreach (var (name, resource) in resources)
        {
            if (
                !resource.Children.TryGetValue("options", out var options)
                || !((YamlMappingNode)options).Children.TryGetValue("provider", out var provider)
            )
                continue;
            var target = Regex.Match(provider.ToString(), @"^\$\{(\w+)\}$").Groups[1].Value;
            Assert.True(
                resources.TryGetValue(target, out var declared) && declared["type"].ToString() == ProviderType,
                $"{example}: {name}'s provider {provider} is no {ProviderType} resource of the program"
            );
        }
        // What ${name.property} may name: a resource's outputs, or the outputs of the function a variable invokes.
        var outputs = types.ToDictionary(t => t.Key, t => t.Value.GetProperty("properties"));
        var variables = program.Children.TryGetValue("variables", out var v)
            ? (YamlMappingNode)v
            : new YamlMappingNode();
        foreach (var (key, value) in variables.Children)
        {
            if (value is not YamlMappingNode invoke || !invoke.Children.TryGetValue("fn::invoke", out var call))
                continue;
            var name = key.ToString();
            var token = ((YamlMappingNode)call)["function"].ToString();
            Assert.True(
                schema.GetProperty("functions").TryGetProperty(token, out var function),
                $"{example}: {name} invokes {token}, which the schema does not declare"
            );
            var arguments = ((YamlMappingNode)call).Children.TryGetValue("arguments", out var a)
                ? (YamlMappingNode)a
                : new YamlMappingNode();
            if (function.TryGetProperty("inputs", out var inputs))
            {
                CheckRequired(inputs.GetProperty("required"), arguments, name);
                foreach (var (argument, given) in arguments.Children)
                    CheckProperty(
                        schema,
                        inputs.GetProperty("properties"),
                        $"{name}.{argument}",
                        argument.ToString(),
                        given
                    );
            }
            else
            {
                Assert.True(arguments.Children.Count == 0, $"{example}: {token} takes no arguments");
            }
            outputs[name] = function.GetProperty("outputs").GetProperty("properties");
        }

        foreach (var (name, resource) in resources)
        {
            var inputs = types[name].GetProperty("inputProperties");
            var given = resource.Children.TryGetValue("properties", out var p)
                ? (YamlMappingNode)p
                : new YamlMappingNode();
            if (types[name].TryGetProperty("requiredInputs", out var required))
                CheckRequired(required, given, name);
            foreach (var (key, value) in given.Children)
                CheckProperty(schema, inputs, $"{name}.{key}", key.ToString(), value);
        }
        foreach (Match reference in ExampleProgram.Reference().Matches(File.ReadAllText(Repository.File(example))))
        {
            var (target, path) = (reference.Groups["root"].Value, reference.Groups["path"].Value);
            if (target == "pulumi" && path is ".stack" or ".project")
                continue;
            if ((config.Contains(target) || variables.Children.ContainsKey(target)) && path.Length == 0)
                continue;
            if (
                path.Length == 0
                && resources.TryGetValue(target, out var whole)
                && whole["type"].ToString() == ProviderType
            )
                continue;
            Assert.True(
                outputs.ContainsKey(target),
                $"{example}: {reference.Value} names no resource, invoke or config value"
            );
            var output = path.TrimStart('.').Split('.', '[')[0];
            Assert.True(
                outputs[target].TryGetProperty(output, out _),
                $"{example}: {reference.Value} names no output of {target}"
            );
        }
    }

    private static void CheckProperty(
        JsonElement schema,
        JsonElement properties,
        string where,
        string key,
        YamlNode value
    )
    {
        Assert.True(properties.TryGetProperty(key, out var property), $"{where} is not an input property");
        CheckValue(schema, property, where, value);
    }

    /// <summary>Lists item by item, objects property by property, enum values against the enum.</summary>
    private static void CheckValue(JsonElement schema, JsonElement type, string where, YamlNode value)
    {
        var referenced = type.TryGetProperty("$ref", out var reference)
            ? schema.GetProperty("types").GetProperty(reference.GetString()!["#/types/".Length..])
            : (JsonElement?)null;
        switch (value)
        {
            case YamlSequenceNode items:
                Assert.True(type.TryGetProperty("items", out var itemType), $"{where} is not a list");
                for (var i = 0; i < items.Children.Count; i++)
                    CheckValue(schema, itemType, $"{where}[{i}]", items.Children[i]);
                break;
            case YamlMappingNode nested:
                Assert.True(referenced is not null, $"{where} is not an object");
                CheckRequired(referenced.Value.GetProperty("required"), nested, where);
                foreach (var (k, v) in nested.Children)
                    CheckProperty(schema, referenced.Value.GetProperty("properties"), $"{where}.{k}", k.ToString(), v);
                break;
            case YamlScalarNode { Value: { } text }
                when !text.Contains("${") && referenced?.TryGetProperty("enum", out var values) == true:
                Assert.True(
                    values.EnumerateArray().Any(v => v.GetProperty("value").GetString() == text),
                    $"{where}: \"{text}\" is not one of its values"
                );
                break;
            case YamlScalarNode { Value: { } text }
                when !text.Contains("${") && type.TryGetProperty("type", out var scalar):
                var fits = scalar.GetString() switch
                {
                    "integer" => long.TryParse(text, out _),
                    "number" => double.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out _),
                    "boolean" => text is "true" or "false",
                    "string" => true,
                    _ => false,
                };
                Assert.True(fits, $"{where}: \"{text}\" is not of type {scalar.GetString()}");
                break;
        }
    }

    /// <summary>Pulumi YAML refuses a program that leaves out a required property, at any depth.</summary>
    private static void CheckRequired(JsonElement required, YamlMappingNode given, string where)
    {
        var names = given.Children.Keys.Select(k => k.ToString()).ToHashSet();
        foreach (var name in required.EnumerateArray().Select(r => r.GetString()!))
            Assert.True(names.Contains(name), $"{where}: the required property '{name}' is missing");
    }
}
