using System.Globalization;
using System.Text.RegularExpressions;
using PulumiLibvirt.Framework;
using YamlDotNet.RepresentationModel;

namespace PulumiLibvirt.Tests.Support;

/// <summary>
/// A Pulumi YAML program of examples/, read as Pulumi YAML reads it, for the subset the examples use: config with
/// defaults, variables with plain values, resources with properties, <c>${resource.output[0].field}</c>,
/// <c>${config}</c> and <c>${pulumi.stack}</c>
/// references (whole values or parts of strings), and the order the references impose.
/// </summary>
public sealed partial class ExampleProgram
{
    private readonly Dictionary<string, string> _config;
    private readonly Dictionary<string, string> _builtins;
    private readonly YamlMappingNode _outputs;
    private readonly Dictionary<string, YamlNode> _variables;

    public ExampleProgram(string file, string stack, IReadOnlyDictionary<string, string> config)
    {
        var yaml = new YamlStream();
        yaml.Load(new StringReader(File.ReadAllText(file)));
        var program = (YamlMappingNode)yaml.Documents[0].RootNode;
        Project = program["name"].ToString();
        _builtins = new() { ["pulumi.project"] = Project, ["pulumi.stack"] = stack };
        var declared = program.Children.TryGetValue("config", out var c) ? (YamlMappingNode)c : new YamlMappingNode();
        _config = declared.Children.ToDictionary(
            d => d.Key.ToString(),
            d => config.GetValueOrDefault(d.Key.ToString()) ?? ((YamlMappingNode)d.Value)["default"].ToString()
        );
        Resources = ((YamlMappingNode)program["resources"]).Children.ToDictionary(
            r => r.Key.ToString(),
            r => new ExampleResource(
                r.Key.ToString(),
                ((YamlMappingNode)r.Value)["type"].ToString(),
                ((YamlMappingNode)r.Value).Children.TryGetValue("properties", out var p)
                    ? (YamlMappingNode)p
                    : new YamlMappingNode(),
                ExplicitProvider((YamlMappingNode)r.Value)
            )
        );
        _outputs = program.Children.TryGetValue("outputs", out var o) ? (YamlMappingNode)o : new YamlMappingNode();
        _variables = program.Children.TryGetValue("variables", out var v)
            ? ((YamlMappingNode)v).Children.ToDictionary(
                variable => variable.Key.ToString(),
                variable => variable.Value
            )
            : [];
    }

    /// <summary>
    /// The stack's outputs, as `pulumi stack output` shows them after an up that made <paramref name="outputs"/>.
    /// </summary>
    public ObjectValue StackOutputs(IReadOnlyDictionary<string, ObjectValue> outputs) =>
        (ObjectValue)Evaluate(_outputs, outputs);

    public string Project { get; }

    public IReadOnlyDictionary<string, ExampleResource> Resources { get; }

    /// <summary>
    /// The resources in waves: each wave's resources reference only those of earlier waves, so the engine works on a
    /// whole wave at once.
    /// </summary>
    public IReadOnlyList<IReadOnlyList<ExampleResource>> InDependencyWaves()
    {
        var waves = new List<IReadOnlyList<ExampleResource>>();
        var placed = new HashSet<string>();
        while (placed.Count < Resources.Count)
        {
            var ready = Resources
                .Values.Where(r => !placed.Contains(r.Name) && DependenciesOf(r).All(placed.Contains))
                .ToList();
            if (ready.Count == 0)
                throw new InvalidOperationException("the example's resources reference each other in a cycle");
            waves.Add(ready);
            placed.UnionWith(ready.Select(r => r.Name));
        }
        return waves;
    }

    /// <summary>
    /// The resources <paramref name="resource"/> references, and its explicit provider (made before it).
    /// </summary>
    public IEnumerable<string> DependenciesOf(ExampleResource resource) =>
        DependenciesOf(resource.Properties).Concat(resource.Provider is { } provider ? [provider] : []).Distinct();

    /// <summary>
    /// The resource <c>options.provider</c> names (<c>${name}</c>), or null for the default provider.
    /// </summary>
    private static string? ExplicitProvider(YamlMappingNode resource) =>
        resource.Children.TryGetValue("options", out var options)
        && ((YamlMappingNode)options).Children.TryGetValue("provider", out var provider)
            ? Reference().Match(provider.ToString()).Groups["root"].Value
            : null;

    private IEnumerable<string> DependenciesOf(YamlNode node) =>
        Scalars(node)
            .SelectMany(text => Reference().Matches(text))
            .Select(m => m.Groups["root"].Value)
            .SelectMany(root =>
                _variables.TryGetValue(root, out var variable) ? DependenciesOf(variable)
                : Resources.ContainsKey(root) ? [root]
                : []
            );

