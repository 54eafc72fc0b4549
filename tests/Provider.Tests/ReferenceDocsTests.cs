using System.Text.Json;
using System.Text.RegularExpressions;
using PulumiLibvirt.Framework;
using PulumiLibvirt.Tests.Support;

namespace PulumiLibvirt.Tests;

/// <summary>
/// docs/ holds the reference generated from schema.json (a page per resource and function, the registry's
/// _index.md and installation-configuration.md) beside hand-written guides. These tests keep the generated part
/// what the schema says, and every page of the repository's docs linked to pages that exist.
/// </summary>
[Trait(Category.Name, Category.Unit)]
public partial class ReferenceDocsTests
{
    private static string Docs(params string[] parts) => Repository.File(["docs", .. parts]);

    private static string Schema() => File.ReadAllText(Repository.File("schema.json"));

    private static string Example() => File.ReadAllText(Repository.File("examples", "quickstart", "Pulumi.yaml"));

    /// <summary>The hand-written pages of docs/: every top-level page that the generator does not write.</summary>
    private static List<DocsGuide> Guides()
    {
        var generated = ReferenceDocs.Generate(Schema(), [], Example()).Keys.ToHashSet();
        return Directory
            .GetFiles(Docs(), "*.md")
            .Select(Path.GetFileName)
            .Where(file => !generated.Contains(file!))
            .Order(StringComparer.Ordinal)
            .Select(file => new DocsGuide(
                file!,
                File.ReadLines(Docs(file!)).First(l => l.StartsWith("# ", StringComparison.Ordinal))["# ".Length..]
            ))
            .ToList();
    }

    private static SortedDictionary<string, string> Generated() =>
        ReferenceDocs.Generate(Schema(), Guides(), Example());

    [Fact]
    public void Checked_in_docs_are_what_the_schema_generates()
    {
        var generated = Generated();
        var stale = ReferenceDocs
            .GeneratedFolders.Where(folder => Directory.Exists(Docs(folder)))
            .SelectMany(folder => Directory.GetFiles(Docs(folder)))
            .Select(path => Path.GetRelativePath(Docs(), path).Replace('\\', '/'))
            .Where(page => !generated.ContainsKey(page))
            .ToList();
        if (Environment.GetEnvironmentVariable("UPDATE_DOCS") == "1")
        {
            foreach (var page in stale)
                File.Delete(Docs(page));
            foreach (var (page, text) in generated)
            {
                Directory.CreateDirectory(Path.GetDirectoryName(Docs(page))!);
                File.WriteAllText(Docs(page), text);
            }
            stale.Clear();
        }
        Assert.True(
            stale.Count == 0,
            $"docs/ has pages the schema no longer has ({string.Join(", ", stale)}): "
                + "run `make docs` and commit the result."
        );
        var differing = generated
            .Where(p => !File.Exists(Docs(p.Key)) || File.ReadAllText(Docs(p.Key)) != p.Value)
            .Select(p => p.Key)
            .ToList();
        Assert.True(
            differing.Count == 0,
            $"docs/ is not what schema.json generates ({string.Join(", ", differing)}): "
                + "run `make docs` and commit the result."
        );
    }

    [Fact]
    public void Each_resource_page_has_every_input_and_output_with_its_description()
    {
        using var schema = JsonDocument.Parse(Schema());
        var generated = Generated();
        var resources = schema.RootElement.GetProperty("resources").EnumerateObject().ToList();
        Assert.Equal(7, resources.Count);
        foreach (var resource in resources)
        {
            var page = Page(generated, "resources", resource.Name);
            AssertListed(page, resource.Value.GetProperty("inputProperties"), Section(page, "Inputs"));
            AssertListed(page, resource.Value.GetProperty("properties"), Section(page, "Outputs"));
            foreach (var required in resource.Value.GetProperty("requiredInputs").EnumerateArray())
                Assert.Matches($@"- `{required.GetString()}` \([^)]*required", Section(page, "Inputs"));
        }
    }

    [Fact]
    public void Each_function_page_has_every_argument_and_result_with_its_description()
    {
        using var schema = JsonDocument.Parse(Schema());
        var generated = Generated();
        var functions = schema.RootElement.GetProperty("functions").EnumerateObject().ToList();
        Assert.Equal(5, functions.Count);
        foreach (var function in functions)
        {
            var page = Page(generated, "functions", function.Name);
            if (function.Value.TryGetProperty("inputs", out var inputs))
                AssertListed(page, inputs.GetProperty("properties"), Section(page, "Arguments"));
            var result = function.Value.GetProperty("outputs").GetProperty("properties");
            AssertListed(page, result, Section(page, "Result"));
        }
    }

