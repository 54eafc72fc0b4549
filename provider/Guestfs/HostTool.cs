using System.Diagnostics;

namespace PulumiLibvirt.Guestfs;

/// <summary>A command-line tool on this machine, run with its output read line by line.</summary>
public static class HostTool
{
    /// <summary>The tool's full path on PATH, or null when it is not installed.</summary>
    public static string? Find(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(folder => Path.Combine(folder, name))
            .FirstOrDefault(File.Exists);

    /// <summary>
    /// Runs the tool to the end, passing each line it prints to <paramref name="onLine"/>; stops it when
    /// <paramref name="cancellation"/> fires. A non-zero exit throws, with the tool's last lines. With
    /// <paramref name="input"/>, the tool's standard input is written by it (and closed by it), else it is empty.
    /// </summary>
    public static async Task RunAsync(
        string path,
        IEnumerable<string> args,
        IReadOnlyDictionary<string, string> environment,
        Func<string, Task> onLine,
        CancellationToken cancellation,
        Func<Stream, Task>? input = null
    )
    {
        var start = new ProcessStartInfo(path)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        foreach (var arg in args)
            start.ArgumentList.Add(arg);
        foreach (var (key, value) in environment)
            start.Environment[key] = value;
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{path} did not start");
        var tail = new Queue<string>();
        async Task Read(StreamReader reader)
        {
            while (await reader.ReadLineAsync(CancellationToken.None) is { } line)
            {
                lock (tail)
                {
                    tail.Enqueue(line);
                    if (tail.Count > 20)
                        tail.Dequeue();
                }
                await onLine(line);
            }
        }
        var reading = Task.WhenAll(Read(process.StandardOutput), Read(process.StandardError));
        if (input is null)
            process.StandardInput.Close();
        else
        {
            try
            {
                await input(process.StandardInput.BaseStream);
            }
            catch (IOException)
            {
                // The tool stopped reading (it failed early): its exit code and last lines say why.
            }
        }
        try
        {
            await process.WaitForExitAsync(cancellation);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        await reading;
        if (process.ExitCode != 0)
            throw new HostToolException(
                $"{Path.GetFileName(path)} exited with {process.ExitCode}: {string.Join(" | ", tail)}"
            );
    }
}

/// <summary>A host tool that failed, with what it said last.</summary>
public sealed class HostToolException(string message) : Exception(message);
