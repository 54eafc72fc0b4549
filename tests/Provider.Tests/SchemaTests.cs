using System.Text.Json;
using System.Text.RegularExpressions;
using PulumiLibvirt.Framework;
using PulumiLibvirt.Resources;
using PulumiLibvirt.Tests.Support;

namespace PulumiLibvirt.Tests;

[Trait(Category.Name, Category.Unit)]
public class SchemaTests
{
    private static string Generated() => LibvirtProvider.GenerateSchema();

    [Fact]
    public void Checked_in_schema_is_what_the_provider_types_declare()
    {
        var path = Repository.File("schema.json");
        var generated = Generated();
        if (Environment.GetEnvironmentVariable("UPDATE_SCHEMA") == "1")
            File.WriteAllText(path, generated);
        Assert.True(
            File.ReadAllText(path) == generated,
            "schema.json is stale: run `make schema` and commit the result."
        );
    }

    [Fact]
    public void Schema_lists_every_resource_with_its_inputs_and_outputs()
    {
        using var schema = JsonDocument.Parse(Generated());
        var resources = schema.RootElement.GetProperty("resources");
        foreach (var resource in LibvirtProvider.ResourceTypes)
        {
            var node = resources.GetProperty(resource.Token);
            Assert.Equal(
                resource.Inputs.Properties.Select(p => p.Name).Order(),
                node.GetProperty("inputProperties").EnumerateObject().Select(p => p.Name).Order()
            );
            Assert.Equal(
                resource.Outputs.Select(p => p.Name).Order(),
                node.GetProperty("properties").EnumerateObject().Select(p => p.Name).Order()
            );
        }
    }

    [Fact]
    public void Schema_lists_every_function_with_its_inputs_and_outputs()
    {
        using var schema = JsonDocument.Parse(Generated());
        var functions = schema.RootElement.GetProperty("functions");
        Assert.Equal(
            LibvirtProvider.FunctionTypes.Select(f => f.Token).Order(),
            functions.EnumerateObject().Select(f => f.Name).Order()
        );
        foreach (var function in LibvirtProvider.FunctionTypes)
        {
            var node = functions.GetProperty(function.Token);
            Assert.False(
                string.IsNullOrEmpty(node.GetProperty("description").GetString()),
                $"{function.Token} has no description"
            );
            var inputs = node.TryGetProperty("inputs", out var given)
                ? given.GetProperty("properties").EnumerateObject().Select(p => p.Name)
                : [];
            Assert.Equal(function.Inputs.Properties.Select(p => p.Name).Order(), inputs.Order());
            var outputs = node.GetProperty("outputs");
            Assert.Equal(
                function.Outputs.Properties.Select(p => p.Name).Order(),
                outputs.GetProperty("properties").EnumerateObject().Select(p => p.Name).Order()
            );
            Assert.Equal(
                function.Outputs.Properties.Where(p => !p.IsNullable).Select(p => p.Name).Order(),
                outputs.GetProperty("required").EnumerateArray().Select(e => e.GetString()).Order()
            );
        }
    }

    [Fact]
    public void Volume_schema_states_defaults_enums_replacements_and_requirements()
    {
        using var schema = JsonDocument.Parse(Generated());
        var volume = schema.RootElement.GetProperty("resources").GetProperty("libvirt:index:Volume");
        var inputs = volume.GetProperty("inputProperties");
        Assert.Equal("default", inputs.GetProperty("pool").GetProperty("default").GetString());
        // qcow2 unless the volume has a source, whose format is the image's: no single default to state.
        Assert.False(inputs.GetProperty("format").TryGetProperty("default", out _));
        Assert.Equal(
            "#/types/libvirt:index:VolumeSource",
            inputs.GetProperty("source").GetProperty("$ref").GetString()
        );
        Assert.Contains("replaces the resource", inputs.GetProperty("sha256").GetProperty("description").GetString());
        Assert.Contains("replaces the resource", inputs.GetProperty("pool").GetProperty("description").GetString());
        Assert.DoesNotContain(
            "Changing it replaces",
            inputs.GetProperty("capacity").GetProperty("description").GetString()
        );
        Assert.Equal(
            "#/types/libvirt:index:VolumeFormat",
            inputs.GetProperty("format").GetProperty("$ref").GetString()
        );
        var types = schema.RootElement.GetProperty("types");
        Assert.Equal(
            ["qcow2", "raw"],
            types
                .GetProperty("libvirt:index:VolumeFormat")
                .GetProperty("enum")
                .EnumerateArray()
                .Select(e => e.GetProperty("value").GetString())
        );
        Assert.Equal(
            ["file", "hostPath", "url"],
            types
                .GetProperty("libvirt:index:VolumeSource")
                .GetProperty("properties")
                .EnumerateObject()
                .Select(p => p.Name)
                .Order(StringComparer.Ordinal)
        );
        Assert.Equal(
            ["volume"],
            types
                .GetProperty("libvirt:index:VolumeBackingStore")
                .GetProperty("required")
                .EnumerateArray()
                .Select(e => e.GetString())
        );
        Assert.Contains("key", volume.GetProperty("required").EnumerateArray().Select(e => e.GetString()));
        Assert.DoesNotContain(
            "backingStore",
            volume.GetProperty("required").EnumerateArray().Select(e => e.GetString())
        );
        Assert.Equal(
            "string",
            schema
                .RootElement.GetProperty("config")
                .GetProperty("variables")
                .GetProperty("uri")
                .GetProperty("type")
                .GetString()
        );
    }

