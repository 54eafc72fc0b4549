using System.Diagnostics;
using PulumiLibvirt.Libvirt;

namespace PulumiLibvirt.Tests.Support;

/// <summary>
/// The host's libvirtd (qemu:///system), for fault injection: killed, frozen, and always brought back. Every test that
/// uses it calls <see cref="Restore"/> in a finally block, so libvirtd is never left stopped or frozen.
/// </summary>
public static class Libvirtd
{
    // A killed daemon stays a zombie until init reaps it, which can take seconds here: it counts as gone.
    private static int? Pid(string name) =>
        Command.Try("pgrep", null, "-x", name) is (0, var stdout, _)
            ? stdout
                .Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Select(p => int.Parse(p, System.Globalization.CultureInfo.InvariantCulture))
                .Where(p => !IsGone(p))
                .Cast<int?>()
                .FirstOrDefault()
            : null;

    private static bool IsGone(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..].StartsWith('Z');
        }
        catch (IOException)
        {
            return true;
        }
    }

    /// <summary>Kills libvirtd (SIGKILL: no chance to tidy up) and waits until it is gone.</summary>
    public static void Kill()
    {
        if (Pid("libvirtd") is not { } pid)
            return;
        Command.Run("kill", "-KILL", pid.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var deadline = Stopwatch.StartNew();
        while (!IsGone(pid) && deadline.Elapsed < TimeSpan.FromSeconds(10))
            Thread.Sleep(20);
    }

    /// <summary>Starts libvirtd (and virtlogd, if gone) and waits until it answers.</summary>
    public static void Start()
    {
        var waited = Stopwatch.StartNew();
        while (true)
        {
            if (Pid("virtlogd") is null)
                Command.Try("/usr/sbin/virtlogd", null, "-d");
            // A child the killed daemon had just forked may hold its pidfile's lock for a moment: starting is retried.
            if (Pid("libvirtd") is null)
                Command.Try("/usr/sbin/libvirtd", null, "-d");
            try
            {
                using var _ = Connection.Open(TestPool.Uri);
                return;
            }
            catch (LibvirtException) when (waited.Elapsed < TimeSpan.FromSeconds(60))
            {
                Thread.Sleep(200);
            }
        }
    }

    /// <summary>Freezes libvirtd (SIGSTOP): its socket stays open, and nothing answers.</summary>
    public static void Freeze() => Signal("STOP");

    public static void Thaw() => Signal("CONT");

    /// <summary>
    /// Brings libvirtd back, whatever state a test left it in: thawed, and started if it is not running.
    /// </summary>
    public static void Restore()
    {
        Thaw();
        Start();
    }

    private static void Signal(string signal)
    {
        if (Pid("libvirtd") is { } pid)
            Command.Run("kill", $"-{signal}", pid.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }
}
