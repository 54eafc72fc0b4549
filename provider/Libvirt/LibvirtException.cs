namespace PulumiLibvirt.Libvirt;

/// <summary>The libvirt error numbers this provider reacts to (values of libvirt's virErrorNumber).</summary>
public enum LibvirtErrorCode
{
    Unknown = -1,
    NoConnect = 5,
    InvalidArg = 8,
    XmlError = 27,
    NoDomain = 42,
    NoNetwork = 43,
    AuthFailed = 45,
    NoStoragePool = 49,
    NoStorageVolume = 50,
    OperationInvalid = 55,
    ConfigUnsupported = 67,
    StorageVolumeExists = 90,
}

/// <summary>A failed libvirt call, with libvirt's own error number, domain and message.</summary>
public sealed class LibvirtException(int code, int domain, string message)
    : Exception(message)
{
    /// <summary>libvirt's virErrorNumber, as a raw number (libvirt adds new ones over time).</summary>
    public int RawCode { get; } = code;

    /// <summary>The part of libvirt that raised the error (virErrorDomain).</summary>
    public int Domain { get; } = domain;

    public LibvirtErrorCode Code =>
        Enum.IsDefined(typeof(LibvirtErrorCode), RawCode) ? (LibvirtErrorCode)RawCode : LibvirtErrorCode.Unknown;

    /// <summary>True when the object looked up does not exist (volume, pool or domain).</summary>
    public bool IsNotFound => Code is LibvirtErrorCode.NoStorageVolume or LibvirtErrorCode.NoStoragePool
        or LibvirtErrorCode.NoDomain or LibvirtErrorCode.NoNetwork;
}