    /// <summary>
    /// The properties of <paramref name="resource"/> with every reference resolved against <paramref name="outputs"/>
    /// (in a preview, outputs not known yet are unknown values, and so is what is made of them).
    /// </summary>
    public ObjectValue Inputs(ExampleResource resource, IReadOnlyDictionary<string, ObjectValue> outputs) =>
        (ObjectValue)Evaluate(resource.Properties, outputs);

    private PropertyValue Evaluate(YamlNode node, IReadOnlyDictionary<string, ObjectValue> outputs) =>
        node switch
        {
            YamlMappingNode map => new ObjectValue(
                map.Children.Select(c => KeyValuePair.Create(c.Key.ToString(), Evaluate(c.Value, outputs)))
            ),
            YamlSequenceNode list => new ArrayValue([.. list.Children.Select(item => Evaluate(item, outputs))]),
            YamlScalarNode scalar => Scalar(scalar, outputs),
            _ => throw new InvalidOperationException($"unexpected YAML node {node}"),
        };

    private PropertyValue Scalar(YamlScalarNode scalar, IReadOnlyDictionary<string, ObjectValue> outputs)
    {
        var text = scalar.Value ?? "";
        var references = Reference().Matches(text);
        // A whole-value reference keeps the referenced value's type; references inside text become text.
        if (references.Count == 1 && references[0].Value == text)
            return Resolve(references[0], outputs);
        if (references.Count > 0)
        {
            var parts = references.Select(m => Resolve(m, outputs)).ToList();
            // In a preview, text made with an output that is not known yet is not known either.
            if (parts.Any(p => p.ContainsUnknowns))
                return PropertyValue.Unknown;
            var next = 0;
            return new StringValue(
                Reference().Replace(text, _ => parts[next++] is StringValue s ? s.Value : parts[next - 1].ToString())
            );
        }
        if (scalar.Style == YamlDotNet.Core.ScalarStyle.Plain)
        {
            if (text is "true" or "false")
                return new BoolValue(text == "true");
            if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
                return new NumberValue(number);
        }
        return new StringValue(text);
    }

    private PropertyValue Resolve(Match reference, IReadOnlyDictionary<string, ObjectValue> outputs)
    {
        var root = reference.Groups["root"].Value;
        var path = reference.Groups["path"].Value;
        if (_builtins.TryGetValue($"{root}{path}", out var builtin))
            return new StringValue(builtin);
        if (path.Length == 0 && _config.TryGetValue(root, out var configured))
            return new StringValue(configured);
        if (path.Length == 0 && _variables.TryGetValue(root, out var variable))
            return Evaluate(variable, outputs);
        PropertyValue value = outputs.TryGetValue(root, out var resource)
            ? resource
            : throw new InvalidOperationException($"${{{root}{path}}}: {root} is not created yet (or names nothing)");
        foreach (Match step in PathStep().Matches(path))
        {
            if (value is UnknownValue)
                return value;
            value = step.Groups["property"].Success
                ? ((ObjectValue)value.Unsecret)[step.Groups["property"].Value]
                    ?? throw new InvalidOperationException($"{reference.Value}: no output {step.Value}")
                : ((ArrayValue)value.Unsecret).Items[
                    int.Parse(step.Groups["index"].Value, CultureInfo.InvariantCulture)
                ];
        }
        return value.Unsecret;
    }

    private static IEnumerable<string> Scalars(YamlNode node) =>
        node switch
        {
            YamlMappingNode map => map.Children.Values.SelectMany(Scalars),
            YamlSequenceNode list => list.Children.SelectMany(Scalars),
            YamlScalarNode { Value: { } text } => [text],
            _ => [],
        };

    /// <summary>A reference: its root (a resource, config value or <c>pulumi</c>) and the path into it.</summary>
    [GeneratedRegex(@"\$\{(?<root>[A-Za-z0-9_-]+)(?<path>(\.[A-Za-z0-9_]+|\[\d+\])*)\}")]
    public static partial Regex Reference();

    [GeneratedRegex(@"\.(?<property>[A-Za-z0-9_]+)|\[(?<index>\d+)\]")]
    private static partial Regex PathStep();
}

/// <summary>
/// One resource of an example: its logical name, type token, properties as written, and the explicit provider
/// resource (<c>options.provider</c>) it is managed by, if any.
/// </summary>
public sealed record ExampleResource(string Name, string Type, YamlMappingNode Properties, string? Provider);
