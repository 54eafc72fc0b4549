using System.ComponentModel;
using PulumiLibvirt.Framework;
using PulumiLibvirt.Libvirt;

namespace PulumiLibvirt.Resources;

[Description(
    "A folder of the libvirt host that the guest mounts by its tag: `mount -t virtiofs TAG /mnt`, or "
        + "`mount -t 9p -o trans=virtio TAG /mnt`."
)]
public sealed record DomainFilesystemArgs
{
    [Description(
        "The folder on the libvirt host: an absolute path of an existing folder. The host's system folders "
            + "(/boot, /proc, /sys, /dev, /usr, /var/lib/libvirt…, and folders that hold one) only with readOnly; "
            + "/etc, "
            + "/root and what holds them ('/') never. For 9p, qemu reads and writes it as its own user (libvirt-qemu "
            + "on "
            + "Debian)."
    )]
    public required string Source { get; init; }

    [Description("The tag the guest mounts it by.")]
    public required string Target { get; init; }

    [Description(
        "The guest cannot write to the folder. libvirt 9 shares a folder read-only over 9p only: set driver "
            + "'9p' with it."
    )]
    public bool ReadOnly { get; init; }

    [Description(
        "virtiofs (fast; the provider gives the guest the shared memory it needs, and libvirt runs "
            + "virtiofsd for it) or 9p."
    )]
    public string Driver { get; init; } = FilesystemXml.Virtiofs;
}

/// <summary>A machine's shared folders: between inputs and libvirt's model, and Check's rules for them.</summary>
internal static class MachineFilesystems
{
    public static readonly IReadOnlyList<string> Drivers = [FilesystemXml.Virtiofs, "9p"];

    /// <summary>Folders no guest gets even to read: the host's secrets.</summary>
    private static readonly IReadOnlyList<string> Never = ["/etc", "/root"];

    /// <summary>Folders a guest gets only to read: writing them would change how the host runs.</summary>
    private static readonly IReadOnlyList<string> OnlyReadOnly =
    [
        "/boot",
        "/proc",
        "/sys",
        "/dev",
        "/var/lib/libvirt",
        "/usr",
        "/bin",
        "/sbin",
        "/lib",
        "/lib64",
    ];

    public static List<DomainFilesystem> Definition(IReadOnlyList<DomainFilesystemArgs> filesystems) =>
        filesystems.Select(f => new DomainFilesystem(f.Source, f.Target, f.ReadOnly, f.Driver)).ToList();

    public static List<DomainFilesystemArgs> Inputs(IReadOnlyList<DomainFilesystem> filesystems) =>
        filesystems
            .Select(f => new DomainFilesystemArgs
            {
                Source = f.Source,
                Target = f.Target,
                ReadOnly = f.ReadOnly,
                Driver = f.Driver,
            })
            .ToList();

    /// <summary>
    /// Each folder must exist on the host and be one a guest may have; each tag is given once.
    /// <paramref name="property"/> is the list's name (filesystems).
    /// </summary>
    public static IEnumerable<CheckFailure> Problems(
        IReadOnlyList<DomainFilesystemArgs> filesystems,
        ICheckHost host,
        PropertyMarks marks,
        string property = "filesystems"
    )
    {
        var tags = new Dictionary<string, int>();
        for (var i = 0; i < filesystems.Count; i++)
        {
            var (filesystem, path) = (filesystems[i], $"{property}[{i}]");
            if (!marks.IsKnown(path))
                continue;
            if (!Drivers.Contains(filesystem.Driver))
            {
                yield return new(
                    $"{path}.driver",
                    $"'{path}.driver' {ObjectNames.Quote(filesystem.Driver)} is not " + "a driver; use virtiofs or 9p."
                );
            }
            else if (filesystem.Driver == FilesystemXml.Virtiofs && filesystem.ReadOnly)
            {
                yield return new(
                    $"{path}.readOnly",
                    $"'{path}.readOnly': libvirt 9 cannot share a folder read-only "
                        + "over virtiofs; set 'driver: 9p' for a read-only folder."
                );
            }
            if (string.IsNullOrWhiteSpace(filesystem.Target))
                yield return new($"{path}.target", $"'{path}.target' is empty; give the tag the guest mounts it by.");
            else if (!tags.TryAdd(filesystem.Target, i))
            {
                yield return new(
                    $"{path}.target",
                    $"'{path}.target' {ObjectNames.Quote(filesystem.Target)} is "
                        + $"already the tag of {property}[{tags[filesystem.Target]}]; each folder needs its own tag."
                );
            }
            if (SourceProblem($"{path}.source", filesystem, host) is { } problem)
                yield return new($"{path}.source", problem);
        }
    }

    private static string? SourceProblem(string property, DomainFilesystemArgs filesystem, ICheckHost host)
    {
        var source = filesystem.Source;
        if (!source.StartsWith('/'))
            return $"'{property}' {ObjectNames.Quote(source)} must be an absolute path of a folder on the libvirt "
                + "host.";
        // Where libvirt runs here, links and '..' are followed first; a remote host's folder is judged by its name.
        var resolved = host.IsLocal ? HostFileCheck.Resolve(source) : Path.GetFullPath(source).TrimEnd('/');
        if (resolved.Length == 0)
            resolved = "/";
        var named = HostFileCheck.Named(source, resolved);
        if (Never.FirstOrDefault(folder => Holds(resolved, folder) || Holds(folder, resolved)) is { } secret)
        {
            return $"'{property}' {named} would give the guest the host's {secret}, which holds its secrets; share a "
                + "folder of its own.";
        }
        var system = OnlyReadOnly.FirstOrDefault(folder => Holds(resolved, folder) || Holds(folder, resolved));
        if (!filesystem.ReadOnly && system is not null)
        {
            return $"'{property}' {named} would let the guest write the host's {system}; share a folder of its own, "
                + "or set 'readOnly: true'.";
        }
        if (host.IsLocal)
        {
            var kind = LocalFiles.KindOf(resolved);
            return kind == LocalFileKind.Directory ? null
                : kind == LocalFileKind.Missing ? $"'{property}': the folder {named} does not exist."
                : $"'{property}' {named} is not a folder.";
        }
        try
        {
            // A directory pool over the parent lists the folder as a volume of format dir.
            return host.HostFile(resolved) switch
            {
                null => $"'{property}': the folder '{resolved}' does not exist on {host.Uri}.",
                { Format: "dir" } => null,
                _ => $"'{property}' '{resolved}' on {host.Uri} is not a folder.",
            };
        }
        catch (LibvirtException e)
        {
            return $"'{property}': libvirt could not look for '{resolved}' on {host.Uri} ({e.Message}); check that "
                + "its parent folder exists there.";
        }
    }

    /// <summary>Whether <paramref name="folder"/> is <paramref name="inner"/> or holds it.</summary>
    private static bool Holds(string folder, string inner) =>
        folder == "/" || inner == folder || inner.StartsWith(folder + "/", StringComparison.Ordinal);
}
