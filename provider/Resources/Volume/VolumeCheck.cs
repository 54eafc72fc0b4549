using System.Text.RegularExpressions;
using PulumiLibvirt.Framework;
using PulumiLibvirt.Images;
using PulumiLibvirt.Libvirt;

namespace PulumiLibvirt.Resources;

/// <summary>
/// Validates a volume's inputs against the libvirt host and fills in the defaults, collecting every failure with the
/// property it names. Values still unknown (a preview) are skipped. Nothing is fetched: a source is checked as far as
/// it can be cheaply (a local file's header, a host file as libvirt probes it, a URL's form).
/// </summary>
internal sealed partial class VolumeCheck(PropertyMarks marks, LibvirtContext context)
{
    private readonly List<CheckFailure> _failures = [];
    private ICheckHost Host => context.CheckHost;

    private void Fail(string property, string reason) => _failures.Add(new CheckFailure(property, reason));

    public async Task<Checked<VolumeArgs>> RunAsync(VolumeArgs news)
    {
        if (marks.IsKnown("name") && ObjectNames.VolumeProblem(news.Name!) is { } nameProblem)
            Fail("name", nameProblem);
        if (marks.IsKnown("pool") && PoolAvailability.Problem(news.Pool, Host) is { } poolProblem)
            Fail("pool", poolProblem);
        Digest(news);
        // A digest is the same in either case: a change of case alone is no new image.
        news = news with { Sha256 = news.Sha256?.ToLowerInvariant() };
        if (news.Source is not null || !marks.IsKnown("source"))
            return await SourceAsync(news);
        if (news.BackingStore is not null)
            return await BackingStoreAsync(news with { Format = news.Format ?? VolumeFormat.Qcow2 });
        // A capacity given but not above 0 is CapacityLimit's to explain.
        if (marks.IsKnown("backingStore") && marks.IsKnown("capacity") && news.Capacity is null)
            Fail(
                "capacity",
                "'capacity' is required for a volume without a backing store or a source: give the "
                    + "volume's size in bytes (10737418240 for 10 GiB)."
            );
        return Done(news with { Format = news.Format ?? VolumeFormat.Qcow2 });
    }

    private Checked<VolumeArgs> Done(VolumeArgs args)
    {
        if (marks.IsKnown("capacity") && marks.IsKnown("format") && args.Capacity is { } capacity)
            CapacityLimit(capacity, args.Format ?? VolumeFormat.Qcow2, args.Pool);
        return new(args, _failures);
    }

    /// <summary>
    /// The most bytes a qcow2 image holds with qemu-img's default 64 KiB clusters (its L1 table's limit).
    /// </summary>
    public const long MaxQcow2Bytes = 1L << 51;

    /// <summary>
    /// Past 2^53 a Pulumi number (a double) no longer holds every whole number: 2^53 + 1 arrives as 2^53.
    /// </summary>
    public const long MaxExactBytes = 1L << 53;

    /// <summary>The largest file ext2, ext3 and ext4 (4 KiB blocks) hold: 16 TiB less one block.</summary>
    public const long MaxExtFileBytes = (1L << 44) - 4096;

    /// <summary>
    /// The capacity must be one qemu-img and the pool's filesystem can hold. A raw volume is a file as large as its
    /// capacity: its limit is the filesystem's, known here for ext2/3/4 on a local pool; elsewhere libvirt reports it.
    /// </summary>
    private void CapacityLimit(long capacity, VolumeFormat format, string pool)
    {
        if (capacity <= 0)
        {
            Fail(
                "capacity",
                $"'capacity' {capacity} must be more than 0: give the volume's size in bytes "
                    + "(10737418240 for 10 GiB), or leave it out where a source or a base gives the size."
            );
            return;
        }
        string? limit = null;
        if (capacity > MaxExactBytes)
            limit = $"at most 2^53 = {MaxExactBytes} bytes (8 PiB): past it a Pulumi number is not exact";
        else if (format == VolumeFormat.Qcow2 && capacity > MaxQcow2Bytes)
            limit = $"at most {MaxQcow2Bytes} bytes (2 PiB), the most a qcow2 image holds";
        else if (
            format == VolumeFormat.Raw
            && capacity > MaxExtFileBytes
            && PoolFileSystem(pool) is { } fileSystem
            && fileSystem.StartsWith("ext", StringComparison.Ordinal)
        )
            limit =
                $"at most {MaxExtFileBytes} bytes (16 TiB less 4 KiB) for a raw volume, a file that large, on pool "
                + $"'{pool}''s {fileSystem} filesystem";
        if (limit is not null)
            Fail("capacity", $"'capacity' {capacity} must be {limit}. Give a smaller capacity (in bytes).");
    }

