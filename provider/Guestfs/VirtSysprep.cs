namespace PulumiLibvirt.Guestfs;

/// <summary>A disk image virt-sysprep works on, and its format (never guessed: a raw image could pose as qcow2).</summary>
public sealed record SysprepDisk(string Path, string Format);

/// <summary>What virt-sysprep does to a guest's disks: its operations, a hostname, files put in place.</summary>
public sealed record SysprepPlan(IReadOnlyList<string> Operations, string? Hostname, IReadOnlyList<SshHostKey> HostKeys);

/// <summary>libguestfs's virt-sysprep: resets and customises a guest offline, on its disk images.</summary>
public static class VirtSysprep
{
    public const string Tool = "virt-sysprep";
    private static readonly SemaphoreSlim ListingGate = new(1, 1);
    private static IReadOnlySet<string>? _operations;

    public static string? Path => HostTool.Find(Tool);

    /// <summary>The operation names this virt-sysprep knows (virt-sysprep --list-operations), read once.</summary>
    public static async Task<IReadOnlySet<string>> OperationsAsync(CancellationToken cancellation)
    {
        await ListingGate.WaitAsync(cancellation);
        try
        {
            if (_operations is not null) return _operations;
            var names = new HashSet<string>();
            await HostTool.RunAsync(Path ?? throw new HostToolException($"{Tool} is not installed"), ["--list-operations"],
                new Dictionary<string, string>(), line =>
                {
                    if (line.Split(' ', StringSplitOptions.RemoveEmptyEntries) is [var name, ..]) names.Add(name);
                    return Task.CompletedTask;
                }, cancellation);
            return _operations = names;
        }
        finally
        {
            ListingGate.Release();
        }
    }

    /// <summary>
    /// Applies <paramref name="plan"/> to the disks of one guest, passing virt-sysprep's progress lines on. New host
    /// keys are uploaded after the old ones are removed (customize runs last), private keys readable by root only.
    /// </summary>
    public static Task RunAsync(IReadOnlyList<SysprepDisk> disks, SysprepPlan plan, string backendSettings,
        Func<string, Task> progress, CancellationToken cancellation)
    {
        var args = new List<string>();
        foreach (var disk in disks) args.AddRange(["--format", disk.Format, "-a", disk.Path]);
        var operations = plan.Operations.ToList();
        if (plan.Hostname is not null || plan.HostKeys.Count > 0) operations.Add("customize");
        args.AddRange(["--operations", string.Join(",", operations)]);
        if (plan.Hostname is not null) args.AddRange(["--hostname", plan.Hostname]);
        if (plan.HostKeys.Count > 0) args.AddRange(["--mkdir", "/etc/ssh"]);
        foreach (var key in plan.HostKeys)
        {
            var target = $"/etc/ssh/{System.IO.Path.GetFileName(key.PrivateKeyFile)}";
            args.AddRange(["--upload", $"{key.PrivateKeyFile}:{target}", "--chmod", $"0600:{target}"]);
            args.AddRange(["--upload", $"{key.PublicKeyFile}:{target}.pub", "--chmod", $"0644:{target}.pub"]);
        }
        var environment = new Dictionary<string, string>
        {
            ["LIBGUESTFS_BACKEND"] = "direct",
            ["LIBGUESTFS_BACKEND_SETTINGS"] = backendSettings,
        };
        return HostTool.RunAsync(Path ?? throw new HostToolException($"{Tool} is not installed"), args, environment, progress, cancellation);
    }
}
