using System.Diagnostics;

namespace PulumiLibvirt.Tests.Support;

/// <summary>
/// Runs host commands (qemu-img, qemu-io, virsh…): <see cref="Run"/> returns stdout, and a non-zero exit fails the
/// test.
/// </summary>
public static class Command
{
    public static string Run(string file, params string[] args)
    {
        var (exitCode, stdout, stderr) = Try(file, null, args);
        if (exitCode != 0)
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} exited {exitCode}: {stderr}");
        return stdout;
    }

    /// <summary>Whether a command exits 0.</summary>
    public static bool Succeeds(string file, params string[] args) => Try(file, null, args).ExitCode == 0;

    /// <summary>Runs a command to its end, with <paramref name="environment"/> added to this process's.</summary>
    public static (int ExitCode, string Stdout, string Stderr) Try(
        string file,
        IReadOnlyDictionary<string, string>? environment,
        params string[] args
    )
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
            start.ArgumentList.Add(arg);
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
            start.Environment[name] = value;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        return (process.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>Writes a byte pattern into a disk image through qemu-io (works for raw and qcow2 alike).</summary>
    public static void WritePattern(string path, string format, byte pattern, long offset, long length) =>
        Run("qemu-io", "-f", format, "-c", $"write -P 0x{pattern:x2} {offset} {length}", path);

    /// <summary>True when the image holds the pattern at that place (qemu-io reports a mismatch otherwise).</summary>
    public static bool HasPattern(string path, string format, byte pattern, long offset, long length) =>
        !Run("qemu-io", "-f", format, "-c", $"read -P 0x{pattern:x2} {offset} {length}", path)
            .Contains("Pattern verification failed");
}
