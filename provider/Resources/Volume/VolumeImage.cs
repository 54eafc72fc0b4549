using System.Diagnostics;
using PulumiLibvirt.Framework;
using PulumiLibvirt.Guestfs;
using PulumiLibvirt.Images;
using PulumiLibvirt.Libvirt;

namespace PulumiLibvirt.Resources;

/// <summary>
/// Makes a volume from its source: a file of this machine or a URL is streamed into it through libvirt (so a remote
/// host receives it over its connection), a file of the host is copied by libvirt on the host. A failure or a cancel
/// at any point removes the half-made volume.
/// </summary>
internal static class VolumeImage
{
    /// <summary>The largest checksum list read for sha256Url.</summary>
    private const int ChecksumListLimit = 1 << 20;

    /// <summary>
    /// The volume made, and the SHA-256 the image was verified against as it streamed (none when none was asked).
    /// </summary>
    public sealed record Made(StorageVolume Volume, string? Sha256);

    public static async Task<Made> CreateAsync(VolumeArgs inputs, StoragePool pool, LibvirtContext context)
    {
        var source = inputs.Source!;
        try
        {
            var made = source.HostPath is { } hostPath
                ? new Made(await CopyOnHostAsync(inputs, pool, hostPath, context), null)
                : await UploadAsync(inputs, pool, await ExpectedDigestAsync(inputs, context), context);
            try
            {
                await GrowAsync(inputs, made.Volume, context);
                return made;
            }
            catch
            {
                HalfMadeVolume.Delete(made.Volume);
                throw;
            }
        }
        // What the source's side says (a file gone since Check, a read error, cp failing) is the user's to act on, not
        // an internal error; what had been made is removed by then.
        catch (Exception e)
            when (e is ImageSourceException or IOException or UnauthorizedAccessException or HostToolException)
        {
            throw new ProviderException(
                ErrorKind.Failed,
                $"Volume '{inputs.Name}': {e.Message} Nothing was left behind.",
                e
            );
        }
    }

    /// <summary>Why a file of the host cannot fill a volume as it is, or null when it can.</summary>
    public static string? HostFileProblem(VolumeDescription file) =>
        file switch
        {
            { Format: not ("raw" or "qcow2") } =>
                $"libvirt reads it as {file.Format}; only raw and qcow2 images become volumes",
            { BackingStore: { } b } =>
                $"it is a qcow2 overlay on {b.Path}: declare that base as the source and this one as a Volume with a "
                    + "backingStore, or flatten it (qemu-img convert)",
            _ => null,
        };

    /// <summary>
    /// Why an image of <paramref name="format"/> and <paramref name="size"/> (null while unknown) cannot fill the
    /// volume as declared: the property at fault and the reason, or null.
    /// </summary>
    public static (string Property, string Reason)? Misfit(VolumeArgs inputs, string image, string format, ulong? size)
    {
        if (inputs.Format is { } declared && LibvirtNames.Of(declared) != format)
            return (
                "format",
                $"'format' is {LibvirtNames.Of(declared)}, but {image} is a {format} image (its header says so). "
                    + "Remove 'format' to use the image's own."
            );
        if (inputs.Capacity is { } capacity && size is { } known && capacity < (long)known)
            return (
                "capacity",
                $"'capacity' {capacity} is smaller than the size of {image}, {known} bytes: a volume cannot be "
                    + "smaller than its content. Leave it out to use the image's size."
            );
        return null;
    }

    private static async Task<string?> ExpectedDigestAsync(VolumeArgs inputs, LibvirtContext context)
    {
        if (inputs.Sha256 is { } digest)
            return digest;
        if (inputs.Sha256Url is not { } sumsUrl)
            return null;
        var source = inputs.Source!;
        var fileName = source.File is { } file
            ? Path.GetFileName(file)
            : Uri.UnescapeDataString(new Uri(source.Url!).Segments[^1]);
        await context.InfoAsync(
            $"Volume '{inputs.Name}': reading the SHA-256 of {fileName} from {RedactedUrl.Of(sumsUrl)}."
        );
        var sums = await ImageDownload.ReadTextAsync(
            new Uri(sumsUrl),
            ChecksumListLimit,
            context.Config.EffectiveDownloadStallTimeout,
            context.Cancellation
        );
        return Sha256Sums.Find(sums, fileName)
            ?? throw new ImageSourceException(
                $"'sha256Url' {RedactedUrl.Of(sumsUrl)} lists no SHA-256 digest for "
                    + $"'{fileName}'. Check that it is the checksum list of this image, or give 'sha256' itself."
            );
    }

    private static async Task<Made> UploadAsync(
        VolumeArgs inputs,
        StoragePool pool,
        string? expectedDigest,
        LibvirtContext context
    )
    {
        var source = inputs.Source!;
        if (source.File is { } file)
        {
            var path = Path.GetFullPath(file);
            await using var stream = new FileStream(
                path,
                FileMode.Open,
                FileAccess.Read,
                FileShare.Read,
                bufferSize: 0,
                FileOptions.SequentialScan
            );
            return await UploadAsync(
                inputs,
                pool,
                $"'{path}'",
                stream.ReadAsync,
                stream.Length,
                expectedDigest,
                context
            );
        }
        using var download = await ImageDownload.OpenAsync(
            new Uri(source.Url!),
            context.Config.EffectiveDownloadStallTimeout,
            context.Cancellation
        );
        return await UploadAsync(
            inputs,
            pool,
            RedactedUrl.Of(source.Url!),
            download.ReadAsync,
            download.Length,
            expectedDigest,
            context
        );
    }

