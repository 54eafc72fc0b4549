using PulumiLibvirt.Framework;
using PulumiLibvirt.Libvirt;

namespace PulumiLibvirt.Resources;

/// <summary>A disk's file on the host and its image format.</summary>
internal sealed record DiskFile(string Path, string Format);

/// <summary>What a Domain's definition needs to know of the host, read before it is defined.</summary>
/// <param name="Disks">One per disk of the inputs (<see cref="DomainMapping.DiskFiles"/>).</param>
/// <param name="TakenMacs">The MACs of other domains.</param>
internal sealed record DomainFacts(IReadOnlyList<DiskFile> Disks, IReadOnlySet<string> TakenMacs)
{
    public static DomainFacts Read(DomainArgs inputs, Connection libvirt, OwnDomain? own = null) =>
        new(DomainMapping.DiskFiles(inputs.Disks, libvirt), MacAddresses.InUse(libvirt, own));
}

/// <summary>
/// What a Domain's update changes: a new definition (with the properties that make it), description, autostart.
/// </summary>
/// <param name="Redefinition">The new persistent definition; null when none of
/// <see cref="DomainPlan.DefinitionProperties"/> changed.</param>
internal sealed record DomainUpdate(
    DomainDefinition? Redefinition,
    IReadOnlyList<string> Redefined,
    bool SetsDescription,
    bool SetsAutostart
);

/// <summary>What a Domain's create and update will do, computed from the inputs and the host's facts alone.</summary>
internal static class DomainPlan
{
    /// <summary>
    /// Changes to these redefine the persistent definition; a running domain sees them at its next boot.
    /// </summary>
    public static readonly IReadOnlyList<string> DefinitionProperties =
    [
        "memory",
        "vcpus",
        "disks",
        "networkInterfaces",
        "console",
        "graphics",
        "kernel",
        "initrd",
        "cmdline",
        "qemuAgent",
        "tpm",
        "cpu",
        "video",
        "rng",
        "filesystems",
        "xslt",
    ];

    /// <summary>
    /// The definition a create makes: marked as <paramref name="owner"/>'s and unfinished until the engine is
    /// answered (if the provider or libvirtd dies before, the next create removes it), with its fixed addresses noted.
    /// </summary>
    public static DomainDefinition Create(DomainArgs inputs, DomainFacts facts, string owner)
    {
        var macs = AssignMacs(inputs.NetworkInterfaces, [], facts.TakenMacs);
        var definition = DomainMapping.Definition(inputs, null, macs, owner, facts.Disks) with
        {
            Unfinished = new([], []),
        };
        return HostReservations.Recorded(definition, inputs.NetworkInterfaces);
    }

    /// <summary>
    /// Whether a change of <paramref name="changed"/> redefines the domain (and so needs <see cref="DomainFacts"/>).
    /// </summary>
    public static bool Redefines(IReadOnlySet<string> changed) => DefinitionProperties.Any(changed.Contains);

    /// <param name="changed">The inputs that changed.</param>
    /// <param name="macs">The MACs the domain has, which its interfaces keep.</param>
    /// <param name="facts">Read when <see cref="Redefines"/>, without the domain's own MACs; else null.</param>
    public static DomainUpdate Update(
        DomainArgs news,
        IReadOnlySet<string> changed,
        IReadOnlyList<string> macs,
        string uuid,
        string owner,
        DomainFacts? facts
    )
    {
        DomainDefinition? redefinition = null;
        if (facts is not null && Redefines(changed))
        {
            var definition = DomainMapping.Definition(
                news,
                uuid,
                AssignMacs(news.NetworkInterfaces, macs, facts.TakenMacs),
                owner,
                facts.Disks
            );
            redefinition = HostReservations.Recorded(definition, news.NetworkInterfaces);
        }
        return new DomainUpdate(
            redefinition,
            DefinitionProperties.Where(changed.Contains).ToList(),
            changed.Contains("description"),
            changed.Contains("autostart")
        );
    }

    /// <summary>Each interface's MAC: the one given, else the one it had, else a new one no domain uses.</summary>
    public static List<string> AssignMacs(
        IReadOnlyList<DomainNetworkInterfaceArgs> interfaces,
        IReadOnlyList<string> kept,
        IReadOnlySet<string> taken
    )
    {
        var used = new HashSet<string>(taken);
        var macs = new List<string>();
        for (var i = 0; i < interfaces.Count; i++)
        {
            var mac = interfaces[i].Mac ?? kept.ElementAtOrDefault(i);
            if (mac is not null && !used.Add(mac) && interfaces[i].Mac is not null)
            {
                throw new ProviderException(
                    ErrorKind.FailedPrecondition,
                    $"networkInterfaces[{i}].mac: {mac} is already used by another domain. If that is the domain this "
                        + "resource replaces, add the resource option `deleteBeforeReplace: true`."
                );
            }
            macs.Add(mac ?? MacAddresses.NewUnique(used));
        }
        return macs;
    }
}
