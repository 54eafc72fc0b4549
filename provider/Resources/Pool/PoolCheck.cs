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
        if (!marks.IsKnown("path")) return new Checked<PoolArgs>(news, failures);
        if (!Path.IsPathFullyQualified(news.Path))
        {
            failures.Add(new CheckFailure("path", $"'path' \"{news.Path}\" is not absolute: give the full path of the pool's folder on the libvirt host, such as /var/lib/libvirt/pools/{news.Name ?? "name"}."));
            return new Checked<PoolArgs>(news, failures);
        }
        var path = Normalize(news.Path);
        // Files are this machine's only when libvirt runs here; a remote host's are libvirt's to judge.
        if (host.IsLocal && File.Exists(path))
            failures.Add(new CheckFailure("path", $"'path' {path} is a file, not a folder: name a folder (it is made when missing) or remove the file."));
        if (UsedBy(path, news.Name, olds?.Name, host) is { } other)
            failures.Add(new CheckFailure("path", $"'path' {path} is already the folder of storage pool '{other}': two pools on one folder would each manage the other's volumes. Choose another folder, or use pool '{other}' for the volumes."));
        return new Checked<PoolArgs>(news with { Path = path }, failures);
    }

    /// <summary>
    /// The warning that a remote host's pool folder was not looked at (the provider cannot see that host's files), or
    /// null when it was or the path is not known yet.
    /// </summary>
    public static string? UncheckedWarning(PoolArgs news, PropertyMarks marks, ICheckHost host) =>
        host.IsLocal || !marks.IsKnown("path")
            ? null
            : $"Pool '{news.Name}' on {host.Uri}: whether 'path' {news.Path} is a file rather than a folder is not " +
                "checked on the remote host; libvirt refuses a file when it builds the pool.";

    /// <summary>An absolute path as libvirt keeps it: no "." or ".." parts, no trailing separator.</summary>
    public static string Normalize(string path) => Path.TrimEndingDirectorySeparator(Path.GetFullPath(path));


    /// <summary>
    /// The name of another pool (active or not) on <paramref name="path"/>. The pool this resource updates is not
    /// another one; neither is a pool of the name the inputs ask for: either the one a replacement that keeps the name
    /// deletes first, or one that Create refuses by its name.
    /// </summary>
    private static string? UsedBy(string path, string? name, string? ownName, ICheckHost host) =>
        host.Pools().FirstOrDefault(pool =>
            pool.Name != name && pool.Name != ownName && pool.Path.Length > 0 && Normalize(pool.Path) == path)?.Name;
}
