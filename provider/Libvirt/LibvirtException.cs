namespace PulumiLibvirt.Libvirt;

/// <summary>The libvirt error numbers this provider reacts to (values of libvirt's virErrorNumber).</summary>
public enum LibvirtErrorCode
{
    Unknown = -1,
    NoSupport = 3,
    NoConnect = 5,
    InvalidArg = 8,
    XmlError = 27,
    NoDomain = 42,
    NoNetwork = 43,
    AuthFailed = 45,
    NoStoragePool = 49,
    NoStorageVolume = 50,
    NoDomainSnapshot = 72,
    OperationInvalid = 55,
    ConfigUnsupported = 67,
    ArgumentUnsupported = 74,
    OperationUnsupported = 84,
    AgentUnresponsive = 86,
    StorageVolumeExists = 90,
}

/// <summary>What a failed call means for the caller, whatever the libvirt error number behind it.</summary>
public enum LibvirtErrorCategory
{
    /// <summary>The object named does not exist.</summary>
    NotFound,

    /// <summary>What was asked is malformed or not supported by this host.</summary>
    InvalidInput,

    /// <summary>The object is not in a state that allows it (already exists, running, in use).</summary>
    Conflict,

    /// <summary>libvirtd cannot be reached, went away during the call, or refuses the caller.</summary>
    Unreachable,

    /// <summary>The call failed for another reason; the message says which.</summary>
    Other,
}

/// <summary>A failed libvirt call, with libvirt's own error number, domain and message.</summary>
public sealed class LibvirtException(int code, int domain, string message) : Exception(message)
{
    /// <summary>libvirt's virErrorNumber, as a raw number (libvirt adds new ones over time).</summary>
    public int RawCode { get; } = code;

    /// <summary>The part of libvirt that raised the error (virErrorDomain).</summary>
    public int Domain { get; } = domain;

    public LibvirtErrorCode Code =>
        Enum.IsDefined(typeof(LibvirtErrorCode), RawCode) ? (LibvirtErrorCode)RawCode : LibvirtErrorCode.Unknown;

    /// <summary>
    /// True when the connection to the daemon broke (end of file, closed socket, keepalive timeout): whether the call
    /// took effect is unknown, and the connection is dead.
    /// </summary>
    public bool IsConnectionLost => Domain == FromRpc;

    /// <summary>True when the object looked up does not exist (volume, pool, domain or network).</summary>
    public bool IsNotFound => Category == LibvirtErrorCategory.NotFound;

    /// <summary>
    /// True when the QEMU guest agent cannot answer: not connected or not responding yet (the guest is booting, or has
    /// no agent running), or the domain has no agent channel at all. Another source of the same facts may be tried.
    /// </summary>
    public bool IsAgentUnavailable =>
        Code
            is LibvirtErrorCode.AgentUnresponsive
                or LibvirtErrorCode.ArgumentUnsupported
                or LibvirtErrorCode.OperationUnsupported;

    /// <summary>
    /// libvirt's VIR_FROM_RPC: the transport to the daemon failed (closed socket, end of file, keepalive timeout).
    /// </summary>
    private const int FromRpc = 7;

    public LibvirtErrorCategory Category =>
        Domain == FromRpc
            ? LibvirtErrorCategory.Unreachable
            : Code switch
            {
                LibvirtErrorCode.NoStorageVolume
                or LibvirtErrorCode.NoStoragePool
                or LibvirtErrorCode.NoDomain
                or LibvirtErrorCode.NoNetwork
                or LibvirtErrorCode.NoDomainSnapshot => LibvirtErrorCategory.NotFound,
                LibvirtErrorCode.InvalidArg or LibvirtErrorCode.XmlError or LibvirtErrorCode.ConfigUnsupported =>
                    LibvirtErrorCategory.InvalidInput,
                LibvirtErrorCode.OperationInvalid or LibvirtErrorCode.StorageVolumeExists =>
                    LibvirtErrorCategory.Conflict,
                LibvirtErrorCode.NoConnect or LibvirtErrorCode.AuthFailed => LibvirtErrorCategory.Unreachable,
                _ => LibvirtErrorCategory.Other,
            };
}
