namespace PulumiLibvirt.Framework;

/// <summary>What a function answers: its result, or what is wrong with its arguments (then no result).</summary>
public sealed record InvokeResult(ObjectValue? Return, IReadOnlyList<CheckFailure> Failures);

/// <summary>
/// A function (Pulumi's invoke, a data source) as the protocol host sees it: it reads what exists on the host and
/// changes nothing.
/// </summary>
public interface IFunction
{
    /// <summary>The Pulumi function token, such as <c>libvirt:index:getDomain</c>.</summary>
    string Token { get; }

    /// <summary>What the function is for, for the schema.</summary>
    string? Description { get; }

    TypeShape Inputs { get; }

    TypeShape Outputs { get; }

    Task<InvokeResult> InvokeAsync(ObjectValue args, ResourceContext context);
}
