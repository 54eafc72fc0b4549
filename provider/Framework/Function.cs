using System.ComponentModel;
using System.Reflection;

namespace PulumiLibvirt.Framework;

/// <summary>
/// The generic adapter between Pulumi's property values and a function written on typed records:
/// <typeparamref name="TArgs"/> (its arguments) and <typeparamref name="TResult"/> (what it returns). Arguments are
/// decoded strictly (a property the function does not know is a failure, as in a resource's Check) and validated
/// before the function runs; failures are answered as such, never as an error.
/// </summary>
public abstract class Function<TArgs, TResult, TContext> : IFunction
    where TArgs : class
    where TResult : class
    where TContext : ResourceContext
{
    public abstract string Token { get; }

    public string? Description => GetType().GetCustomAttribute<DescriptionAttribute>()?.Description;

    public TypeShape Inputs => TypeShape.Of(typeof(TArgs));

    public TypeShape Outputs => TypeShape.Of(typeof(TResult));

    /// <summary>
    /// What is wrong with arguments of the right types (properties that go together…), before the function runs.
    /// </summary>
    protected virtual IReadOnlyList<CheckFailure> Check(TArgs args) => [];

    protected abstract Task<TResult> InvokeAsync(TArgs args, TContext context);

    /// <summary>
    /// The error to report for an exception of the function's own layer (a libvirt error…), or null to let it pass.
    /// </summary>
    protected virtual ProviderException? Translate(Exception exception, TContext context) => null;

    public async Task<InvokeResult> InvokeAsync(ObjectValue args, ResourceContext context)
    {
        var decoded = PropertyMapper.Decode<TArgs>(args, strict: true);
        var failures = decoded.Failures.Count > 0 ? decoded.Failures : Check(decoded.Value);
        if (failures.Count > 0)
            return new InvokeResult(null, failures);
        var result = await ContextOperation.RunAsync<TContext, TResult>(context, this, Translate, typed =>
            InvokeAsync(decoded.Value, typed)
        );
        return new InvokeResult(PropertyMapper.Encode(result), []);
    }
}
