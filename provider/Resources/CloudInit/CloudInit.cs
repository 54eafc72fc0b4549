using System.ComponentModel;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using PulumiLibvirt.Framework;
using PulumiLibvirt.Images;
using PulumiLibvirt.Libvirt;

namespace PulumiLibvirt.Resources;

[Description(
    "A cloud-init NoCloud seed: an ISO 9660 volume labelled cidata holding user-data, meta-data and network-config, "
        + "built in memory and uploaded into a pool through the libvirt connection (remote hosts work; nothing is "
        + "written on the machine that runs Pulumi). Attach it as a Domain's CD-ROM disk or as a Clone's 'cloudInit'."
)]
public sealed class CloudInit : LibvirtResource<CloudInitArgs, CloudInitState>
{
    public override string Token => "libvirt:index:CloudInit";

    protected override Task<Checked<CloudInitArgs>> CheckAsync(
        CloudInitArgs news,
        CloudInitArgs? olds,
        PropertyMarks marks,
        LibvirtContext context
    ) => new CloudInitCheck(marks, context).RunAsync(news, ResourceName(context.Urn));

    // A seed that keeps its name (one given in the program) must be gone before its replacement takes the name.
    protected override bool DeleteBeforeReplace(Replacement<CloudInitArgs, CloudInitState> replacement) =>
        replacement.Olds.Name == replacement.News.Name && replacement.Olds.Pool == replacement.News.Pool;

    protected override async Task<(string Id, CloudInitState State)> CreateAsync(
        CloudInitArgs inputs,
        LibvirtContext context
    )
    {
        var name = inputs.Name
            ?? throw new ProviderException(
                ErrorKind.InvalidArgument,
                "'name' is unknown: the seed's content must be known to name it."
            );
        var image = Image(inputs);
        using var pool = context.Libvirt.LookupPool(inputs.Pool);
        using (var existing = pool.FindVolume(name))
        {
            if (existing is not null)
                throw new ProviderException(
                    ErrorKind.FailedPrecondition,
                    NameTaken.Reason("volume", name, $"in pool '{inputs.Pool}' ({existing.Path})", Token, existing.Key)
                );
        }
        var volume = pool.CreateVolume(new VolumeDefinition(name, (ulong)image.Length, "raw"));
        try
        {
            using var upload = context.Libvirt.BeginUpload(volume, sparse: false);
            upload.Write(image);
            upload.Finish();
        }
        catch
        {
            HalfMadeVolume.Delete(volume);
            throw;
        }
        CloudInitState state;
        using (volume)
            state = new CloudInitState
            {
                Key = volume.Key,
                Path = volume.Path,
                Sha256 = Convert.ToHexStringLower(SHA256.HashData(image)),
            };
        await context.InfoAsync($"CloudInit '{name}': a {image.Length}-byte seed uploaded to pool '{inputs.Pool}'.");
        return (state.Key, state);
    }

    protected override Task<(string Id, CloudInitArgs Inputs, CloudInitState State)?> ReadAsync(
        string id,
        CloudInitArgs? inputs,
        CloudInitState? oldState,
        LibvirtContext context
    )
    {
        using var volume = context.Libvirt.FindVolume(id);
        if (volume is null)
            return Task.FromResult<(string, CloudInitArgs, CloudInitState)?>(null);
        // The content is the program's (user-data is secret, and only the program knows it): nothing to derive it from.
        if (inputs is null || oldState is null)
            throw new ProviderException(
                ErrorKind.InvalidArgument,
                "A CloudInit seed cannot be imported: its content is only known to the program. Declare the "
                    + $"CloudInit and let Pulumi make a new seed (and delete '{volume.Path}' by hand), or import the "
                    + "volume as a libvirt:index:Volume."
            );
        var state = oldState with { Key = volume.Key, Path = volume.Path };
        return Task.FromResult<(string, CloudInitArgs, CloudInitState)?>((state.Key, inputs, state));
    }

    // Every input replaces the seed, so an update only ever carries nothing new.
    protected override Task<CloudInitState> UpdateAsync(
        string id,
        CloudInitArgs olds,
        CloudInitArgs news,
        CloudInitState state,
        LibvirtContext context
    ) => Task.FromResult(state);

    protected override Task DeleteAsync(
        string id,
        CloudInitArgs inputs,
        CloudInitState state,
        LibvirtContext context
    ) => VolumeUsage.DeleteUnlessUsedAsync(context.Libvirt, id);

    /// <summary>
    /// The seed's ISO image: user-data and meta-data always (cloud-init needs both), network-config when not empty.
    /// </summary>
    public static byte[] Image(CloudInitArgs inputs)
    {
        List<(string, byte[])> files =
        [
            ("user-data", Encoding.UTF8.GetBytes(inputs.UserData ?? "")),
            ("meta-data", Encoding.UTF8.GetBytes(MetaData(inputs))),
        ];
        if (!string.IsNullOrEmpty(inputs.NetworkConfig))
            files.Add(("network-config", Encoding.UTF8.GetBytes(inputs.NetworkConfig)));
        return IsoImage.Build(NoCloudSeed.Label, files);
    }

    /// <summary>
    /// The meta-data: as given, else built from the shortcuts, with an instance-id derived from the content when none
    /// is given.
    /// </summary>
    public static string MetaData(CloudInitArgs inputs)
    {
        if (inputs.MetaData is { } given)
            return given;
        var text = $"instance-id: {inputs.InstanceId ?? $"iid-{ContentDigest(inputs)[..16]}"}\n";
        return inputs.Hostname is { } hostname ? $"{text}local-hostname: {hostname}\n" : text;
    }

    /// <summary>
    /// A digest of everything the seed holds, as given: the default name's suffix and the default instance-id. Each
    /// part is prefixed with its length (or marked absent), so that no two contents share one.
    /// </summary>
    public static string ContentDigest(CloudInitArgs inputs)
    {
        var parts = new[]
        {
            inputs.UserData,
            inputs.MetaData,
            inputs.InstanceId,
            inputs.Hostname,
            string.IsNullOrEmpty(inputs.NetworkConfig) ? null : inputs.NetworkConfig,
        };
        var text = string.Concat(
            parts.Select(p => p is null ? "-;" : $"{p.Length.ToString(CultureInfo.InvariantCulture)}:{p};")
        );
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }

    /// <summary>The default name: the resource name plus a short hash of the content.</summary>
    public static string DefaultName(string resourceName, CloudInitArgs inputs) =>
        $"{resourceName}-{ContentDigest(inputs)[..8]}.iso";

    /// <summary>The resource's name: the last part of its URN.</summary>
    private static string ResourceName(string urn) => urn[(urn.LastIndexOf("::", StringComparison.Ordinal) + 2)..];
}
