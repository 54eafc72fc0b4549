using PulumiLibvirt.Framework;
using PulumiLibvirt.Tests.Support;

namespace PulumiLibvirt.Tests;

/// <summary>
/// The generic adapter on an in-memory resource, without libvirt: previews, autonaming, secrets, unknowns, the diff
/// rules, outputs derived from inputs, and errors.
/// </summary>
[Trait(Category.Name, Category.Unit)]
public sealed class ResourceAdapterTests
{
    private const string Token = "test:index:Lamp";
    private const string Urn = "urn:pulumi:dev::lab::test:index:Lamp::desk";
    private static readonly byte[] Seed = [1, 2, 3];

    private readonly Lamps _lamps = new();
    private readonly RecordingLog _log = new();

    private ResourceContext Context(CancellationToken cancellation = default) => new(_log, Urn, cancellation);

    private Task<CheckResult> CheckAsync(
        ObjectValue news,
        ObjectValue? olds = null,
        byte[]? seed = null,
        Autonaming? autonaming = null
    ) => _lamps.CheckAsync(new CheckRequest(Urn, "desk", olds, news, seed ?? Seed, autonaming), Context());

    private async Task<(string Id, ObjectValue Outputs, ObjectValue Inputs)> CreateAsync(ObjectValue news)
    {
        var check = await CheckAsync(news);
        Assert.Empty(check.Failures);
        var created = await _lamps.CreateAsync(new CreateRequest(Urn, check.Inputs, Preview: false), Context());
        return (created.Id, created.Outputs, check.Inputs);
    }

    private ResourceDiff Diff(
        ObjectValue oldInputs,
        ObjectValue oldOutputs,
        ObjectValue news,
        params string[] ignore
    ) => _lamps.Diff(new DiffRequest("id", Urn, oldOutputs, oldInputs, news, ignore));

    [Fact]
    public async Task A_create_preview_echoes_inputs_leaves_computed_outputs_unknown_and_makes_nothing()
    {
        var check = await CheckAsync(Props.Object(("watts", 45), ("note", "by the window")));
        var preview = await _lamps.CreateAsync(new CreateRequest(Urn, check.Inputs, Preview: true), Context());

        Assert.Equal("", preview.Id);
        Assert.Empty(_lamps.Made);
        Assert.Equal(Props.Value("by the window"), preview.Outputs["note"]);
        Assert.Equal(check.Inputs["name"], preview.Outputs["name"]);
        Assert.Equal(PropertyValue.Unknown, preview.Outputs["serial"]);
        // Watts is a state property named like an input and computed: the host decides it.
        Assert.Equal(PropertyValue.Unknown, preview.Outputs["watts"]);
        // Socket is a state property named like an input but not computed: the input shows through.
        Assert.Equal(Props.Value("e27"), preview.Outputs["socket"]);
    }

    [Fact]
    public async Task Outputs_are_the_inputs_as_applied_with_state_properties_in_place_of_inputs_of_the_same_name()
    {
        var (id, outputs, _) = await CreateAsync(
            Props.Object(("watts", 45), ("note", "n"), ("token", Props.Secret("s3cret")))
        );

        Assert.Equal(_lamps.Made.Keys.Single(), id);
        Assert.Equal(Props.Value(id), outputs["serial"]);
        Assert.Equal(Props.Value(50), outputs["watts"]);
        Assert.Equal(Props.Value("E27"), outputs["socket"]);
        Assert.Equal(Props.Value("n"), outputs["note"]);
        Assert.Equal(Props.Secret("s3cret"), outputs["token"]);
        // Every input is an output, whether or not the state declares it.
        Assert.All(_lamps.Inputs.Properties, p => Assert.Contains(_lamps.Outputs, o => o.Name == p.Name));
    }

    [Fact]
    public async Task Secrets_stay_secret_where_the_program_marked_them_and_where_the_type_declares_them()
    {
        var check = await CheckAsync(Props.Object(("note", Props.Secret("private")), ("token", "plain")));
        Assert.Equal(Props.Secret("private"), check.Inputs["note"]);
        // 'token' is [Secret]: secret even when the program gave it in the clear.
        Assert.Equal(Props.Secret("plain"), check.Inputs["token"]);
        var created = await _lamps.CreateAsync(new CreateRequest(Urn, check.Inputs, Preview: false), Context());
        Assert.True(created.Outputs["note"]!.IsSecret);
        Assert.True(created.Outputs["token"]!.IsSecret);
    }

