using System.ComponentModel;
using System.Text.Json;
using PulumiLibvirt.Framework;
using PulumiLibvirt.Resources;
using PulumiLibvirt.Tests.Support;

namespace PulumiLibvirt.Tests;

/// <summary>
/// The generic function adapter on an in-memory function, without libvirt: argument decoding and its failures,
/// the function's own Check, the encoding of its result, errors, and the function's entry in the schema.
/// </summary>
[Trait(Category.Name, Category.Unit)]
public sealed class FunctionAdapterTests
{
    private readonly GetLamp _function = new();

    private static ResourceContext Context(CancellationToken cancellation = default) =>
        new(new RecordingLog(), "", cancellation);

    [Fact]
    public async Task Arguments_are_decoded_with_their_defaults_and_the_result_encoded_as_outputs_are()
    {
        var result = await _function.InvokeAsync(Props.Object(("name", "desk")), Context());

        Assert.Empty(result.Failures);
        Assert.Equal(new GetLampArgs { Name = "desk", Watts = 40 }, _function.Called.Single());
        var returned = result.Return!;
        Assert.Equal(Props.Value("desk"), returned["name"]);
        Assert.Equal(Props.Value(40), returned["watts"]);
        Assert.Equal(Props.Array("warm", "dim"), returned["tags"]);
        Assert.Equal(Props.Object(("kind", "e27")), returned["socket"]);
        Assert.Equal(Props.Secret("s3cret"), returned["token"]);
        // A result property without a value is left out, as in outputs.
        Assert.False(returned.Properties.ContainsKey("note"));
    }

    [Fact]
    public async Task Wrong_missing_and_unknown_arguments_are_failures_and_the_function_does_not_run()
    {
        var result = await _function.InvokeAsync(Props.Object(("watts", "bright"), ("colour", "red")), Context());

        Assert.Null(result.Return);
        Assert.Equal(["colour", "name", "watts"], result.Failures.Select(f => f.Property).Order());
        Assert.Contains("'watts' must be a whole number", result.Failures.Single(f => f.Property == "watts").Reason);
        Assert.Contains("known properties: name, watts", result.Failures.Single(f => f.Property == "colour").Reason);
        Assert.Empty(_function.Called);
    }

    [Fact]
    public async Task The_functions_own_check_answers_failures_before_it_runs()
    {
        var result = await _function.InvokeAsync(Props.Object(("name", "desk"), ("watts", 500)), Context());

        Assert.Null(result.Return);
        Assert.Equal(new CheckFailure("watts", "'watts' is at most 100."), result.Failures.Single());
        Assert.Empty(_function.Called);
    }

    [Fact]
    public async Task Errors_of_the_functions_own_layer_are_translated_and_cancellation_stops_it()
    {
        var missing = await Assert.ThrowsAsync<ProviderException>(() =>
            _function.InvokeAsync(Props.Object(("name", "missing")), Context())
        );
        Assert.Equal(ErrorKind.NotFound, missing.Kind);
        Assert.Equal("No lamp 'missing'.", missing.Message);

        await Assert.ThrowsAsync<OperationCanceledException>(() =>
            _function.InvokeAsync(Props.Object(("name", "desk")), Context(new CancellationToken(true)))
        );
        Assert.Empty(_function.Called);
    }

    [Fact]
    public void The_schema_has_each_functions_inputs_and_outputs_as_object_type_specs()
    {
        using var schema = JsonDocument.Parse(
            SchemaGenerator.Generate(LibvirtProvider.Package, typeof(ProviderConfig), [], [_function, new GetNothing()])
        );
        var functions = schema.RootElement.GetProperty("functions");

        var lamp = functions.GetProperty("test:index:getLamp");
        Assert.Equal("Finds a lamp.", lamp.GetProperty("description").GetString());
        var inputs = lamp.GetProperty("inputs");
        Assert.Equal("object", inputs.GetProperty("type").GetString());
        Assert.Equal(["name", "watts"], inputs.GetProperty("properties").EnumerateObject().Select(p => p.Name));
        Assert.Equal(40, inputs.GetProperty("properties").GetProperty("watts").GetProperty("default").GetDouble());
        Assert.Equal(["name"], inputs.GetProperty("required").EnumerateArray().Select(e => e.GetString()));
        var outputs = lamp.GetProperty("outputs");
        Assert.Equal("object", outputs.GetProperty("type").GetString());
        Assert.Equal(
            ["name", "watts", "tags", "socket", "note", "token"],
            outputs.GetProperty("properties").EnumerateObject().Select(p => p.Name)
        );
        Assert.Equal(
            ["name", "watts", "tags", "socket", "token"],
            outputs.GetProperty("required").EnumerateArray().Select(e => e.GetString())
        );
        Assert.Equal(
            "#/types/libvirt:index:LampSocket",
            outputs.GetProperty("properties").GetProperty("socket").GetProperty("$ref").GetString()
        );
        Assert.True(outputs.GetProperty("properties").GetProperty("token").GetProperty("secret").GetBoolean());
        Assert.Equal(
            ["kind"],
            schema
                .RootElement.GetProperty("types")
                .GetProperty("libvirt:index:LampSocket")
                .GetProperty("required")
                .EnumerateArray()
                .Select(e => e.GetString())
        );

        // A function without arguments has no inputs at all.
        Assert.False(functions.GetProperty("test:index:getNothing").TryGetProperty("inputs", out _));
    }

    private sealed record GetLampArgs
    {
        public required string Name { get; init; }
        public int Watts { get; init; } = 40;
    }

    private sealed record LampSocket
    {
        public string Kind { get; init; } = "";
    }

    private sealed record GetLampResult
    {
        public string Name { get; init; } = "";
        public int Watts { get; init; }
        public IReadOnlyList<string> Tags { get; init; } = [];
        public LampSocket Socket { get; init; } = new();
        public string? Note { get; init; }

        [Secret]
        public string Token { get; init; } = "";
    }

    private sealed class LampMissingException : Exception;

    [Description("Finds a lamp.")]
    private sealed class GetLamp : Function<GetLampArgs, GetLampResult, ResourceContext>
    {
        public List<GetLampArgs> Called { get; } = [];

        public override string Token => "test:index:getLamp";

        protected override IReadOnlyList<CheckFailure> Check(GetLampArgs args) =>
            args.Watts > 100 ? [new CheckFailure("watts", "'watts' is at most 100.")] : [];

        protected override Task<GetLampResult> InvokeAsync(GetLampArgs args, ResourceContext context)
        {
            if (args.Name == "missing")
                throw new LampMissingException();
            Called.Add(args);
            return Task.FromResult(
                new GetLampResult
                {
                    Name = args.Name,
                    Watts = args.Watts,
                    Tags = ["warm", "dim"],
                    Socket = new LampSocket { Kind = "e27" },
                    Token = "s3cret",
                }
            );
        }

        protected override ProviderException? Translate(Exception exception, ResourceContext context) =>
            exception is LampMissingException ? new ProviderException(ErrorKind.NotFound, "No lamp 'missing'.") : null;
    }

    private sealed record GetNothingArgs;

    private sealed record GetNothingResult
    {
        public bool Ok { get; init; }
    }

    private sealed class GetNothing : Function<GetNothingArgs, GetNothingResult, ResourceContext>
    {
        public override string Token => "test:index:getNothing";

        protected override Task<GetNothingResult> InvokeAsync(GetNothingArgs args, ResourceContext context) =>
            Task.FromResult(new GetNothingResult { Ok = true });
    }
}
