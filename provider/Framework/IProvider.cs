namespace PulumiLibvirt.Framework;

/// <summary>
/// A provider as the protocol host serves it: its configuration, its resource types, and cancellation.
/// </summary>
public interface IProvider
{
    IReadOnlyList<CheckFailure> CheckConfig(ObjectValue config);

    /// <summary>Which configuration changes replace the provider (and so every resource it manages).</summary>
    ResourceDiff DiffConfig(ObjectValue olds, ObjectValue news);

    void Configure(ObjectValue config);

    /// <summary>
    /// The resource type behind a type token; a <see cref="ProviderException"/> for a token it does not offer.
    /// </summary>
    IResource Resource(string token);

    /// <summary>
    /// The function behind a function token; a <see cref="ProviderException"/> for a token it does not offer.
    /// </summary>
    IFunction Function(string token);

    /// <summary>
    /// The context of one operation on the resource <paramref name="urn"/> (empty for a function: it belongs to no
    /// resource), cancelled by the engine's Cancel or by <paramref name="deadline"/> (the engine's timeout for it).
    /// </summary>
    ResourceContext Context(string urn, CancellationToken deadline = default);

    /// <summary>Asks the operations running now to stop (the engine's Cancel).</summary>
    void Cancel();
}
