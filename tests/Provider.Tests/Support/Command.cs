using System.Diagnostics;

namespace PulumiLibvirt.Tests.Support;

/// <summary>Runs a host command (qemu-img, qemu-io…) and returns its stdout; a non-zero exit fails the test.</summary>
public static class Command
{
    public static string Run(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} exited {process.ExitCode}: {stderr.Result}");
        return stdout.Result;
    }

    /// <summary>Writes a byte pattern into a disk image through qemu-io (works for raw and qcow2 alike).</summary>
    public static void WritePattern(string path, string format, byte pattern, long offset, long length) =>
        Run("qemu-io", "-f", format, "-c", $"write -P 0x{pattern:x2} {offset} {length}", path);

    /// <summary>True when the image holds the pattern at that place (qemu-io reports a mismatch otherwise).</summary>
    public static bool HasPattern(string path, string format, byte pattern, long offset, long length) =>
        !Run("qemu-io", "-f", format, "-c", $"read -P 0x{pattern:x2} {offset} {length}", path).Contains("Pattern verification failed");
}