    /// <summary>
    /// Every input type the schema names (resources' inputs, the provider's config, nested objects reached from them)
    /// requires exactly what Check's decoding of the inputs reports missing, and states exactly the defaults it fills
    /// in.
    /// </summary>
    [Fact]
    public void Every_input_type_requires_and_defaults_exactly_what_Check_does()
    {
        using var schema = JsonDocument.Parse(Generated());
        var root = schema.RootElement;
        var tokens = SchemaGenerator.TypeTokens(
            LibvirtProvider.Package,
            typeof(ProviderConfig),
            LibvirtProvider.ResourceTypes,
            LibvirtProvider.FunctionTypes
        );
        var pending = new Queue<(string Where, Type Type, JsonElement Properties, string[] Required)>();
        var provider = root.GetProperty("provider");
        pending.Enqueue(("provider", typeof(ProviderConfig), provider.GetProperty("inputProperties"), []));
        foreach (var resource in LibvirtProvider.ResourceTypes)
        {
            var node = root.GetProperty("resources").GetProperty(resource.Token);
            pending.Enqueue(
                (
                    resource.Token,
                    resource.Inputs.Type,
                    node.GetProperty("inputProperties"),
                    Strings(node.GetProperty("requiredInputs"))
                )
            );
        }
        foreach (var function in LibvirtProvider.FunctionTypes)
        {
            if (!root.GetProperty("functions").GetProperty(function.Token).TryGetProperty("inputs", out var inputs))
                continue;
            pending.Enqueue(
                (
                    function.Token,
                    function.Inputs.Type,
                    inputs.GetProperty("properties"),
                    Strings(inputs.GetProperty("required"))
                )
            );
        }
        var seen = new HashSet<string>();
        var proved = 0;
        while (pending.TryDequeue(out var input))
        {
            var (where, type, properties, required) = input;
            foreach (var property in properties.EnumerateObject())
            {
                var reference = property.Value.TryGetProperty("items", out var items) ? items : property.Value;
                if (!reference.TryGetProperty("$ref", out var target))
                    continue;
                var token = target.GetString()!["#/types/".Length..];
                var typeNode = root.GetProperty("types").GetProperty(token);
                if (typeNode.TryGetProperty("properties", out var nested) && seen.Add(token))
                    pending.Enqueue((token, tokens[token], nested, Strings(typeNode.GetProperty("required"))));
            }

            var missing = Decode(type, ObjectValue.Empty).Failures.Select(f => f.Property);
            Assert.True(
                required.Order().SequenceEqual(missing.Order()),
                $"{where}: the schema requires [{string.Join(", ", required)}], Check requires "
                    + $"[{string.Join(", ", missing)}]"
            );
            var minimal = new ObjectValue(
                required.Select(name => KeyValuePair.Create(name, Sample(root, properties.GetProperty(name))))
            );
            var decoded = Decode(type, minimal);
            Assert.Empty(decoded.Failures);
            var filled = PropertyMapper.Encode(decoded.Value);
            foreach (var property in properties.EnumerateObject().Where(p => !required.Contains(p.Name)))
            {
                var value = filled[property.Name];
                if (property.Value.TryGetProperty("default", out var stated))
                    Assert.True(
                        Equals(Props.Value(Scalar(stated)), value),
                        $"{where}.{property.Name}: the schema's default is {stated}, Check fills in {value}"
                    );
                else
                    Assert.True(
                        value is null or ArrayValue { Items.Length: 0 },
                        $"{where}.{property.Name}: Check fills in {value}, which the schema does not state as its "
                            + "default"
                    );
            }
            proved++;
        }
        Assert.True(proved >= 12, $"only {proved} input types were found in the schema");
    }

    [Fact]
    public void Two_record_types_behind_one_token_are_refused()
    {
        var error = Assert.Throws<InvalidOperationException>(() =>
            SchemaGenerator.Generate(LibvirtProvider.Package, typeof(ProviderConfig), [new ClashingResource()], [])
        );
        Assert.Contains("libvirt:index:Thing", error.Message);
    }