    /// <summary>
    /// The filesystem type of a local directory pool's folder (ext4, xfs…), or null when it cannot be known here.
    /// </summary>
    private string? PoolFileSystem(string pool)
    {
        if (!Host.IsLocal)
            return null;
        return Host.FindPool(pool)?.Path is { Length: > 0 } path ? Host.FileSystem(path) : null;
    }

    [GeneratedRegex("^[0-9a-fA-F]{64}\\z")]
    private static partial Regex Sha256Hex();

    private void Digest(VolumeArgs news)
    {
        if (news.Sha256 is not null && news.Sha256Url is not null)
            Fail(
                "sha256Url",
                "Give either 'sha256' (the digest itself) or 'sha256Url' (where the publisher lists it), not both."
            );
        if (marks.IsKnown("sha256") && news.Sha256 is { } digest && !Sha256Hex().IsMatch(digest))
            Fail(
                "sha256",
                $"'sha256' \"{digest}\" is not a SHA-256 digest: 64 hexadecimal characters, as sha256sum prints them."
            );
        if (marks.IsKnown("sha256Url") && news.Sha256Url is { } sums && WebUrlProblem(sums) is { } problem)
            Fail("sha256Url", $"'sha256Url' {problem}");
        if (!marks.IsKnown("source") || news.Source is not null)
            return;
        foreach (var (property, value) in new[] { ("sha256", news.Sha256), ("sha256Url", news.Sha256Url) })
        {
            if (value is not null)
                Fail(
                    property,
                    $"'{property}' verifies a source image, and the volume has no 'source'. Add one, or remove "
                        + $"'{property}'."
                );
        }
    }

    /// <summary>The most characters of a URL: what common servers and proxies accept in a request line.</summary>
    public const int MaxUrlLength = 8192;

    private static string? WebUrlProblem(string url)
    {
        // Quoted without its credentials, with control characters escaped: a message must not repeat a password.
        var shown = ObjectNames.Quote(RedactedUrl.Of(url.Length > 200 ? url[..200] + "…" : url));
        if (url.Length > MaxUrlLength)
            return $"{shown} is {url.Length} characters long; a URL may have at most {MaxUrlLength}.";
        if (url.Any(char.IsControl))
            return $"{shown} contains a control character (a newline, a tab…): remove it, or percent-encode it (%0A).";
        return
            Uri.TryCreate(url, UriKind.Absolute, out var parsed)
            && parsed.Scheme is "http" or "https"
            && parsed.Host.Length > 0
            ? null
            : $"{shown} is not an http:// or https:// URL.";
    }

    private async Task<Checked<VolumeArgs>> SourceAsync(VolumeArgs news)
    {
        if (news.Source is not { } source)
            return Done(news); // unknown as a whole: nothing to check yet
        if (news.BackingStore is not null)
            Fail(
                "source",
                "A volume is either an overlay ('backingStore') or a copy of an image ('source'), not both. To put "
                    + "an overlay on an image, make one Volume with the source and another with it as backingStore."
            );
        string[] kinds = ["file", "url", "hostPath"];
        var given = kinds
            .Where(kind => Value(source, kind) is not null || marks.Unknown.Contains($"source.{kind}"))
            .ToList();
        if (given.Count != 1)
        {
            Fail(
                "source",
                "'source' needs exactly one of file, url and hostPath; it has "
                    + $"{(given.Count == 0 ? "none" : string.Join(" and ", given))}."
            );
            return Done(news);
        }
        var kind = given[0];
        if (!marks.IsKnown($"source.{kind}"))
            return Done(news);
        var location = Value(source, kind)!;
        if (kind == "hostPath" && (news.Sha256 ?? news.Sha256Url) is not null)
        {
            Fail(
                news.Sha256 is null ? "sha256Url" : "sha256",
                "A digest is verified while the image streams through the provider, and a hostPath copy stays on the "
                    + "libvirt host. Remove it, or use 'source.file' or 'source.url' to stream the image."
            );
        }
        var image = kind switch
        {
            "url" => UrlImage(location),
            "file" => FileImage(location),
            _ => HostImage(location),
        };
        if (image is { } found)
            await FitsAsync(news, $"source.{kind}", found.Format, found.Size);
        return Done(news);
    }