    [Fact]
    public async Task Autonaming_is_stable_per_seed_takes_the_engines_proposal_keeps_an_old_name_and_can_be_disabled()
    {
        var first = (await CheckAsync(Props.Object())).Inputs;
        var again = (await CheckAsync(Props.Object())).Inputs;
        var otherSeed = (await CheckAsync(Props.Object(), seed: [9])).Inputs;
        Assert.Equal(first["name"], again["name"]);
        Assert.NotEqual(first["name"], otherSeed["name"]);
        Assert.StartsWith("desk-", ((StringValue)first["name"]!).Value);
        Assert.Equal(Props.Array("name"), first[Resource<LampArgs, LampState, ResourceContext>.DefaultsKey]);

        var proposed = await CheckAsync(
            Props.Object(),
            autonaming: new Autonaming("desk-lamp", AutonamingMode.Enforce)
        );
        Assert.Equal(Props.Value("desk-lamp"), proposed.Inputs["name"]);
        var kept = await CheckAsync(Props.Object(), olds: Props.Object(("name", "desk-old")));
        Assert.Equal(Props.Value("desk-old"), kept.Inputs["name"]);

        var disabled = await CheckAsync(Props.Object(), autonaming: new Autonaming("", AutonamingMode.Disable));
        Assert.Equal("name", Assert.Single(disabled.Failures).Property);

        var given = await CheckAsync(Props.Object(("name", "mine")));
        Assert.Null(given.Inputs[Resource<LampArgs, LampState, ResourceContext>.DefaultsKey]);
    }

    [Fact]
    public async Task Check_skips_unknown_values_keeps_them_unknown_and_reports_typos_and_bad_values_by_property()
    {
        var unknown = await CheckAsync(Props.Object(("watts", PropertyValue.Unknown)));
        Assert.Empty(unknown.Failures);
        Assert.Equal(PropertyValue.Unknown, unknown.Inputs["watts"]);

        var typo = await CheckAsync(Props.Object(("watts", "many"), ("colour", "red")));
        Assert.Equal(["colour", "watts"], typo.Failures.Select(f => f.Property).Order());
        Assert.Contains("known properties", typo.Failures.Single(f => f.Property == "colour").Reason);
        // The resource's own check runs on inputs that decoded.
        Assert.Equal("watts", Assert.Single((await CheckAsync(Props.Object(("watts", 500)))).Failures).Property);
    }

    [Fact]
    public async Task Diff_updates_in_place_replaces_on_replacing_or_unknown_replacing_inputs_and_ignores_defaults()
    {
        var (_, outputs, inputs) = await CreateAsync(Props.Object(("note", "a")));
        var name = inputs["name"];

        var note = Diff(inputs, outputs, Props.Object(("name", name), ("note", "b")));
        Assert.Equal(["note"], note.Changed);
        Assert.Empty(note.Replaces);

        var socket = Diff(inputs, outputs, Props.Object(("name", name), ("note", "a"), ("socket", "gu10")));
        Assert.Equal(["socket"], socket.Replaces);
        Assert.Equal(DiffKind.UpdateReplace, socket.Detailed["socket"]);

        var unknownSocket = Diff(
            inputs,
            outputs,
            Props.Object(("name", name), ("note", "a"), ("socket", PropertyValue.Unknown))
        );
        Assert.Equal(["socket"], unknownSocket.Replaces);
        var unknownNote = Diff(inputs, outputs, Props.Object(("name", name), ("note", PropertyValue.Unknown)));
        Assert.Empty(unknownNote.Replaces);
        Assert.Equal(["note"], unknownNote.Changed);

        // Defaults spelled out on one side only, and Check's bookkeeping, are no change.
        var spelled = Diff(
            Props.Object(("name", name), ("note", "a")),
            outputs,
            Props.Object(("name", name), ("note", "a"), ("watts", 40), ("socket", "e27"))
        );
        Assert.False(spelled.HasChanges);
        Assert.Empty(Diff(inputs, outputs, Props.Object(("name", name), ("note", "b")), "note").Changed);
    }

