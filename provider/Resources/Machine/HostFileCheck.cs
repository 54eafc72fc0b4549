using PulumiLibvirt.Framework;
using PulumiLibvirt.Images;
using PulumiLibvirt.Libvirt;

namespace PulumiLibvirt.Resources;

/// <summary>
/// Judges the host files a domain is given, where libvirt runs on this machine, so that no host file becomes a disk,
/// a kernel or a console log by accident. Paths are resolved first (symlinks, '..'), and messages name the resolved
/// path. The rules:
/// a disk's file is a regular file that holds a disk image: qcow2, or raw data (a size that is a whole number of
/// 512-byte sectors, and not text), which an ISO is; a block device only with the disk's <c>blockDevice: true</c>, and
/// never one the host has mounted or uses; a kernel or initrd is a regular file that is not text; a console log does
/// not overwrite an existing file other than the domain's own console log. A file is text when its first 8 KiB hold
/// no NUL byte (as git and grep judge).
/// </summary>
internal static class HostFileCheck
{
    private const int SampleBytes = 8192;
    private const int SectorBytes = 512;

    /// <summary>
    /// What is wrong with a pool volume's file when it is a link that leads to something not a disk image, or null;
    /// only a file of this machine (<paramref name="isLocal"/>) is looked at.
    /// </summary>
    public static string? LinkedImageProblem(bool isLocal, string path)
    {
        if (!isLocal)
            return null;
        var resolved = Resolve(path);
        if (resolved == path)
            return null;
        var kind = LocalFiles.KindOf(resolved);
        if (kind == LocalFileKind.BlockDevice)
        {
            return $"{Named(path, resolved)} is a link to a block device of the host; attach a device with a disk's "
                + "'file' and 'blockDevice: true'";
        }
        return kind == LocalFileKind.Regular && ImageProblem(resolved) is { } problem
            ? $"{Named(path, resolved)} {problem}"
            : null;
    }

    /// <summary>The absolute path with every symlink and '..' resolved, as the kernel would follow it.</summary>
    public static string Resolve(string path)
    {
        var remaining = new List<string>(Parts(Path.GetFullPath(path)));
        var resolved = new List<string>();
        // Past 40 links the kernel gives up (ELOOP); so does this, leaving the rest unresolved.
        var links = 0;
        while (remaining.Count > 0)
        {
            var part = remaining[0];
            remaining.RemoveAt(0);
            if (part == "..")
            {
                if (resolved.Count > 0)
                    resolved.RemoveAt(resolved.Count - 1);
                continue;
            }
            if (part == ".")
                continue;
            resolved.Add(part);
            var target = links < 40 ? LinkTarget(Join(resolved)) : null;
            if (target is null)
                continue;
            links++;
            resolved.RemoveAt(resolved.Count - 1);
            if (target.StartsWith('/'))
                resolved.Clear();
            remaining.InsertRange(0, Parts(target));
        }
        return Join(resolved);
    }

    private static string[] Parts(string path) => path.Split('/', StringSplitOptions.RemoveEmptyEntries);

    private static string Join(List<string> parts) => "/" + string.Join('/', parts);

