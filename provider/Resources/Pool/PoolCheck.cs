using PulumiLibvirt.Framework;

namespace PulumiLibvirt.Resources;

/// <summary>What Check refuses in a pool's inputs, before libvirt sees them.</summary>
internal static class PoolCheck
{
    /// <summary>The inputs with the path normalized (as libvirt writes it back), and what is wrong with them.</summary>
    public static Checked<PoolArgs> Run(PoolArgs news, PoolArgs? olds, PropertyMarks marks, ICheckHost host)
    {
        var failures = new List<CheckFailure>();
        if (marks.IsKnown("name") && ObjectNames.Problem("name", news.Name!, "pool") is { } nameProblem)
            failures.Add(new CheckFailure("name", nameProblem));
        if (!marks.IsKnown("path"))
            return new Checked<PoolArgs>(news, failures);
        if (!Path.IsPathFullyQualified(news.Path))
        {
            failures.Add(
                new CheckFailure(
                    "path",
                    $"'path' \"{news.Path}\" is not absolute: give the full path of the pool's folder on the libvirt "
                        + $"host, such as /var/lib/libvirt/pools/{news.Name ?? "name"}."
                )
            );
            return new Checked<PoolArgs>(news, failures);
        }
        if (news.Path.Any(char.IsControl))
        {
            failures.Add(
                new CheckFailure(
                    "path",
                    $"'path' {ObjectNames.Quote(news.Path)} contains a control character "
                        + "(a newline, a tab…): libvirt would make a folder of that name. Remove it."
                )
            );
            return new Checked<PoolArgs>(news, failures);
        }
        var path = Normalize(news.Path);
        // A link can lead a harmless-looking path into /etc; only this machine's links can be followed.
        var resolved = host.IsLocal ? HostFileCheck.Resolve(path) : path;
        if (SystemFolderProblem(path, resolved) is { } systemProblem)
            failures.Add(new CheckFailure("path", systemProblem));
        else if (NestedWith(resolved, news.Name, olds?.Name, host) is { } nested)
            failures.Add(new CheckFailure("path", nested));
        // Files are this machine's only when libvirt runs here; a remote host's are libvirt's to judge.
        if (host.IsLocal && File.Exists(path))
            failures.Add(
                new CheckFailure(
                    "path",
                    $"'path' {path} is a file, not a folder: name a folder (it is made when missing) or remove the "
                        + "file."
                )
            );
        if (UsedBy(path, news.Name, olds?.Name, host) is { } other)
            failures.Add(
                new CheckFailure(
                    "path",
                    $"'path' {path} is already the folder of storage pool '{other}': two pools on one folder would "
                        + $"each manage the other's volumes. Choose another folder, or use pool '{other}' for the "
                        + "volumes."
                )
            );
        return new Checked<PoolArgs>(news with { Path = path }, failures);
    }

    /// <summary>
    /// The warning that a remote host's pool folder was not looked at (the provider cannot see that host's files), or
    /// null when it was or the path is not known yet.
    /// </summary>
    public static string? UncheckedWarning(PoolArgs news, PropertyMarks marks, ICheckHost host) =>
        host.IsLocal || !marks.IsKnown("path")
            ? null
            : $"Pool '{news.Name}' on {host.Uri}: whether 'path' {news.Path} is a file rather than a folder is not "
                + "checked on the remote host; libvirt refuses a file when it builds the pool.";

    /// <summary>An absolute path as libvirt keeps it: no "." or ".." parts, no trailing separator.</summary>
    public static string Normalize(string path) => Path.TrimEndingDirectorySeparator(Path.GetFullPath(path));

    /// <summary>
    /// Folders of the host's own files: a pool on them, or inside them, would list those files as volumes.
    /// </summary>
    private static readonly string[] SystemTrees =
    [
        "/bin",
        "/boot",
        "/dev",
        "/etc",
        "/lib",
        "/lib32",
        "/lib64",
        "/libx32",
        "/proc",
        "/run",
        "/sbin",
        "/sys",
        "/usr",
    ];

    /// <summary>Folders that hold other folders of the host: a pool may be inside them, never on them.</summary>
    private static readonly string[] SystemParents =
    [
        "/",
        "/home",
        "/media",
        "/mnt",
        "/opt",
        "/root",
        "/srv",
        "/tmp",
        "/var",
        "/var/lib",
        "/var/lib/libvirt",
    ];

    /// <summary>
    /// Why the pool's folder is one of the host's system folders (after links), or null. A volume delete or
    /// deleteVolumes would remove the host's files there.
    /// </summary>
    private static string? SystemFolderProblem(string path, string resolved)
    {
        var tree = SystemTrees.FirstOrDefault(t =>
            resolved == t || resolved.StartsWith(t + "/", StringComparison.Ordinal)
        );
        if (tree is null && !SystemParents.Contains(resolved))
            return null;
        var named = HostFileCheck.Named(path, resolved);
        return $"'path' {named} is {(tree is null ? "a system folder" : $"in the system folder {tree}")} of the host: "
            + "libvirt would list the host's files there as volumes, and deleting a volume would delete them. "
            + "Choose a folder of its own, such as /var/lib/libvirt/pools/NAME.";
    }

    /// <summary>
    /// Why the folder is inside or above another pool's (after links), or null: the outer pool would list the inner
    /// one's files (and its folder) as its own volumes, and a delete in one would remove the other's.
    /// </summary>
    private static string? NestedWith(string resolved, string? name, string? ownName, ICheckHost host)
    {
        foreach (var pool in host.Pools())
        {
            if (pool.Name == name || pool.Name == ownName || pool.Path.Length == 0)
                continue;
            var other = Normalize(pool.Path);
            if (host.IsLocal)
                other = HostFileCheck.Resolve(other);
            var relation =
                Inside(resolved, other) ? "inside"
                : Inside(other, resolved) ? "above"
                : null;
            if (relation is null)
                continue;
            return $"'path' {resolved} is {relation} the folder {other} of storage pool '{pool.Name}': each pool "
                + "would list and delete the other's files as its own volumes. Choose a folder beside it.";
        }
        return null;
    }

    private static bool Inside(string path, string folder) =>
        path.StartsWith(folder == "/" ? "/" : folder + "/", StringComparison.Ordinal) && path != folder;

    /// <summary>
    /// The name of another pool (active or not) on <paramref name="path"/>. The pool this resource updates is not
    /// another one; neither is a pool of the name the inputs ask for: either the one a replacement that keeps the name
    /// deletes first, or one that Create refuses by its name.
    /// </summary>
    private static string? UsedBy(string path, string? name, string? ownName, ICheckHost host) =>
        host.Pools()
            .FirstOrDefault(pool =>
                pool.Name != name && pool.Name != ownName && pool.Path.Length > 0 && Normalize(pool.Path) == path
            )
            ?.Name;
}