    [Fact]
    public async Task A_replacement_deletes_first_only_when_it_keeps_a_name_the_program_gave()
    {
        var (_, autoOutputs, autoInputs) = await CreateAsync(Props.Object());
        var autoNamed = (await CheckAsync(Props.Object(("socket", "gu10")), olds: autoInputs)).Inputs;
        var autoDiff = Diff(autoInputs, autoOutputs, autoNamed);
        Assert.Equal(["socket"], autoDiff.Replaces);
        Assert.False(autoDiff.DeleteBeforeReplace);

        var (_, givenOutputs, givenInputs) = await CreateAsync(Props.Object(("name", "kept")));
        var given = (await CheckAsync(Props.Object(("name", "kept"), ("socket", "gu10")), olds: givenInputs)).Inputs;
        Assert.True(Diff(givenInputs, givenOutputs, given).DeleteBeforeReplace);
    }

    [Fact]
    public async Task An_update_preview_shows_new_inputs_makes_changed_computed_outputs_unknown_and_keeps_the_rest()
    {
        var (id, outputs, inputs) = await CreateAsync(Props.Object(("watts", 45), ("note", "a")));
        var news = inputs.With("watts", Props.Value(60)).With("note", Props.Value("b"));
        var preview = await _lamps.UpdateAsync(
            new UpdateRequest(id, Urn, outputs, inputs, news, Preview: true, []),
            Context()
        );

        Assert.Equal(Props.Value("b"), preview["note"]);
        Assert.Equal(PropertyValue.Unknown, preview["watts"]);
        Assert.Equal(outputs["serial"], preview["serial"]);
        Assert.Equal(45, _lamps.Made[id].Inputs.Watts);

        var updated = await _lamps.UpdateAsync(
            new UpdateRequest(id, Urn, outputs, inputs, news, Preview: false, []),
            Context()
        );
        Assert.Equal(Props.Value(60), updated["watts"]);
        Assert.Equal(Props.Value("b"), updated["note"]);
    }

    [Fact]
    public async Task Read_answers_nothing_for_a_gone_resource_and_an_import_derives_inputs_without_defaults()
    {
        Assert.Null(await _lamps.ReadAsync(new ReadRequest("nothing", Urn, null, null), Context()));

        var (id, _, _) = await CreateAsync(Props.Object(("name", "imported"), ("note", "n")));
        var imported = await _lamps.ReadAsync(new ReadRequest(id, Urn, null, null), Context());
        Assert.NotNull(imported);
        Assert.Equal(Props.Object(("name", "imported"), ("note", "n")), imported.Inputs);
        Assert.Equal(Props.Value(40), imported.Outputs["watts"]);
    }

    [Fact]
    public async Task Delete_is_given_the_inputs_the_resource_was_made_with()
    {
        var (id, outputs, inputs) = await CreateAsync(Props.Object(("note", "keep me")));
        await _lamps.DeleteAsync(new DeleteRequest(id, Urn, outputs, inputs), Context());
        Assert.Equal("keep me", _lamps.DeletedWith?.Note);
        Assert.Empty(_lamps.Made);

        // An engine or a state without old inputs (absent, or an empty object): the inputs echoed in the outputs serve.
        foreach (var none in new[] { null, ObjectValue.Empty })
        {
            var (other, otherOutputs, _) = await CreateAsync(Props.Object(("note", "echoed")));
            await _lamps.DeleteAsync(new DeleteRequest(other, Urn, otherOutputs, none), Context());
            Assert.Equal("echoed", _lamps.DeletedWith?.Note);
        }
    }

    [Fact]
    public async Task Diff_without_old_inputs_compares_with_the_inputs_the_outputs_echo()
    {
        var (_, outputs, inputs) = await CreateAsync(Props.Object(("name", "kept"), ("note", "a")));
        var news = inputs.With("note", Props.Value("b"));
        foreach (var none in new[] { null, ObjectValue.Empty })
        {
            var diff = _lamps.Diff(new DiffRequest("id", Urn, outputs, none, news, []));
            Assert.Contains("note", diff.Changed);
            // Compared with nothing, the name would be an addition that replaces the lamp.
            Assert.DoesNotContain("name", diff.Changed);
        }
    }

