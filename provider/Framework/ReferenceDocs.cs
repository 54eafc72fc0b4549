using System.Globalization;
using System.Text;
using System.Text.Json;

namespace PulumiLibvirt.Framework;

/// <summary>A hand-written page of docs/ that the overview links to.</summary>
/// <param name="File">Its file name in docs/, such as <c>operations.md</c>.</param>
/// <param name="Title">Its first heading.</param>
public sealed record DocsGuide(string File, string Title);

/// <summary>
/// Renders the reference docs from the package schema, in the Pulumi registry's layout: <c>_index.md</c> and
/// <c>installation-configuration.md</c>, and a page per resource and per function with every input and output, its
/// type, default and description. The schema's descriptions are the one source: docs/ is this output, checked in,
/// and a test fails when the two differ.
/// </summary>
public sealed class ReferenceDocs
{
    private const string Generated =
        "<!-- Generated from schema.json by `make docs`: edit the descriptions in the "
        + "provider's types, not this file. -->";

    private readonly JsonElement _schema;
    private readonly string _name;
    private readonly string _prefix;

    private ReferenceDocs(JsonElement schema)
    {
        _schema = schema;
        _name = schema.GetProperty("name").GetString()!;
        _prefix = $"{_name}:index:";
    }

    /// <summary>Every generated page by its path under docs/ ('/'-separated).</summary>
    /// <param name="guides">The hand-written pages the overview links to.</param>
    /// <param name="example">A Pulumi YAML program the overview shows.</param>
    public static SortedDictionary<string, string> Generate(
        string schemaJson,
        IReadOnlyList<DocsGuide> guides,
        string example
    )
    {
        using var document = JsonDocument.Parse(schemaJson);
        var docs = new ReferenceDocs(document.RootElement);
        var pages = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["_index.md"] = docs.Overview(guides, example),
            ["installation-configuration.md"] = docs.InstallationConfiguration(),
        };
        foreach (var resource in document.RootElement.GetProperty("resources").EnumerateObject())
        {
            var name = docs.ShortName(resource.Name);
            pages[ResourcePage(name)] = docs.ResourcePage(resource.Name, resource.Value);
        }
        foreach (var function in document.RootElement.GetProperty("functions").EnumerateObject())
        {
            var name = docs.ShortName(function.Name);
            pages[FunctionPage(name)] = docs.FunctionPage(function.Name, function.Value);
        }
        return pages;
    }

    /// <summary>The folders whose every page is generated: a page there that the schema lacks is stale.</summary>
    public static IReadOnlyList<string> GeneratedFolders { get; } = ["resources", "functions"];

    private static string ResourcePage(string name) => $"resources/{name.ToLowerInvariant()}.md";

    private static string FunctionPage(string name) => $"functions/{name.ToLowerInvariant()}.md";

    private string ShortName(string token) =>
        token.StartsWith(_prefix, StringComparison.Ordinal) ? token[_prefix.Length..] : token;

    private string DisplayName => _schema.TryGetProperty("displayName", out var display) ? display.GetString()! : _name;

    private string Overview(IReadOnlyList<DocsGuide> guides, string example)
    {
        var page = new StringBuilder();
        FrontMatter(page, $"{DisplayName} Provider", Text(_schema, "description"));
        page.AppendLine(CultureInfo.InvariantCulture, $"{Text(_schema, "description")}").AppendLine();
        page.AppendLine("See [Installation & Configuration](installation-configuration.md) to set it up.");
        page.AppendLine().AppendLine("## Example").AppendLine();
        page.AppendLine("```yaml").Append(example).AppendLine("```").AppendLine();
        page.AppendLine("## Resources").AppendLine();
        foreach (var resource in _schema.GetProperty("resources").EnumerateObject())
        {
            var name = ShortName(resource.Name);
            page.AppendLine(
                CultureInfo.InvariantCulture,
                $"- [{name}]({ResourcePage(name)}) (`{resource.Name}`): {Text(resource.Value, "description")}"
            );
        }
        page.AppendLine().AppendLine("## Functions").AppendLine();
        foreach (var function in _schema.GetProperty("functions").EnumerateObject())
        {
            var name = ShortName(function.Name);
            page.AppendLine(
                CultureInfo.InvariantCulture,
                $"- [{name}]({FunctionPage(name)}) (`{function.Name}`): {Text(function.Value, "description")}"
            );
        }
        if (guides.Count > 0)
        {
            page.AppendLine().AppendLine("## Guides").AppendLine();
            foreach (var guide in guides)
                page.AppendLine(CultureInfo.InvariantCulture, $"- [{guide.Title}]({guide.File})");
        }
        return page.ToString();
    }

    private string InstallationConfiguration()
    {
        var version = Text(_schema, "version");
        var page = new StringBuilder();
        FrontMatter(
            page,
            $"{DisplayName} Installation & Configuration",
            $"How to install the {DisplayName} provider and configure it."
        );
        page.AppendLine("## Installation").AppendLine();
        page.AppendLine(
            CultureInfo.InvariantCulture,
            $"""
            The resource plugin `{_name}` {version} is built from this repository, which no registry serves:
            `make install` builds it and puts it in `~/.pulumi/plugins/resource-{_name}-v{version}/`. A program names
            the plugin by path in its `Pulumi.yaml`, so that the Pulumi CLI never takes a registry package of the
            same name for it:

            ```yaml
            plugins:
              providers:
                - name: {_name}
                  path: /path/to/repository/bin
            ```

            Pulumi YAML programs need nothing else. For other languages, `pulumi package add
            /path/to/repository/bin/pulumi-resource-{_name}` generates the SDK from the plugin's schema and links it
            into the program; the SDKs are named:

            """
        );
        page.AppendLine("| language | package |").AppendLine("| --- | --- |");
        var language = _schema.GetProperty("language");
        page.AppendLine(
            CultureInfo.InvariantCulture,
            $"| TypeScript/JavaScript | `{Text(language.GetProperty("nodejs"), "packageName")}` |"
        );
        page.AppendLine(
            CultureInfo.InvariantCulture,
            $"| Python | `{Text(language.GetProperty("python"), "packageName")}` |"
        );
        page.AppendLine(
            CultureInfo.InvariantCulture,
            $"| Go | `{Text(language.GetProperty("go"), "importBasePath")}` |"
        );
        page.AppendLine(
            CultureInfo.InvariantCulture,
            $"| C# | `{Text(language.GetProperty("csharp"), "rootNamespace")}.{Pascal(_name)}` |"
        );
        page.AppendLine().AppendLine("## Configuration").AppendLine();
        page.AppendLine(
            CultureInfo.InvariantCulture,
            $"""
            Set a key for the stack's default provider with `pulumi config set {_name}:KEY VALUE`, or give the keys
            as inputs of an explicit provider resource (`type: pulumi:providers:{_name}`), one per host:

            """
        );
        var provider = _schema.GetProperty("provider");
        Properties(
            page,
            provider.GetProperty("inputProperties"),
            Strings(provider, "requiredInputs"),
            isInput: true,
            qualifier: $"{_name}:"
        );
        return page.ToString();
    }

    private string ResourcePage(string token, JsonElement resource)
    {
        var page = new StringBuilder();
        page.AppendLine(Generated).AppendLine();
        page.AppendLine(CultureInfo.InvariantCulture, $"# {ShortName(token)}").AppendLine();
        page.AppendLine(CultureInfo.InvariantCulture, $"`{token}`: {Text(resource, "description")}").AppendLine();
        page.AppendLine("## Inputs").AppendLine();
        var inputs = resource.GetProperty("inputProperties");
        Properties(page, inputs, Strings(resource, "requiredInputs"), isInput: true);
        page.AppendLine().AppendLine("## Outputs").AppendLine();
        var outputs = resource.GetProperty("properties");
        Properties(page, outputs, Strings(resource, "required"), isInput: false);
        Types(page, [inputs], [outputs]);
        return page.ToString();
    }

    private string FunctionPage(string token, JsonElement function)
    {
        var page = new StringBuilder();
        page.AppendLine(Generated).AppendLine();
        page.AppendLine(CultureInfo.InvariantCulture, $"# {ShortName(token)}").AppendLine();
        page.AppendLine(CultureInfo.InvariantCulture, $"`{token}`: {Text(function, "description")}").AppendLine();
        page.AppendLine("## Arguments").AppendLine();
        List<JsonElement> arguments = [];
        if (function.TryGetProperty("inputs", out var inputs))
        {
            Properties(page, inputs.GetProperty("properties"), Strings(inputs, "required"), isInput: true);
            arguments.Add(inputs.GetProperty("properties"));
        }
        else
        {
            page.AppendLine("None.");
        }
        page.AppendLine().AppendLine("## Result").AppendLine();
        var outputs = function.GetProperty("outputs");
        Properties(page, outputs.GetProperty("properties"), Strings(outputs, "required"), isInput: false);
        Types(page, arguments, [outputs.GetProperty("properties")]);
        return page.ToString();
    }

    /// <summary>
    /// The object types the properties reach, directly or through other types, each with its properties. A type that
    /// inputs reach is an input type (what a program gives, with the defaults Check applies), as in the schema.
    /// </summary>
    private void Types(StringBuilder page, IEnumerable<JsonElement> inputs, IEnumerable<JsonElement> outputs)
    {
        var inputTypes = Reached(inputs);
        var objects = inputTypes
            .Union(Reached(outputs))
            .Where(t => TypeNode(t).TryGetProperty("properties", out _))
            .Order(StringComparer.Ordinal)
            .ToList();
        if (objects.Count == 0)
            return;
        page.AppendLine().AppendLine("## Types");
        foreach (var token in objects)
        {
            var type = TypeNode(token);
            page.AppendLine().AppendLine(CultureInfo.InvariantCulture, $"### {ShortName(token)}").AppendLine();
            if (type.TryGetProperty("description", out var description))
                page.AppendLine(description.GetString()).AppendLine();
            Properties(page, type.GetProperty("properties"), Strings(type, "required"), inputTypes.Contains(token));
        }
    }

    private HashSet<string> Reached(IEnumerable<JsonElement> properties)
    {
        var found = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Queue<JsonElement>(properties);
        while (pending.TryDequeue(out var current))
        {
            foreach (var property in current.EnumerateObject())
            {
                if (Reference(property.Value) is not { } token || !found.Add(token))
                    continue;
                if (TypeNode(token).TryGetProperty("properties", out var nested))
                    pending.Enqueue(nested);
            }
        }
        return found;
    }

    private void Properties(
        StringBuilder page,
        JsonElement properties,
        string[] required,
        bool isInput,
        string qualifier = ""
    )
    {
        var any = false;
        foreach (var property in properties.EnumerateObject())
        {
            any = true;
            List<string> facts = [TypeText(property.Value)];
            if (isInput && required.Contains(property.Name))
                facts.Add("required");
            if (!isInput && !required.Contains(property.Name))
                facts.Add("optional");
            if (property.Value.TryGetProperty("default", out var value))
                facts.Add($"default `{Literal(value)}`");
            if (property.Value.TryGetProperty("secret", out var secret) && secret.GetBoolean())
                facts.Add("secret");
            var description = property.Value.TryGetProperty("description", out var text) ? $": {text.GetString()}" : "";
            page.AppendLine(
                CultureInfo.InvariantCulture,
                $"- `{qualifier}{property.Name}` ({string.Join(", ", facts)}){description}"
            );
        }
        if (!any)
            page.AppendLine("None.");
    }

    private string TypeText(JsonElement property)
    {
        if (property.TryGetProperty("$ref", out var reference))
        {
            var token = reference.GetString()!["#/types/".Length..];
            var type = TypeNode(token);
            if (type.TryGetProperty("enum", out var choices))
            {
                var values = choices.EnumerateArray().Select(choice => $"`{Literal(choice.GetProperty("value"))}`");
                return "one of " + string.Join(", ", values);
            }
            var name = ShortName(token);
            return $"[{name}](#{name.ToLowerInvariant()})";
        }
        return property.GetProperty("type").GetString() switch
        {
            "array" => $"list of {TypeText(property.GetProperty("items"))}",
            "object" when property.TryGetProperty("additionalProperties", out var values) =>
                $"map of {TypeText(values)}",
            var scalar => scalar!,
        };
    }

    private static string? Reference(JsonElement property)
    {
        var target = property.TryGetProperty("items", out var items) ? items : property;
        return target.TryGetProperty("$ref", out var reference) ? reference.GetString()!["#/types/".Length..] : null;
    }

    private JsonElement TypeNode(string token) => _schema.GetProperty("types").GetProperty(token);

    private static void FrontMatter(StringBuilder page, string title, string description)
    {
        page.AppendLine("---");
        page.AppendLine(CultureInfo.InvariantCulture, $"title: {title}");
        page.AppendLine(CultureInfo.InvariantCulture, $"meta_desc: {description}");
        page.AppendLine("layout: package");
        page.AppendLine("---").AppendLine();
        page.AppendLine(Generated).AppendLine();
    }

    private static string Literal(JsonElement value) =>
        value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText();

    private static string Text(JsonElement node, string name) => node.GetProperty(name).GetString()!;

    private static string[] Strings(JsonElement node, string name) =>
        node.TryGetProperty(name, out var array) ? array.EnumerateArray().Select(e => e.GetString()!).ToArray() : [];

    private static string Pascal(string name) => char.ToUpperInvariant(name[0]) + name[1..];
}
