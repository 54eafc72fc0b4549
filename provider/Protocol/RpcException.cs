namespace PulumiLibvirt.Protocol;

/// <summary>gRPC status codes (the numbers are gRPC's).</summary>
public enum StatusCode
{
    OK = 0, Cancelled = 1, Unknown = 2, InvalidArgument = 3, DeadlineExceeded = 4, NotFound = 5, AlreadyExists = 6,
    PermissionDenied = 7, ResourceExhausted = 8, FailedPrecondition = 9, Aborted = 10, OutOfRange = 11,
    Unimplemented = 12, Internal = 13, Unavailable = 14, DataLoss = 15, Unauthenticated = 16,
}

/// <summary>A call that ended with a non-OK gRPC status, optionally with google.rpc.Status details.</summary>
public sealed class RpcException(StatusCode status, string message, Google.Rpc.Status? details = null) : Exception(message)
{
    public StatusCode Status { get; } = status;
    public Google.Rpc.Status? Details { get; } = details;

    public override string ToString() => $"{Status}: {Message}";
}