    [Fact]
    public async Task The_resources_own_errors_get_a_status_others_pass_and_a_cancelled_deployment_starts_nothing()
    {
        var broken = await Assert.ThrowsAsync<ProviderException>(() =>
            CreateAsync(Props.Object(("note", Lamps.Broken)))
        );
        Assert.Equal(ErrorKind.FailedPrecondition, broken.Kind);
        Assert.Equal("lamp: the bulb is broken", broken.Message);

        await Assert.ThrowsAsync<InvalidOperationException>(() => CreateAsync(Props.Object(("note", Lamps.Crash))));

        var check = await CheckAsync(Props.Object());
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            _lamps.CreateAsync(
                new CreateRequest(Urn, check.Inputs, Preview: false),
                Context(new CancellationToken(canceled: true))
            )
        );
        Assert.Empty(_lamps.Made);
    }

    public sealed record LampArgs
    {
        [AutoName, ReplaceOnChange]
        public string? Name { get; init; }

        public int Watts { get; init; } = 40;

        [ReplaceOnChange]
        public string Socket { get; init; } = "e27";

        public string? Note { get; init; }

        [Secret]
        public string? Token { get; init; }
    }

    public sealed record LampState
    {
        [Computed]
        public string Serial { get; init; } = "";

        /// <summary>The host rounds watts up to a multiple of ten.</summary>
        [Computed]
        public int Watts { get; init; }

        /// <summary>The host spells sockets in capitals: the same value as the input.</summary>
        public string Socket { get; init; } = "";
    }

    private sealed class BulbBrokenException() : Exception("the bulb is broken");

    /// <summary>Lamps kept in memory, with the framework's typed lifecycle.</summary>
    private sealed class Lamps : Resource<LampArgs, LampState, ResourceContext>
    {
        public const string Broken = "broken";
        public const string Crash = "crash";

        public Dictionary<string, (LampArgs Inputs, LampState State)> Made { get; } = [];
        public LampArgs? DeletedWith { get; private set; }

        public override string Token => ResourceAdapterTests.Token;

        protected override Task<Checked<LampArgs>> CheckAsync(
            LampArgs news,
            LampArgs? olds,
            PropertyMarks marks,
            ResourceContext context
        )
        {
            List<CheckFailure> failures =
                marks.IsKnown("watts") && news.Watts > 100 ? [new CheckFailure("watts", "at most 100")] : [];
            return Task.FromResult(new Checked<LampArgs>(news, failures));
        }

        protected override Task<(string Id, LampState State)> CreateAsync(LampArgs inputs, ResourceContext context)
        {
            if (inputs.Note == Broken)
                throw new BulbBrokenException();
            if (inputs.Note == Crash)
                throw new InvalidOperationException("crash");
            var state = StateOf(inputs, Guid.NewGuid().ToString());
            Made[state.Serial] = (inputs, state);
            return Task.FromResult((state.Serial, state));
        }

        protected override Task<(string Id, LampArgs Inputs, LampState State)?> ReadAsync(
            string id,
            LampArgs? inputs,
            LampState? state,
            ResourceContext context
        ) =>
            Task.FromResult<(string, LampArgs, LampState)?>(
                Made.TryGetValue(id, out var lamp) ? (id, inputs ?? lamp.Inputs, lamp.State) : null
            );

        protected override Task<LampState> UpdateAsync(
            string id,
            LampArgs olds,
            LampArgs news,
            LampState state,
            ResourceContext context
        )
        {
            var updated = StateOf(news, id);
            Made[id] = (news, updated);
            return Task.FromResult(updated);
        }

        protected override Task DeleteAsync(string id, LampArgs inputs, LampState state, ResourceContext context)
        {
            DeletedWith = inputs;
            Made.Remove(id);
            return Task.CompletedTask;
        }

        protected override ProviderException? Translate(Exception exception, ResourceContext context) =>
            exception is BulbBrokenException
                ? new ProviderException(ErrorKind.FailedPrecondition, $"lamp: {exception.Message}")
                : null;

        private static LampState StateOf(LampArgs inputs, string serial) =>
            new()
            {
                Serial = serial,
                Watts = (inputs.Watts + 9) / 10 * 10,
                Socket = inputs.Socket.ToUpperInvariant(),
            };
    }
}