    [Fact]
    public void Schema_has_what_sdk_generation_needs_and_names_no_package_of_the_registry()
    {
        using var schema = JsonDocument.Parse(Generated());
        var root = schema.RootElement;
        var version = Regex
            .Match(File.ReadAllText(Repository.File("Directory.Build.props")), "<Version>(.*)</Version>")
            .Groups[1]
            .Value;
        Assert.Equal(version, root.GetProperty("version").GetString());
        var language = root.GetProperty("language");
        // The registry's bridged libvirt package (0.5.x) publishes these names.
        Assert.NotEqual("@pulumi/libvirt", language.GetProperty("nodejs").GetProperty("packageName").GetString());
        Assert.NotEqual("pulumi_libvirt", language.GetProperty("python").GetProperty("packageName").GetString());
        Assert.NotEqual("Pulumi", language.GetProperty("csharp").GetProperty("rootNamespace").GetString());
        Assert.DoesNotContain(
            "github.com/pulumi/pulumi-libvirt",
            language.GetProperty("go").GetProperty("importBasePath").GetString()
        );

        // Every 64-bit property (byte counts) is a number: integer is 32-bit in Pulumi's SDKs.
        var sizes = 0;
        foreach (var resource in LibvirtProvider.ResourceTypes)
        {
            var node = root.GetProperty("resources").GetProperty(resource.Token);
            foreach (
                var (properties, section) in new[]
                {
                    (resource.Inputs.Properties, "inputProperties"),
                    (resource.Outputs, "properties"),
                }
            )
            {
                foreach (var property in properties.Where(p => p.ValueType == typeof(long)))
                {
                    Assert.Equal(
                        "number",
                        node.GetProperty(section).GetProperty(property.Name).GetProperty("type").GetString()
                    );
                    sizes++;
                }
            }
        }
        foreach (var function in LibvirtProvider.FunctionTypes)
        {
            var outputs = root.GetProperty("functions")
                .GetProperty(function.Token)
                .GetProperty("outputs")
                .GetProperty("properties");
            foreach (var property in function.Outputs.Properties.Where(p => p.ValueType == typeof(long)))
            {
                Assert.Equal("number", outputs.GetProperty(property.Name).GetProperty("type").GetString());
                sizes++;
            }
        }
        Assert.True(
            sizes >= 6,
            "Volume's capacity (in and out) and allocation, getVolume's capacity and allocation, getNodeInfo's "
                + "memory are byte counts"
        );
    }

    private static string[] Strings(JsonElement array) => array.EnumerateArray().Select(e => e.GetString()!).ToArray();

    private static Decoded<object> Decode(Type type, ObjectValue value)
    {
        var decoded = typeof(PropertyMapper)
            .GetMethod(nameof(PropertyMapper.Decode))!
            .MakeGenericMethod(type)
            .Invoke(null, [value, true])!;
        T Get<T>(string name) => (T)decoded.GetType().GetProperty(name)!.GetValue(decoded)!;
        return new Decoded<object>(
            Get<object>("Value"),
            Get<PropertyMarks>("Marks"),
            Get<IReadOnlyList<CheckFailure>>("Failures")
        );
    }

    /// <summary>A value of the property's schema type, for its required properties.</summary>
    private static PropertyValue Sample(JsonElement root, JsonElement property)
    {
        if (property.TryGetProperty("$ref", out var reference))
        {
            var type = root.GetProperty("types").GetProperty(reference.GetString()!["#/types/".Length..]);
            if (type.TryGetProperty("enum", out var values))
                return Props.Value(values[0].GetProperty("value").GetString());
            return new ObjectValue(
                Strings(type.GetProperty("required"))
                    .Select(name =>
                        KeyValuePair.Create(name, Sample(root, type.GetProperty("properties").GetProperty(name)))
                    )
            );
        }
        return property.GetProperty("type").GetString() switch
        {
            "string" => Props.Value("x"),
            "boolean" => Props.Value(true),
            "integer" or "number" => Props.Value(1),
            _ => Props.Array(),
        };
    }

    private static object? Scalar(JsonElement value) =>
        value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Number => value.GetDouble(),
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw new ArgumentException($"no scalar default: {value}"),
        };

    private sealed record ThingArgs
    {
        public string? Size { get; init; }
    }

    private sealed record Thing
    {
        public string Size { get; init; } = "";
    }

    private sealed record ClashArgs
    {
        public ThingArgs? Thing { get; init; }
    }

    private sealed record ClashState
    {
        public Thing? Thing { get; init; }
    }

    /// <summary>A resource whose input record ThingArgs and output record Thing would share the token Thing.</summary>
    private sealed class ClashingResource : Resource<ClashArgs, ClashState, ResourceContext>
    {
        public override string Token => "libvirt:index:Clash";

        protected override Task<Checked<ClashArgs>> CheckAsync(
            ClashArgs news,
            ClashArgs? olds,
            PropertyMarks marks,
            ResourceContext context
        ) => throw new NotSupportedException();

        protected override Task<(string Id, ClashState State)> CreateAsync(ClashArgs inputs, ResourceContext context) =>
            throw new NotSupportedException();

        protected override Task<(string Id, ClashArgs Inputs, ClashState State)?> ReadAsync(
            string id,
            ClashArgs? inputs,
            ClashState? state,
            ResourceContext context
        ) => throw new NotSupportedException();

        protected override Task<ClashState> UpdateAsync(
            string id,
            ClashArgs olds,
            ClashArgs news,
            ClashState state,
            ResourceContext context
        ) => throw new NotSupportedException();

        protected override Task DeleteAsync(string id, ClashArgs inputs, ClashState state, ResourceContext context) =>
            throw new NotSupportedException();
    }
}
