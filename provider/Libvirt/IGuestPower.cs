namespace PulumiLibvirt.Libvirt;

/// <summary>
/// The power controls of a domain that a graceful stop uses (a <see cref="LibvirtDomain"/>, or a stand-in in tests).
/// </summary>
public interface IGuestPower
{
    string Name { get; }

    bool IsActive { get; }

    /// <summary>Whether the running domain has the QEMU guest agent's channel.</summary>
    bool HasAgentChannel { get; }

    /// <summary>
    /// Asks the guest agent to shut the guest down; a <see cref="LibvirtException"/> with IsAgentUnavailable when it
    /// cannot.
    /// </summary>
    void ShutdownThroughAgent();

    /// <summary>Asks the guest to shut down through ACPI.</summary>
    void Shutdown();

    /// <summary>Stops the domain at once.</summary>
    void Destroy();
}