    private static async Task<Made> UploadAsync(
        VolumeArgs inputs,
        StoragePool pool,
        string image,
        ImageReader read,
        long? length,
        string? expectedDigest,
        LibvirtContext context
    )
    {
        var name = inputs.Name!;
        // The first chunk says what the image is: what cannot become a volume, or contradicts the inputs, fails before
        // anything is made or fetched further.
        var first = await ChunkedCopy.ReadFirstAsync(read, context.Cancellation);
        var header = ImageHeader.Parse(first.Buffer.AsSpan(0, first.Count));
        if (header.Problem is { } problem)
            throw new ImageSourceException($"{image} cannot become a volume: {problem}.");
        if (Misfit(inputs, image, header.Format, header.VirtualSize ?? (ulong?)length) is { } early)
            throw new ImageSourceException(early.Reason);

        // The volume is made in the image's format, so that libvirt knows it without a pool refresh (which it skips
        // while another copy into the pool runs). A raw one starts empty and takes the image's holes as holes; a qcow2
        // one starts as qemu-img made it and is overwritten whole: a hole would leave its old bytes in place.
        var qcow2 = header.Kind == ImageKind.Qcow2;
        var volume = pool.CreateVolume(new VolumeDefinition(name, header.VirtualSize ?? 0, header.Format));
        try
        {
            var progress = new TransferProgress($"Volume '{name}': {image}", length, context.InfoAsync);
            string? digest;
            using (var upload = context.Libvirt.BeginUpload(volume, sparse: !qcow2))
            {
                var copy = ChunkedCopy.CopyAsync(
                    read,
                    first,
                    upload.Write,
                    progress,
                    hashing: expectedDigest is not null,
                    context.Cancellation
                );
                digest = await progress.WhileAsync(copy);
                if (expectedDigest is not null && digest != expectedDigest)
                    throw new ImageSourceException(
                        $"the SHA-256 of {image} is {digest}, not the expected {expectedDigest}: it is not the image "
                            + "declared, or it was damaged on the way."
                    );
                upload.Finish();
            }
            await progress.CompleteAsync();
            if (Misfit(inputs, image, header.Format, header.VirtualSize ?? (ulong)progress.Done) is { } late)
                throw new ImageSourceException(late.Reason);
            return new Made(volume, digest);
        }
        catch
        {
            HalfMadeVolume.Delete(volume);
            throw;
        }
    }

    private static async Task<StorageVolume> CopyOnHostAsync(
        VolumeArgs inputs,
        StoragePool pool,
        string hostPath,
        LibvirtContext context
    )
    {
        var libvirt = context.Libvirt;
        using var file = libvirt.OpenHostFile(hostPath)
            ?? throw new ImageSourceException(
                $"'source.hostPath' \"{hostPath}\": no such file or volume on {libvirt.Uri}."
            );
        var described = file.Description;
        if (HostFileProblem(described) is { } problem)
            throw new ImageSourceException($"'{hostPath}' cannot become a volume: {problem}.");
        if (Misfit(inputs, $"'{hostPath}'", described.Format, described.Capacity) is { } misfit)
            throw new ImageSourceException(misfit.Reason);

        var what =
            $"Volume '{inputs.Name}': copying '{hostPath}' ({TransferProgress.Size((long)described.Capacity)}, "
            + $"{described.Format}) on the host";
        await context.InfoAsync($"{what}.");
        var watch = Stopwatch.StartNew();
        var definition = new VolumeDefinition(inputs.Name!, described.Capacity, described.Format);
        // A file of no pool on this machine is copied by cp, which reads only its data where libvirt's copy reads the
        // holes too. libvirt's copy is one call that cannot be interrupted: a cancel takes effect when it returns.
        var copying =
            !file.InPool && libvirt.IsLocal
                ? CopyLocalFileAsync(pool, definition, hostPath, context.Cancellation)
                : Task.Run(() => pool.CopyVolume(definition, file.Volume));
        while (await Task.WhenAny(copying, Task.Delay(TransferProgress.Interval)) != copying)
            await context.InfoAsync($"{what}: {watch.Elapsed.TotalSeconds:0} s so far.");
        var volume = await copying;
        if (context.Cancellation.IsCancellationRequested)
        {
            HalfMadeVolume.Delete(volume);
            context.Cancellation.ThrowIfCancellationRequested();
        }
        await context.InfoAsync($"{what}: done in {watch.Elapsed.TotalSeconds:0.0} s.");
        return volume;
    }

    private static async Task<StorageVolume> CopyLocalFileAsync(
        StoragePool pool,
        VolumeDefinition definition,
        string path,
        CancellationToken cancellation
    )
    {
        // libvirt makes the volume (its owner and mode, and knowing of it); cp then fills the same file in place.
        var volume = pool.CreateVolume(definition with { Capacity = 0 });
        try
        {
            await HostTool.RunAsync(
                HostTool.Find("cp") ?? "/bin/cp",
                ["--sparse=always", "--reflink=auto", path, volume.Path],
                new Dictionary<string, string>(),
                _ => Task.CompletedTask,
                cancellation
            );
            return volume;
        }
        catch
        {
            HalfMadeVolume.Delete(volume);
            throw;
        }
    }

    /// <summary>
    /// A capacity larger than the image grows the volume now; the guest's filesystem is the user's to grow.
    /// </summary>
    private static async Task GrowAsync(VolumeArgs inputs, StorageVolume volume, LibvirtContext context)
    {
        var size = volume.Describe().Capacity;
        if (inputs.Capacity is not { } wanted || (ulong)wanted <= size)
            return;
        volume.Resize((ulong)wanted);
        await context.InfoAsync(VolumeCheck.GrowthAdvice(wanted, $"the image ({size} bytes)"));
    }
}
