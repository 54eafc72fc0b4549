namespace PulumiLibvirt.Framework;

/// <summary>
/// What kind of failure a request met; the protocol host turns it into a gRPC status code. <see cref="Failed"/> is
/// an operation that did not happen (the host refused it, or what it had made was removed again); the engine reads
/// only an internal error as "the state may be corrupt", so that is kept for what the provider cannot account for.
/// </summary>
public enum ErrorKind
{
    InvalidArgument,
    NotFound,
    FailedPrecondition,
    Unavailable,
    Failed,
    Internal,
}

/// <summary>A failure the user can act on, with a message that says what to do.</summary>
public class ProviderException(ErrorKind kind, string message, Exception? inner = null) : Exception(message, inner)
{
    public ErrorKind Kind { get; } = kind;
}

/// <summary>
/// A create or update that made the resource but could not finish (say, it was defined but would not start).
/// The engine records the resource from <see cref="Id"/> and <see cref="Outputs"/>, so nothing is left that the
/// state does not know.
/// </summary>
public sealed class ResourceInitFailedException(string id, ObjectValue outputs, string reason)
    : ProviderException(ErrorKind.Internal, reason)
{
    public string Id { get; } = id;
    public ObjectValue Outputs { get; } = outputs;
}