    [Fact]
    public void Pages_describe_the_object_types_they_reach_and_state_defaults_and_choices()
    {
        using var schema = JsonDocument.Parse(Schema());
        var types = schema.RootElement.GetProperty("types");
        var volume = Page(Generated(), "resources", "libvirt:index:Volume");
        AssertListed(
            volume,
            types.GetProperty("libvirt:index:VolumeSource").GetProperty("properties"),
            Section(volume, "VolumeSource")
        );
        AssertListed(
            volume,
            types.GetProperty("libvirt:index:ResolvedBackingStore").GetProperty("properties"),
            Section(volume, "ResolvedBackingStore")
        );
        var inputs = Section(volume, "Inputs");
        Assert.Contains("- `pool` (string, default `default`)", inputs, StringComparison.Ordinal);
        Assert.Contains("- `format` (one of `qcow2`, `raw`)", inputs, StringComparison.Ordinal);
        Assert.Contains("- `source` ([VolumeSource](#volumesource))", inputs, StringComparison.Ordinal);
        var domain = Section(Page(Generated(), "resources", "libvirt:index:Domain"), "Inputs");
        Assert.Contains("- `disks` (list of [DomainDisk](#domaindisk))", domain, StringComparison.Ordinal);
        var cloudInit = Page(Generated(), "resources", "libvirt:index:CloudInit");
        Assert.Matches(@"- `userData` \([^)]*secret", Section(cloudInit, "Inputs"));
    }

    [Fact]
    public void Installation_page_lists_every_configuration_key_and_every_sdk()
    {
        using var schema = JsonDocument.Parse(Schema());
        var page = Generated()["installation-configuration.md"];
        Assert.StartsWith("---\ntitle: ", page, StringComparison.Ordinal);
        Assert.Contains("\nlayout: package\n", page, StringComparison.Ordinal);
        foreach (var key in schema.RootElement.GetProperty("config").GetProperty("variables").EnumerateObject())
        {
            Assert.Contains($"- `libvirt:{key.Name}` (", page, StringComparison.Ordinal);
            Assert.Contains(key.Value.GetProperty("description").GetString()!, page, StringComparison.Ordinal);
        }
        Assert.Contains("`@pulumi-libvirt-native/libvirt`", page, StringComparison.Ordinal);
        Assert.Contains("`PulumiLibvirtNative.Libvirt`", page, StringComparison.Ordinal);
    }

    [Fact]
    public void Overview_is_in_the_registry_layout_and_links_every_page()
    {
        var generated = Generated();
        var overview = generated["_index.md"];
        Assert.Matches("^---\ntitle: .+\nmeta_desc: .+\nlayout: package\n---\n", overview);
        var linked = MarkdownLink().Matches(overview).Select(m => m.Groups["target"].Value).ToHashSet();
        var pages = generated.Keys.Where(p => p != "_index.md").Concat(Guides().Select(g => g.File));
        foreach (var page in pages)
            Assert.Contains(page, linked);
        Assert.Contains("operations.md", linked);
        Assert.Contains($"## Example\n\n```yaml\n{Example()}```\n", overview, StringComparison.Ordinal);
    }

    /// <summary>In README.md, CONTRIBUTING.md, bench/README.md and docs/, a relative link leads to a file.</summary>
    [Fact]
    public void Links_between_the_docs_lead_to_files_that_exist()
    {
        var pages = new[] { "README.md", "CONTRIBUTING.md", Path.Combine("bench", "README.md") }
            .Select(p => Repository.File(p))
            .Concat(Directory.GetFiles(Docs(), "*.md", SearchOption.AllDirectories))
            .ToList();
        var checkedLinks = 0;
        foreach (var page in pages)
        {
            foreach (Match link in MarkdownLink().Matches(File.ReadAllText(page)))
            {
                var target = link.Groups["target"].Value.Split('#')[0];
                if (target.Length == 0 || target.Contains("://", StringComparison.Ordinal))
                    continue;
                var path = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(page)!, target));
                Assert.True(
                    File.Exists(path) || Directory.Exists(path),
                    $"{Path.GetRelativePath(Repository.Root, page)} links to {target}, which does not exist"
                );
                checkedLinks++;
            }
        }
        Assert.True(checkedLinks >= 20, $"only {checkedLinks} links were found");
    }

    /// <summary>The README's first program is examples/quickstart, as the overview's: ExampleTests checks it.</summary>
    [Fact]
    public void Readme_quick_start_program_is_the_checked_example()
    {
        var readme = File.ReadAllText(Repository.File("README.md"));
        Assert.Contains($"```yaml\n{Example()}```\n", readme, StringComparison.Ordinal);
    }

    private static string Page(SortedDictionary<string, string> generated, string folder, string token) =>
        generated[$"{folder}/{token["libvirt:index:".Length..].ToLowerInvariant()}.md"];

    /// <summary>The text under a heading of the page, up to the next heading of any level.</summary>
    private static string Section(string page, string heading)
    {
        var start = Regex.Match(page, $"^#+ {Regex.Escape(heading)}\n", RegexOptions.Multiline);
        Assert.True(start.Success, $"no section {heading}");
        var rest = page[(start.Index + start.Length)..];
        var end = Regex.Match(rest, "^#", RegexOptions.Multiline);
        return end.Success ? rest[..end.Index] : rest;
    }

    private static void AssertListed(string page, JsonElement properties, string section)
    {
        foreach (var property in properties.EnumerateObject())
        {
            var start = $"- `{property.Name}` (";
            var line = section.Split('\n').FirstOrDefault(l => l.StartsWith(start, StringComparison.Ordinal));
            Assert.True(line is not null, $"{property.Name} is missing from its section of the page:\n{page}");
            var description = property.Value.GetProperty("description").GetString();
            Assert.EndsWith($": {description}", line, StringComparison.Ordinal);
        }
    }

    [GeneratedRegex(@"\]\((?<target>[^)\s]+)\)")]
    private static partial Regex MarkdownLink();
}
