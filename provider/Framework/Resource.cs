using System.ComponentModel;
using System.Reflection;

namespace PulumiLibvirt.Framework;

/// <summary>
/// What a resource's own Check answers: the inputs with defaults filled in, or what is wrong with them.
/// </summary>
public sealed record Checked<TArgs>(TArgs Inputs, IReadOnlyList<CheckFailure> Failures);

/// <summary>
/// A replacement as Diff sees it: the old inputs and state, the new inputs, and whether the new resource will take
/// the old one's name (a name given by the program; an automatic name is made afresh for the replacement).
/// </summary>
public sealed record Replacement<TArgs, TState>(TArgs Olds, TState OldState, TArgs News, bool KeepsName);

/// <summary>
/// The generic adapter between Pulumi's property values and a resource written on typed records:
/// <typeparamref name="TArgs"/>
/// (inputs) and <typeparamref name="TState"/> (what the resource adds to them). It maps properties, keeps secrets
/// secret and unknowns unknown, computes the detailed diff from attributes, answers previews without touching the
/// host, and turns the resource's own errors into errors with a status the engine understands
/// (<see cref="Translate"/>). A resource implements only the typed lifecycle, on its provider's
/// <typeparamref name="TContext"/>.
/// </summary>
/// <remarks>
/// The outputs are the inputs as applied, then the state's properties: a new input is an output without being
/// declared twice. A state property named like an input replaces it in the outputs (memory taken from a template,
/// a capacity as libvirt rounded it).
/// </remarks>
public abstract class Resource<TArgs, TState, TContext> : IResource
    where TArgs : class
    where TState : class
    where TContext : ResourceContext
{
    public abstract string Token { get; }

    public TypeShape Inputs => TypeShape.Of(typeof(TArgs));

    public IReadOnlyList<PropertyShape> Outputs { get; } =
    [
        .. TypeShape.Of(typeof(TArgs)).Properties.Where(p => TypeShape.Of(typeof(TState)).Find(p.Name) is null),
        .. TypeShape.Of(typeof(TState)).Properties,
    ];

    /// <summary>The resource kind as users read it in messages (the token's last part: Volume, Domain…).</summary>
    protected string Kind => Token[(Token.LastIndexOf(':') + 1)..];

    /// <summary>
    /// Validates inputs and fills in what can be derived; unknown inputs (a preview) are skipped.
    /// <paramref name="olds"/>
    /// are the inputs of the existing resource, if any.
    /// </summary>
    protected abstract Task<Checked<TArgs>> CheckAsync(TArgs news, TArgs? olds, PropertyMarks marks, TContext context);

    /// <summary>
    /// Whether changing <paramref name="property"/> from <paramref name="olds"/> to <paramref name="news"/> needs a new
    /// resource.
    /// </summary>
    protected virtual bool RequiresReplacement(PropertyShape property, TArgs olds, TArgs news) =>
        property.ReplaceOnChange;

    /// <summary>
    /// Whether the replacement cannot exist beside the old resource, so that the old one must be deleted first
    /// (by default: when it takes the same name).
    /// </summary>
    protected virtual bool DeleteBeforeReplace(Replacement<TArgs, TState> replacement) => replacement.KeepsName;

    /// <summary>
    /// The key under which Check records, in the checked inputs, which inputs it filled in by default (as Pulumi's
    /// bridged providers do): Diff needs to know whether a replacement keeps the name or gets a new one.
    /// </summary>
    public const string DefaultsKey = "__defaults";

    protected abstract Task<(string Id, TState State)> CreateAsync(TArgs inputs, TContext context);

    /// <summary>
    /// The live state, or null when the resource is gone. <paramref name="inputs"/> and <paramref name="state"/> are
    /// null on import: derive them. The inputs returned are what the program would have to say to get what exists
    /// (drift is read back into them); the id is the resource's canonical id (an import may name it another way).
    /// </summary>
    protected abstract Task<(string Id, TArgs Inputs, TState State)?> ReadAsync(
        string id,
        TArgs? inputs,
        TState? state,
        TContext context
    );

    protected abstract Task<TState> UpdateAsync(string id, TArgs olds, TArgs news, TState state, TContext context);

    /// <param name="inputs">The inputs the resource was last made or updated with.</param>
    protected abstract Task DeleteAsync(string id, TArgs inputs, TState state, TContext context);

    /// <summary>
    /// The error to report for an exception of the resource's own layer (a libvirt error…), or null to let it pass.
    /// </summary>
    protected virtual ProviderException? Translate(Exception exception, TContext context) => null;

    /// <summary>The error for an update or delete of a resource that is no longer there.</summary>
    protected ProviderException NoLongerExists(string id) =>
        new(ErrorKind.NotFound, $"{Kind} '{id}' no longer exists; run `pulumi refresh` to recreate it.");

    /// <summary>
    /// The error to report for <paramref name="failure"/> once everything the operation had made is removed again:
    /// never an internal error. Cancellation and the errors that already say what happened pass as they are.
    /// </summary>
    protected Exception AfterRollback(Exception failure, TContext context) =>
        failure is ProviderException or OperationCanceledException || Translate(failure, context) is not null
            ? failure
            : new ProviderException(
                ErrorKind.Failed,
                $"{failure.Message} (what had been made was removed again)",
                failure
            );

    public async Task<CheckResult> CheckAsync(CheckRequest request, ResourceContext context)
    {
        var news = PropertyMapper.Decode<TArgs>(request.News, strict: true);
        // A new resource, and a replacement's second Check, come with olds as an empty object: there are none.
        var olds = request.Olds is { Properties.Count: > 0 } o ? PropertyMapper.Decode<TArgs>(o) : null;
        var failures = news.Failures.ToList();
        var inputs = news.Value;
        var (nameFailure, autoNamed) = ApplyAutoName(inputs, news.Marks, olds?.Value, request);
        if (nameFailure is not null)
            failures.Add(nameFailure);
        if (failures.Count == 0)
        {
            var own = await Guard(context, typed => CheckAsync(inputs, olds?.Value, news.Marks, typed));
            inputs = own.Inputs;
            failures.AddRange(own.Failures);
        }
        var checkedInputs = PropertyMapper.Encode(inputs, news.Marks);
        return new CheckResult(
            autoNamed is null
                ? checkedInputs
                : checkedInputs.With(DefaultsKey, new ArrayValue([new StringValue(autoNamed)])),
            failures
        );
    }

    public ResourceDiff Diff(DiffRequest request)
    {
        // Compare what was asked with what is asked: libvirt's echo of it (rounded sizes…) never makes a diff.
        var oldInputs = LastInputs(request.OldInputs, request.OldOutputs);
        var (olds, news) = (PropertyMapper.Decode<TArgs>(oldInputs), PropertyMapper.Decode<TArgs>(request.News));
        // Both sides with their defaults: an input left out and the same input at its default are no change (imported
        // inputs leave defaults out, checked ones spell them), and outputs or Check's bookkeeping never count.
        var detailed = PropertyDiff.Compare(
            PropertyMapper.Encode(olds.Value, olds.Marks),
            PropertyMapper.Encode(news.Value, news.Marks),
            name =>
                Inputs.Find(name) is { } property
                && RequiresReplacementOrUnknown(property, olds.Value, news.Value, request.News),
            request.IgnoreChanges
        );
        var diff = new ResourceDiff(detailed, false);
        if (diff.Replaces.Count == 0)
            return diff;
        var replacement = new Replacement<TArgs, TState>(
            olds.Value,
            PropertyMapper.Decode<TState>(request.OldOutputs).Value,
            news.Value,
            KeepsName(olds.Value, news.Value, request.News)
        );
        return DeleteBeforeReplace(replacement) ? diff with { DeleteBeforeReplace = true } : diff;
    }

    /// <summary>
    /// Whether the replacement takes the old name: given by the program (not recorded as a default) and the same.
    /// </summary>
    private bool KeepsName(TArgs olds, TArgs news, ObjectValue checkedNews)
    {
        var property = Inputs.Properties.FirstOrDefault(p => p.AutoName);
        if (property is null)
            return false;
        var defaults = checkedNews[DefaultsKey] is ArrayValue list
            ? list.Items.OfType<StringValue>().Select(v => v.Value)
            : [];
        return !defaults.Contains(property.Name) && Equals(property.Info.GetValue(olds), property.Info.GetValue(news));
    }

    private bool RequiresReplacementOrUnknown(PropertyShape property, TArgs olds, TArgs news, ObjectValue newValues) =>
        newValues[property.Name] is { ContainsUnknowns: true }
            ? property.ReplaceOnChange
            : RequiresReplacement(property, olds, news);

    public async Task<CreateResult> CreateAsync(CreateRequest request, ResourceContext context)
    {
        if (request.Preview)
            return new CreateResult("", PreviewCreate(request.Inputs));
        var inputs = PropertyMapper.Decode<TArgs>(request.Inputs);
        var (id, state) = await Guard(context, typed => CreateAsync(inputs.Value, typed));
        return new CreateResult(id, EncodeOutputs(inputs.Value, state, inputs.Marks));
    }

    public async Task<ReadResult?> ReadAsync(ReadRequest request, ResourceContext context)
    {
        // An import sends no inputs and no outputs; an engine may send them as empty objects instead of leaving them
        // out.
        var oldInputs = request.OldInputs is { Properties.Count: > 0 } i ? PropertyMapper.Decode<TArgs>(i) : null;
        var oldOutputs = request.OldOutputs is { Properties.Count: > 0 } o ? PropertyMapper.Decode<TState>(o) : null;
        var read = await Guard(context, typed => ReadAsync(request.Id, oldInputs?.Value, oldOutputs?.Value, typed));
        if (read is not { } found)
            return null;
        var marks = (oldInputs?.Marks ?? PropertyMarks.None).Union(oldOutputs?.Marks ?? PropertyMarks.None);
        // An import derives the inputs a person would write (no defaults spelled out); a refresh keeps what Check
        // recorded of them, so that an unchanged resource reads back unchanged.
        var inputs = PropertyMapper.Encode(found.Inputs, marks, omitDefaults: oldInputs is null);
        if (request.OldInputs?[DefaultsKey] is { } defaults)
            inputs = inputs.With(DefaultsKey, defaults);
        return new ReadResult(found.Id, EncodeOutputs(found.Inputs, found.State, marks), inputs);
    }

    public async Task<ObjectValue> UpdateAsync(UpdateRequest request, ResourceContext context)
    {
        var oldInputs = LastInputs(request.OldInputs, request.OldOutputs);
        if (request.Preview)
            return PreviewUpdate(request.OldOutputs, oldInputs, request.News);
        var olds = PropertyMapper.Decode<TArgs>(oldInputs);
        var news = PropertyMapper.Decode<TArgs>(request.News);
        var state = PropertyMapper.Decode<TState>(request.OldOutputs);
        var updated = await Guard(context, typed =>
            UpdateAsync(request.Id, olds.Value, news.Value, state.Value, typed)
        );
        return EncodeOutputs(news.Value, updated, news.Marks.Union(state.Marks));
    }

    public Task DeleteAsync(DeleteRequest request, ResourceContext context)
    {
        var inputs = PropertyMapper.Decode<TArgs>(LastInputs(request.OldInputs, request.OldOutputs));
        var state = PropertyMapper.Decode<TState>(request.OldOutputs);
        return Guard(context, async typed =>
        {
            await DeleteAsync(request.Id, inputs.Value, state.Value, typed);
            return true;
        });
    }

    /// <summary>
    /// The inputs the resource was last made or updated with: the engine's old inputs, else (an engine or a state that
    /// has none, sent as absent or as an empty object) the inputs the outputs echo.
    /// </summary>
    private static ObjectValue LastInputs(ObjectValue? oldInputs, ObjectValue oldOutputs) =>
        oldInputs is { Properties.Count: > 0 } ? oldInputs : oldOutputs;

    /// <summary>
    /// The outputs: the inputs as applied, with the state's properties in place of those of the same name.
    /// </summary>
    protected static ObjectValue EncodeOutputs(TArgs inputs, TState state, PropertyMarks? marks = null)
    {
        var echoed = PropertyMapper
            .Encode(inputs, marks)
            .Properties.RemoveRange(TypeShape.Of(typeof(TState)).Properties.Select(p => p.Name));
        return new ObjectValue(echoed.SetItems(PropertyMapper.Encode(state, marks).Properties));
    }

    /// <summary>
    /// The names of the top-level inputs whose values differ between <paramref name="olds"/> and
    /// <paramref name="news"/>.
    /// </summary>
    protected IReadOnlySet<string> ChangedInputs(TArgs olds, TArgs news)
    {
        var (before, after) = (PropertyMapper.Encode(olds), PropertyMapper.Encode(news));
        return Inputs.Properties.Select(p => p.Name).Where(name => !Equals(before[name], after[name])).ToHashSet();
    }

    /// <summary>
    /// Outputs of a create preview: inputs echoed where the output is the input, unknown where libvirt decides
    /// (<see cref="ComputedAttribute"/>) or the output has no input.
    /// </summary>
    private ObjectValue PreviewCreate(ObjectValue inputs)
    {
        var outputs = new Dictionary<string, PropertyValue>();
        foreach (var output in Outputs)
        {
            if (Inputs.Find(output.Name) is not null && !output.Computed)
            {
                if (inputs[output.Name] is { } echoed)
                    outputs[output.Name] = echoed;
            }
            else
            {
                outputs[output.Name] = PropertyValue.Unknown;
            }
        }
        return new ObjectValue(outputs);
    }

    /// <summary>
    /// Outputs of an update preview: the old outputs, with echoed inputs replaced by the new ones and computed
    /// outputs whose input changes made unknown.
    /// </summary>
    private ObjectValue PreviewUpdate(ObjectValue oldOutputs, ObjectValue oldInputs, ObjectValue news)
    {
        var outputs = oldOutputs;
        foreach (var output in Outputs.Where(o => Inputs.Find(o.Name) is not null))
        {
            var changed = !Equals(oldInputs[output.Name]?.WithoutSecrets(), news[output.Name]?.WithoutSecrets());
            if (!output.Computed)
                outputs = news[output.Name] is { } value
                    ? outputs.With(output.Name, value)
                    : new ObjectValue(outputs.Properties.Remove(output.Name));
            else if (changed)
                outputs = outputs.With(output.Name, PropertyValue.Unknown);
        }
        return outputs;
    }

    /// <summary>
    /// Names the resource when the program gives no name: the old name on an update, else the engine's proposal, else
    /// one made from the resource name and the seed. Answers the name property when it filled it in.
    /// </summary>
    private (CheckFailure? Failure, string? AutoNamed) ApplyAutoName(
        TArgs inputs,
        PropertyMarks marks,
        TArgs? olds,
        CheckRequest request
    )
    {
        var property = Inputs.Properties.FirstOrDefault(p => p.AutoName);
        if (property is null || property.Info.GetValue(inputs) is not null || !marks.IsKnown(property.Name))
            return (null, null);
        var oldName = olds is null ? null : (string?)property.Info.GetValue(olds);
        var name = (oldName, request.Autonaming) switch
        {
            ({ } kept, _) => kept,
            (_, { Mode: AutonamingMode.Disable }) => null,
            (_, { ProposedName.Length: > 0 } proposal) => proposal.ProposedName,
            _ => Autonamer.Name(request.Name, request.RandomSeed),
        };
        if (name is null)
            return (
                new CheckFailure(
                    property.Name,
                    $"'{property.Name}' is required: automatic naming is disabled for this stack."
                ),
                null
            );
        property.Info.SetValue(inputs, name);
        return (null, property.Name);
    }

    /// <summary>
    /// Runs a resource operation on the provider's context, unless the engine has cancelled the deployment, turning
    /// the resource layer's errors into errors with a status (<see cref="Translate"/>).
    /// </summary>
    private Task<T> Guard<T>(ResourceContext context, Func<TContext, Task<T>> operation) =>
        ContextOperation.RunAsync(context, this, Translate, operation);

    /// <summary>The description of the resource type, for the schema.</summary>
    public string? Description => GetType().GetCustomAttribute<DescriptionAttribute>()?.Description;
}
