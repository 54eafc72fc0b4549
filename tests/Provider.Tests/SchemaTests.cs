using System.Text.Json;
using PulumiLibvirt.Resources;
using PulumiLibvirt.Tests.Support;

namespace PulumiLibvirt.Tests;

public class SchemaTests
{
    private static string Generated() => LibvirtProvider.GenerateSchema();

    [Fact]
    public void Checked_in_schema_is_what_the_provider_types_declare()
    {
        var path = Repository.File("schema.json");
        var generated = Generated();
        if (Environment.GetEnvironmentVariable("UPDATE_SCHEMA") == "1") File.WriteAllText(path, generated);
        Assert.True(File.ReadAllText(path) == generated,
            "schema.json is stale: run `make schema` and commit the result.");
    }

    [Fact]
    public void Schema_lists_every_resource_with_its_inputs_and_outputs()
    {
        using var schema = JsonDocument.Parse(Generated());
        var resources = schema.RootElement.GetProperty("resources");
        foreach (var resource in LibvirtProvider.ResourceTypes)
        {
            var node = resources.GetProperty(resource.Token);
            Assert.Equal(resource.Inputs.Properties.Select(p => p.Name).Order(),
                node.GetProperty("inputProperties").EnumerateObject().Select(p => p.Name).Order());
            Assert.Equal(resource.Outputs.Properties.Select(p => p.Name).Order(),
                node.GetProperty("properties").EnumerateObject().Select(p => p.Name).Order());
        }
    }

    [Fact]
    public void Volume_schema_states_defaults_enums_replacements_and_requirements()
    {
        using var schema = JsonDocument.Parse(Generated());
        var volume = schema.RootElement.GetProperty("resources").GetProperty("libvirt:index:Volume");
        var inputs = volume.GetProperty("inputProperties");
        Assert.Equal("default", inputs.GetProperty("pool").GetProperty("default").GetString());
        Assert.Equal("qcow2", inputs.GetProperty("format").GetProperty("default").GetString());
        Assert.Contains("replaces the resource", inputs.GetProperty("pool").GetProperty("description").GetString());
        Assert.DoesNotContain("Changing it replaces", inputs.GetProperty("capacity").GetProperty("description").GetString());
        Assert.Equal("#/types/libvirt:index:VolumeFormat", inputs.GetProperty("format").GetProperty("$ref").GetString());
        var types = schema.RootElement.GetProperty("types");
        Assert.Equal(["qcow2", "raw"], types.GetProperty("libvirt:index:VolumeFormat").GetProperty("enum").EnumerateArray().Select(e => e.GetProperty("value").GetString()));
        Assert.Equal(["volume"], types.GetProperty("libvirt:index:VolumeBackingStore").GetProperty("required").EnumerateArray().Select(e => e.GetString()));
        Assert.Contains("key", volume.GetProperty("required").EnumerateArray().Select(e => e.GetString()));
        Assert.DoesNotContain("backingStore", volume.GetProperty("required").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("string", schema.RootElement.GetProperty("config").GetProperty("variables").GetProperty("uri").GetProperty("type").GetString());
    }
}
