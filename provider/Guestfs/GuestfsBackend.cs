using System.Diagnostics;

namespace PulumiLibvirt.Guestfs;

/// <summary>
/// How libguestfs should run its appliance on this machine (LIBGUESTFS_BACKEND_SETTINGS). libguestfs uses KVM
/// whenever /dev/kvm opens; where KVM is there but guests hang (nested virtualisation that does not work), its
/// appliance would hang too, so the kernel is booted once under KVM to see whether it gets anywhere.
/// </summary>
public static class GuestfsBackend
{
    public const string ForceTcg = "force_tcg";
    private static readonly TimeSpan ProbeTime = TimeSpan.FromSeconds(10);
    private static readonly Lazy<Task<string>> Detected = new(DetectAsync);

    /// <summary>
    /// The settings to use: LIBGUESTFS_BACKEND_SETTINGS when set, else what works here (found once per process).
    /// </summary>
    public static Task<string> DefaultAsync() =>
        Environment.GetEnvironmentVariable("LIBGUESTFS_BACKEND_SETTINGS") is { } set
            ? Task.FromResult(set)
            : Detected.Value;

    private static async Task<string> DetectAsync()
    {
        var qemu = HostTool.Find("qemu-system-x86_64");
        var kernel = Directory.Exists("/boot")
            ? Directory.GetFiles("/boot", "vmlinuz-*").Order(StringComparer.Ordinal).LastOrDefault()
            : null;
        if (qemu is null || kernel is null || !KvmOpens())
            return ForceTcg;
        var serial = Path.GetTempFileName();
        try
        {
            var start = new ProcessStartInfo(qemu) { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (
                var arg in new[]
                {
                    "-accel",
                    "kvm",
                    "-M",
                    "pc",
                    "-m",
                    "128",
                    "-nodefaults",
                    "-display",
                    "none",
                    "-no-reboot",
                    "-kernel",
                    kernel,
                    "-append",
                    "console=ttyS0 panic=-1",
                    "-serial",
                    $"file:{serial}",
                }
            )
                start.ArgumentList.Add(arg);
            using var probe = Process.Start(start)!;
            var deadline = DateTime.UtcNow + ProbeTime;
            // A kernel that runs prints its banner within a second; under KVM that hangs it prints nothing.
            while (DateTime.UtcNow < deadline && !probe.HasExited && new FileInfo(serial).Length == 0)
                await Task.Delay(100);
            var booted = new FileInfo(serial).Length > 0;
            if (!probe.HasExited)
                probe.Kill();
            return booted ? "" : ForceTcg;
        }
        finally
        {
            File.Delete(serial);
        }
    }

    private static bool KvmOpens()
    {
        try
        {
            using var kvm = File.Open("/dev/kvm", FileMode.Open, FileAccess.ReadWrite);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
