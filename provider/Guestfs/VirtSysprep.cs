using System.Formats.Tar;
using PulumiLibvirt.Libvirt;

namespace PulumiLibvirt.Guestfs;

/// <summary>
/// A disk image virt-sysprep works on, and its format (never guessed: a raw image could pose as qcow2).
/// </summary>
public sealed record SysprepDisk(string Path, string Format);

/// <summary>What virt-sysprep does to a guest's disks: its operations, a hostname, files put in place.</summary>
public sealed record SysprepPlan(
    IReadOnlyList<string> Operations,
    string? Hostname,
    IReadOnlyList<SshHostKey> HostKeys
);

/// <summary>
/// libguestfs's virt-sysprep: resets and customises a guest offline, on its disk images. It runs where the disks are:
/// on this machine, or on the libvirt host through the connection's SSH target (the same user, port, key and
/// known_hosts as libvirt's own ssh), where it must be installed.
/// </summary>
public static class VirtSysprep
{
    public const string Tool = "virt-sysprep";
    private static readonly SemaphoreSlim ListingGate = new(1, 1);
    private static readonly Dictionary<string, IReadOnlySet<string>> Operations = new(StringComparer.Ordinal);

    public static string? Path => HostTool.Find(Tool);

    /// <summary>
    /// The operation names the virt-sysprep of <paramref name="host"/> (this machine when null) knows
    /// (virt-sysprep --list-operations), read once per host. Throws when it cannot run there.
    /// </summary>
    public static async Task<IReadOnlySet<string>> OperationsAsync(SshTarget? host, CancellationToken cancellation)
    {
        await ListingGate.WaitAsync(cancellation);
        try
        {
            var key = host?.ToString() ?? "";
            if (Operations.TryGetValue(key, out var known))
                return known;
            var names = new HashSet<string>();
            await RunAsync(
                host,
                [Tool, "--list-operations"],
                new Dictionary<string, string>(),
                keys: [],
                line =>
                {
                    if (line.Split(' ', StringSplitOptions.RemoveEmptyEntries) is [var name, ..])
                        names.Add(name);
                    return Task.CompletedTask;
                },
                cancellation
            );
            return Operations[key] = names;
        }
        finally
        {
            ListingGate.Release();
        }
    }

    /// <summary>
    /// Applies <paramref name="plan"/> to the disks of one guest on <paramref name="host"/> (this machine when null),
    /// passing virt-sysprep's progress lines on. New host keys are uploaded after the old ones are removed (customize
    /// runs last), private keys readable by root only.
    /// </summary>
    public static Task RunAsync(
        IReadOnlyList<SysprepDisk> disks,
        SysprepPlan plan,
        string backendSettings,
        SshTarget? host,
        Func<string, Task> progress,
        CancellationToken cancellation
    )
    {
        var args = new List<string> { Tool };
        foreach (var disk in disks)
            args.AddRange(["--format", disk.Format, "-a", disk.Path]);
        var operations = plan.Operations.ToList();
        if (plan.Hostname is not null || plan.HostKeys.Count > 0)
            operations.Add("customize");
        args.AddRange(["--operations", string.Join(",", operations)]);
        if (plan.Hostname is not null)
            args.AddRange(["--hostname", plan.Hostname]);
        if (plan.HostKeys.Count > 0)
            args.AddRange(["--mkdir", "/etc/ssh"]);
        foreach (var key in plan.HostKeys)
        {
            var target = $"/etc/ssh/{System.IO.Path.GetFileName(key.PrivateKeyFile)}";
            // On a remote host the key files arrive in the folder virt-sysprep runs in.
            string From(string file) => host is null ? file : System.IO.Path.GetFileName(file);
            args.AddRange(["--upload", $"{From(key.PrivateKeyFile)}:{target}", "--chmod", $"0600:{target}"]);
            args.AddRange(["--upload", $"{From(key.PublicKeyFile)}:{target}.pub", "--chmod", $"0644:{target}.pub"]);
        }
        var environment = new Dictionary<string, string>
        {
            ["LIBGUESTFS_BACKEND"] = "direct",
            ["LIBGUESTFS_BACKEND_SETTINGS"] = backendSettings,
        };
        return RunAsync(
            host,
            args,
            environment,
            plan.HostKeys.SelectMany(k => new[] { k.PrivateKeyFile, k.PublicKeyFile }).ToList(),
            progress,
            cancellation
        );
    }

    /// <summary>
    /// Runs a command here, or on <paramref name="host"/> through ssh: there in a new private folder that receives
    /// <paramref name="keys"/> (as a tar stream on ssh's input, so that no private key appears on a command line) and
    /// is removed when the command ends.
    /// </summary>
    private static Task RunAsync(
        SshTarget? host,
        IReadOnlyList<string> command,
        IReadOnlyDictionary<string, string> environment,
        IReadOnlyList<string> keys,
        Func<string, Task> onLine,
        CancellationToken cancellation
    )
    {
        if (host is null)
            return HostTool.RunAsync(
                Path ?? throw new HostToolException($"{Tool} is not installed on this machine"),
                command.Skip(1),
                environment,
                onLine,
                cancellation
            );
        var ssh = HostTool.Find("ssh")
            ?? throw new HostToolException(
                "ssh is not installed on the provider's machine (apt-get install openssh-client); it runs "
                    + "virt-sysprep on the libvirt host."
            );
        var run = string.Join(
            ' ',
            environment
                .Select(e => SshTarget.Quote($"{e.Key}={e.Value}"))
                .Prepend("env")
                .Concat(command.Select(SshTarget.Quote))
        );
        var script =
            keys.Count == 0 ? run : $"set -e; d=$(mktemp -d); trap 'rm -rf \"$d\"' EXIT; cd \"$d\"; tar -x; {run}";
        return HostTool.RunAsync(
            ssh,
            host.Arguments(script),
            new Dictionary<string, string>(),
            onLine,
            cancellation,
            keys.Count == 0 ? null : input => WriteTarAsync(input, keys, cancellation)
        );
    }

    private static async Task WriteTarAsync(Stream input, IReadOnlyList<string> files, CancellationToken cancellation)
    {
        await using (var tar = new TarWriter(input, TarEntryFormat.Pax, leaveOpen: true))
        {
            foreach (var file in files)
                await tar.WriteEntryAsync(file, System.IO.Path.GetFileName(file), cancellation);
        }
        input.Close();
    }
}
