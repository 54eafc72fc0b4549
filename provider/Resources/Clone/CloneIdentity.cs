using System.ComponentModel;
using System.Text.RegularExpressions;
using PulumiLibvirt.Framework;
using PulumiLibvirt.Guestfs;
using PulumiLibvirt.Libvirt;

namespace PulumiLibvirt.Resources;

[Description(
    "What makes a clone a distinct machine inside its disk, applied offline with virt-sysprep before its first boot."
)]
public sealed record CloneIdentityArgs
{
    [Description("The guest's hostname. Default: the clone's name.")]
    public string? Hostname { get; init; }

    [Description("Reset /etc/machine-id, so the guest gets a new one.")]
    public bool ResetMachineId { get; init; } = true;

    [Description(
        "Remove the template's SSH host keys and put new ones (ecdsa, ed25519, rsa) in place; their public keys are "
            + "outputs."
    )]
    public bool ResetSshHostKeys { get; init; } = true;

    [Description(
        "Further virt-sysprep operations (virt-sysprep --list-operations). Default: dhcp-client-state, "
            + "udev-persistent-net, net-hwaddr."
    )]
    public IReadOnlyList<string>? Operations { get; init; }
}

[Description("The identity applied to a clone.")]
public sealed record AppliedIdentity
{
    [Description("The guest's hostname.")]
    public string Hostname { get; init; } = "";

    [Description("Whether /etc/machine-id was reset.")]
    public bool ResetMachineId { get; init; }

    [Description("Whether the template's SSH host keys were replaced by new ones.")]
    public bool ResetSshHostKeys { get; init; }

    [Description("The virt-sysprep operations applied.")]
    public IReadOnlyList<string> Operations { get; init; } = [];

    [Description(
        "The public SSH host keys put in place (known_hosts format without the host name), for pinning before the "
            + "first boot."
    )]
    public IReadOnlyList<string> SshHostKeys { get; init; } = [];
}

/// <summary>
/// Makes a clone a distinct machine: virt-sysprep on the clone's own disks resets what the template's disk carries
/// (machine-id, SSH host keys, DHCP leases, persistent net rules), sets the hostname and puts new host keys in place.
/// </summary>
internal static partial class GuestIdentity
{
    public static readonly IReadOnlyList<string> DefaultOperations =
    [
        "dhcp-client-state",
        "udev-persistent-net",
        "net-hwaddr",
    ];

    // At most 253 characters in all; labels of 1 to 63 letters, digits and inner hyphens, joined by dots.
    private const string HostnamePattern = "^(?=.{1,253}\\z)" + HostnameLabel + "(\\." + HostnameLabel + ")*\\z";
    private const string HostnameLabel = "[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?";

    [GeneratedRegex(HostnamePattern)]
    private static partial Regex Hostname();

    /// <summary>
    /// Why an identity cannot be applied through this connection, or null: virt-sysprep works on the disk files, so it
    /// runs where they are: on this machine when libvirt runs here, else on the libvirt host over SSH (a qemu+ssh
    /// URI), where it must be installed. Asking a remote host costs one SSH login, once per provider process.
    /// </summary>
    public static async Task<string?> UnavailableAsync(string uri, CancellationToken cancellation)
    {
        if (string.IsNullOrEmpty(new Uri(uri).Host))
        {
            return VirtSysprep.Path is null
                ? "'identity' needs libguestfs's virt-sysprep on the libvirt host, this machine: install it (apt-get "
                    + "install libguestfs-tools, or dnf install guestfs-tools), or leave 'identity' out."
                : null;
        }
        if (SshTarget.Of(uri) is not { } ssh)
            return "'identity' runs virt-sysprep on the libvirt host, which the provider reaches only over SSH; "
                + $"{uri} uses another transport. Use a qemu+ssh:// URI for that host, or leave 'identity' out.";
        try
        {
            await VirtSysprep.OperationsAsync(ssh, cancellation);
            return null;
        }
        catch (HostToolException e)
        {
            return $"'identity' runs virt-sysprep on the libvirt host over SSH ({ssh.Display}), and it did not run "
                + $"there: {e.Message}. "
                + $"Install it on {ssh.Host} (apt-get install libguestfs-tools, or dnf install guestfs-tools), or "
                + "leave 'identity' out.";
        }
    }