    private static string? LinkTarget(string path)
    {
        try
        {
            return new FileInfo(path).LinkTarget;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>"'/a/b'", or "'/a/b' (which resolves to '/c')" when a link or '..' leads elsewhere.</summary>
    public static string Named(string path, string resolved) =>
        path == resolved ? $"'{resolved}'" : $"'{path}' (which resolves to '{resolved}')";

    /// <summary>
    /// Why the file cannot be a disk's, on its property, or null. <paramref name="blockDevice"/>: the program says it
    /// is a block device.
    /// </summary>
    public static CheckFailure? DiskProblem(string property, string path, bool blockDevice, string blockProperty)
    {
        var resolved = Resolve(path);
        var named = Named(path, resolved);
        var kind = LocalFiles.KindOf(resolved);
        if (blockDevice && kind != LocalFileKind.BlockDevice)
            return new(
                blockProperty,
                $"'{blockProperty}' is true, but '{property}' {named} is {Describe(kind)}, not a block device. "
                    + "Remove 'blockDevice' for a disk image file."
            );
        var problem = kind switch
        {
            LocalFileKind.BlockDevice when blockDevice => InUse(resolved) is { } use
                ? $"'{property}' {named} is a block device that the host itself uses ({use}): a guest writing to it "
                    + "would corrupt the host. Give the guest a device the host does not use."
                : null,
            LocalFileKind.BlockDevice =>
                $"'{property}' {named} is a block device of the host: the guest would read and write it directly. If "
                    + $"that is meant, set '{blockProperty}: true'; otherwise give a disk image file.",
            LocalFileKind.Regular => ImageProblem(resolved) is { } notImage
                ? $"'{property}' {named} {notImage}."
                : null,
            _ => $"'{property}' {named} is {Describe(kind)}, not a disk image file.",
        };
        return problem is null ? null : new(property, problem);
    }

    /// <summary>Why a regular file is not a disk image, or null.</summary>
    public static string? ImageProblem(string resolved)
    {
        try
        {
            var header = ImageHeader.Read(resolved);
            if (header.Kind == ImageKind.Qcow2)
                return null;
            if (header.Kind == ImageKind.Compressed)
                return $"is {header.Compression}-compressed, not a disk image: decompress it first";
            var size = header.VirtualSize!.Value;
            if (size == 0)
                return "is empty, not a disk image";
            if (size % SectorBytes != 0)
                return $"is {size} bytes, not a whole number of 512-byte sectors: it is not a disk image (a raw "
                    + "image or an ISO is one)";
            return IsText(resolved) ? "is a text file, not a disk image" : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"cannot be read by the provider ({e.Message}), so it cannot tell that it is a disk image";
        }
    }

    /// <summary>Why the file cannot be a kernel or an initrd, or null.</summary>
    public static string? BootFileProblem(string property, string path)
    {
        var resolved = Resolve(path);
        var named = Named(path, resolved);
        var kind = LocalFiles.KindOf(resolved);
        if (kind != LocalFileKind.Regular)
            return $"'{property}' {named} is {Describe(kind)}, not a regular file.";
        try
        {
            return IsText(resolved) ? $"'{property}' {named} is a text file, not a kernel or an initrd image." : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"'{property}' {named} cannot be read by the provider ({e.Message}), so it cannot tell that it is "
                + "a kernel or an initrd.";
        }
    }

    /// <summary>
    /// Why qemu may not write the console log at <paramref name="path"/>, or null: it truncates the file, so an
    /// existing one must be the console log of <paramref name="own"/> domain (an update, or the replacement of it).
    /// </summary>
    public static string? ConsoleProblem(string path, ICheckHost host, OwnDomain own)
    {
        var resolved = Resolve(path);
        var named = Named(path, resolved);
        var kind = LocalFiles.KindOf(resolved);
        if (kind == LocalFileKind.Missing)
        {
            var folder = Path.GetDirectoryName(resolved) ?? "/";
            return Directory.Exists(folder)
                ? null
                : $"'console.path' {named}: its folder '{folder}' does not exist. Create it, or choose a file in an "
                    + "existing folder.";
        }
        var ownLog = host.Domains().Where(own.Owns).Any(d => d.Console?.Path is { } log && Resolve(log) == resolved);
        return ownLog
            ? null
            : $"'console.path' {named} already exists ({Describe(kind)}) and is not this domain's console log: qemu "
                + "would overwrite it. Give the path of a new file (such as /var/log/libvirt/qemu/NAME-console.log), "
                + "or remove the old file if it is an old console log.";
    }

    private static bool IsText(string path)
    {
        using var file = File.OpenRead(path);
        var sample = new byte[SampleBytes];
        var read = file.ReadAtLeast(sample, sample.Length, throwOnEndOfStream: false);
        return !sample.AsSpan(0, read).Contains((byte)0);
    }

    /// <summary>What kind of file it is, for a message: "a folder", "a character device"…</summary>
    public static string Describe(LocalFileKind kind) =>
        kind switch
        {
            LocalFileKind.Missing => "missing",
            LocalFileKind.Inaccessible => "out of the provider's reach (permission denied)",
            LocalFileKind.Regular => "a regular file",
            LocalFileKind.Directory => "a folder",
            LocalFileKind.BlockDevice => "a block device",
            LocalFileKind.CharacterDevice => "a character device",
            _ => "a special file (a FIFO or a socket)",
        };

    /// <summary>
    /// How the host uses the block device (mounted, or held by device-mapper or RAID, or one of its partitions is), or
    /// null.
    /// </summary>
    private static string? InUse(string device)
    {
        var name = Path.GetFileName(device);
        var sys = $"/sys/class/block/{name}";
        var partitions = Directory.Exists(sys)
            ? Directory
                .EnumerateDirectories(sys)
                .Select(Path.GetFileName)
                .OfType<string>()
                .Where(p => p.StartsWith(name, StringComparison.Ordinal) && File.Exists($"{sys}/{p}/partition"))
                .ToList()
            : [];
        var devices = partitions.Select(p => $"/dev/{p}").Prepend(device).ToHashSet();
        foreach (var line in File.ReadLines("/proc/self/mounts"))
        {
            var fields = line.Split(' ');
            if (fields.Length > 1 && fields[0].StartsWith('/') && devices.Contains(Resolve(fields[0])))
                return $"{fields[0]} is mounted on {fields[1]}";
        }
        foreach (var held in partitions.Select(p => $"{sys}/{p}").Prepend(sys))
        {
            if (Directory.Exists($"{held}/holders") && Directory.EnumerateFileSystemEntries($"{held}/holders").Any())
                return $"/dev/{Path.GetFileName(held)} is held by device-mapper or RAID";
        }
        return null;
    }
}