    private static string? Value(VolumeSourceArgs source, string kind) =>
        kind switch
        {
            "file" => source.File,
            "url" => source.Url,
            _ => source.HostPath,
        };

    /// <summary>
    /// A URL is only checked for its form: its image's format and size are learned when it is fetched.
    /// </summary>
    private (string Format, ulong Size)? UrlImage(string url)
    {
        if (WebUrlProblem(url) is { } problem)
            Fail("source.url", $"'source.url' {problem}");
        return null;
    }

    private (string Format, ulong Size)? FileImage(string file)
    {
        var path = Path.GetFullPath(file);
        if (NotRegularFileProblem(path) is { } notRegular)
        {
            Fail("source.file", notRegular);
            return null;
        }
        ImageHeader header;
        try
        {
            header = ImageHeader.Read(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Fail("source.file", $"'source.file' \"{path}\" cannot be read on this machine: {e.Message}");
            return null;
        }
        if (header.Problem is { } problem)
        {
            Fail("source.file", $"'source.file' \"{path}\" cannot become a volume: {problem}.");
            return null;
        }
        return (header.Format, header.VirtualSize!.Value);
    }

    /// <summary>
    /// Why the provider's own file is no regular file it can read, or null: a device such as /dev/zero never ends (an
    /// upload of it would never finish), and a folder or a file out of reach has no image to read.
    /// </summary>
    private static string? NotRegularFileProblem(string path)
    {
        var kind = LocalFiles.KindOf(path);
        return kind switch
        {
            LocalFileKind.Regular => null,
            LocalFileKind.Missing => $"'source.file' \"{path}\" does not exist on the machine the provider runs on, "
                + "so it cannot be read: give the path of an image file there (or 'source.hostPath' for a file on the "
                + "libvirt host).",
            LocalFileKind.Inaccessible => $"'source.file' \"{path}\" cannot be read by the provider (permission "
                + "denied): make the image readable to the user the provider runs as, or copy it where it can be read.",
            _ => $"'source.file' \"{path}\" is {HostFileCheck.Describe(kind)}, not a regular file: only an image file "
                + "(qcow2 or raw) can become a volume. Give the path of one.",
        };
    }

    private (string Format, ulong Size)? HostImage(string hostPath)
    {
        VolumeDescription? file;
        try
        {
            file = Host.HostFile(hostPath);
        }
        catch (LibvirtException e)
        {
            Fail("source.hostPath", $"'source.hostPath' \"{hostPath}\" cannot be read on {Host.Uri}: {e.Message}");
            return null;
        }
        // libvirt finds no volume in a device or a folder; on this machine the provider can say which it is.
        if (
            file is null
            && Host.IsLocal
            && LocalFiles.KindOf(hostPath) is var kind
            && kind is not (LocalFileKind.Missing or LocalFileKind.Regular)
        )
        {
            Fail(
                "source.hostPath",
                $"'source.hostPath' \"{hostPath}\" is {HostFileCheck.Describe(kind)}, not a "
                    + "regular file: only an image file (qcow2 or raw) or a volume can be copied into a volume. Give "
                    + "the "
                    + "path of one."
            );
            return null;
        }
        if (file is null)
        {
            Fail(
                "source.hostPath",
                $"'source.hostPath' \"{hostPath}\": no such file or volume on {Host.Uri}. "
                    + "Give an absolute path on the libvirt host, or a volume's key or path."
            );
            return null;
        }
        if (VolumeImage.HostFileProblem(file) is { } problem)
        {
            Fail("source.hostPath", $"'source.hostPath' \"{hostPath}\" cannot become a volume: {problem}.");
            return null;
        }
        return (file.Format, file.Capacity);
    }

    /// <summary>The declared format must be the image's, and the capacity at least the image's size.</summary>
    private async Task FitsAsync(VolumeArgs news, string property, string format, ulong size)
    {
        var known = news with
        {
            Format = marks.IsKnown("format") ? news.Format : null,
            Capacity = marks.IsKnown("capacity") ? news.Capacity : null,
        };
        if (VolumeImage.Misfit(known, $"the image of '{property}'", format, size) is { } misfit)
            Fail(misfit.Property, misfit.Reason);
        else if (known.Capacity is { } capacity && capacity > (long)size)
            await context.WarnAsync(GrowthAdvice(capacity, $"the image ({size} bytes)"));
    }

    /// <summary>What a user must do when a volume is larger than what it starts from.</summary>
    public static string GrowthAdvice(long capacity, string start) =>
        $"Volume capacity {capacity} is larger than {start}: the guest sees a larger disk, but its partition and "
        + "filesystem must be grown inside the guest (growpart, resize2fs; cloud images do it at first boot).";

    /// <summary>The first file missing in the chain of backing files under <paramref name="base"/>, or null.</summary>
    private string? MissingBacking(VolumeDescription @base)
    {
        // A chain deeper than 16 is no chain a person made: stop there rather than loop on a cycle.
        for (var (next, depth) = (@base.BackingStore?.Path, 0); next is not null && depth < 16; depth++)
        {
            var volume = Host.FindVolume(next);
            // A file in no pool: only a local host's can be looked at.
            if (volume is null)
                return Host.IsLocal && !File.Exists(next) ? next : null;
            next = volume.BackingStore?.Path;
        }
        return null;
    }

    private async Task<Checked<VolumeArgs>> BackingStoreAsync(VolumeArgs news)
    {
        if (marks.IsKnown("format") && news.Format != VolumeFormat.Qcow2)
            Fail(
                "format",
                "A volume with a backing store must be 'qcow2': only qcow2 records a base image. Remove 'format' or "
                    + "set it to qcow2."
            );
        if (!marks.IsKnown("backingStore.volume"))
            return Done(news);

        var based = Host.FindVolume(news.BackingStore!.Volume);
        if (based is null)
        {
            Fail(
                "backingStore.volume",
                $"No volume with key or path '{news.BackingStore.Volume}' exists on {Host.Uri}. Create the base "
                    + "first (or declare it as a Volume and pass its key)."
            );
            return Done(news);
        }
        if (HostFileCheck.LinkedImageProblem(Host.IsLocal, based.Path) is { } linked)
            Fail(
                "backingStore.volume",
                $"'backingStore.volume': the base's file {linked}. A base must be a disk image."
            );
        else if (MissingBacking(based) is { } missing)
            Fail(
                "backingStore.volume",
                $"'backingStore.volume': the base '{based.Path}' is an overlay on "
                    + $"'{missing}', which does not exist on {Host.Uri}: an overlay on it could not be read. Restore "
                    + "that "
                    + "file, or choose another base."
            );
        if (news.BackingStore.Format is { } declared && LibvirtNames.Of(declared) != based.Format)
            Fail(
                "backingStore.format",
                $"The base '{based.Path}' is {based.Format}, not {LibvirtNames.Of(declared)}. Remove "
                    + "'backingStore.format' to use the detected format."
            );

        if (!marks.IsKnown("capacity"))
            return Done(news);
        var capacity = news.Capacity ?? (long)based.Capacity;
        if (capacity < (long)based.Capacity)
        {
            Fail(
                "capacity",
                $"'capacity' {capacity} is smaller than the base's {based.Capacity} bytes: an overlay can never be "
                    + "smaller than its base. Leave it out to use the base's size."
            );
        }
        else if (capacity > (long)based.Capacity)
        {
            await context.WarnAsync(GrowthAdvice(capacity, $"its base ({based.Capacity} bytes)"));
        }
        return Done(news with { Capacity = capacity });
    }
}