    /// <summary>Checks an identity: where it can run, its hostname, its operation names.</summary>
    public static async Task CheckAsync(
        CloneIdentityArgs identity,
        string? cloneName,
        string uri,
        DomainCheck check,
        CancellationToken cancellation
    )
    {
        if (await UnavailableAsync(uri, cancellation) is { } problem)
        {
            check.Fail("identity", problem);
            return;
        }
        var hostname = identity.Hostname ?? cloneName;
        if (hostname is not null && !Hostname().IsMatch(hostname))
        {
            check.Fail(
                identity.Hostname is null ? "name" : "identity.hostname",
                identity.Hostname is null
                    ? $"The clone's name \"{hostname}\" is not a valid hostname for 'identity'; give "
                        + "'identity.hostname' (letters, digits, '-' and '.')."
                    : $"'identity.hostname' \"{hostname}\" is not a valid hostname: use letters, digits, '-' and "
                        + "'.', at most 63 characters a label."
            );
        }
        if (identity.Operations is { } operations)
        {
            var known = await VirtSysprep.OperationsAsync(SshTarget.Of(uri), cancellation);
            for (var i = 0; i < operations.Count; i++)
            {
                if (!known.Contains(operations[i]))
                    check.Fail(
                        $"identity.operations[{i}]",
                        $"'{operations[i]}' is not a virt-sysprep operation; see `virt-sysprep --list-operations`."
                    );
            }
        }
    }

    /// <summary>
    /// Applies the identity to the clone's own disks, logging virt-sysprep's progress, and answers what was applied.
    /// </summary>
    public static async Task<AppliedIdentity> ApplyAsync(
        CloneIdentityArgs identity,
        string cloneName,
        IReadOnlyList<SysprepDisk> disks,
        LibvirtContext context
    )
    {
        var uri = context.Config.EffectiveUri;
        if (await UnavailableAsync(uri, context.Cancellation) is { } problem)
            throw new ProviderException(ErrorKind.FailedPrecondition, problem);
        var host = SshTarget.Of(uri);
        if (disks.Count == 0)
            throw new ProviderException(
                ErrorKind.FailedPrecondition,
                $"Clone '{cloneName}' has no disk of its own to apply 'identity' to (all are shared or skipped)."
            );
        var hostname = identity.Hostname ?? cloneName;
        var operations = (identity.Operations ?? DefaultOperations).ToList();
        if (identity.ResetMachineId)
            operations.Add("machine-id");
        if (identity.ResetSshHostKeys)
            operations.Add("ssh-hostkeys");
        // What works under KVM is probed on this machine only; a remote host gets the setting given, else libguestfs's
        // default.
        var settings = context.Config.GuestfsBackendSettings
            ?? (
                host is null
                    ? await GuestfsBackend.DefaultAsync()
                    : Environment.GetEnvironmentVariable("LIBGUESTFS_BACKEND_SETTINGS") ?? ""
            );

        var folder = Directory.CreateTempSubdirectory("pulumi-libvirt-keys-");
        try
        {
            var keys = identity.ResetSshHostKeys
                ? await SshHostKeys.GenerateAsync(folder.FullName, $"root@{hostname}", context.Cancellation)
                : [];
            var where = host is null ? "" : $" on {host.Display} over SSH";
            var emulated = settings.Contains(GuestfsBackend.ForceTcg) ? " under software emulation" : "";
            await context.InfoAsync(
                $"Clone '{cloneName}': virt-sysprep ({string.Join(", ", operations)}, "
                    + $"hostname {hostname}) on {string.Join(", ", disks.Select(d => d.Path))}{where}; "
                    + $"this takes tens of seconds{emulated}."
            );
            await VirtSysprep.RunAsync(
                disks,
                new SysprepPlan(operations, hostname, keys),
                settings,
                host,
                line =>
                    line.Length == 0 ? Task.CompletedTask : context.InfoAsync($"Clone '{cloneName}': {line.Trim()}"),
                context.Cancellation
            );
            return new AppliedIdentity
            {
                Hostname = hostname,
                ResetMachineId = identity.ResetMachineId,
                ResetSshHostKeys = identity.ResetSshHostKeys,
                Operations = operations,
                SshHostKeys = keys.Select(k => k.PublicKey).ToList(),
            };
        }
        catch (HostToolException e)
        {
            throw new ProviderException(
                ErrorKind.FailedPrecondition,
                $"Clone '{cloneName}': applying 'identity' failed: {e.Message}",
                e
            );
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
