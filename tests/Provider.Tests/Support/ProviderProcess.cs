using System.Diagnostics;
using System.Text;
using Grpc.Net.Client;
using PulumiLibvirt.Protocol;
using Rpc = Pulumirpc;

namespace PulumiLibvirt.Tests.Support;

/// <summary>
/// The built plugin (bin/pulumi-resource-libvirt), started as the Pulumi engine starts it: the engine's address as
/// the positional argument among the engine's usual flags, the port read from the first line of stdout.
/// </summary>
public sealed class ProviderProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _laterStdout = new();
    private readonly GrpcChannel _channel;

    private ProviderProcess(Process process, int port)
    {
        _process = process;
        Port = port;
        _channel = LocalChannel.Open($"127.0.0.1:{port}");
        Client = new Rpc.ResourceProvider.ResourceProviderClient(_channel);
    }

    public int Port { get; }

    /// <summary>The process id, to look at what the plugin holds (/proc).</summary>
    public int ProcessId => _process.Id;

    /// <summary>The plugin's ResourceProvider service, as the engine calls it.</summary>
    public Rpc.ResourceProvider.ResourceProviderClient Client { get; }

    /// <summary>Whatever the plugin wrote to stdout after the port line (it must be nothing).</summary>
    public string LaterStdout
    {
        get
        {
            lock (_laterStdout)
                return _laterStdout.ToString();
        }
    }

    /// <param name="environment">Variables set for the plugin: a PATH that finds other tools (or none), a
    /// proxy…</param>
    /// <param name="workingDirectory">Where it runs: the engine runs it in the Pulumi project's folder.</param>
    /// <param name="launcher">A command that execs the plugin, given as its last arguments (unshare … sh -c '… exec
    /// "$0" "$@"').</param>
    /// <param name="binary">Another build of the plugin (the bench compares start-up with an earlier commit's).</param>
    public static async Task<ProviderProcess> StartAsync(
        string engineAddress,
        IReadOnlyDictionary<string, string>? environment = null,
        string? workingDirectory = null,
        IReadOnlyList<string>? launcher = null,
        string? binary = null
    )
    {
        binary ??= Repository.File("bin", "pulumi-resource-libvirt");
        if (!File.Exists(binary))
            throw new InvalidOperationException($"{binary} is missing: run `make build` first (make test does).");
        var start = launcher is null
            ? new ProcessStartInfo(binary)
            : new ProcessStartInfo(launcher[0], [.. launcher.Skip(1), binary]);
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        if (workingDirectory is not null)
            start.WorkingDirectory = workingDirectory;
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
            start.Environment[name] = value;
        foreach (var arg in new[] { "--logtostderr", "-v=9", "--tracing", "127.0.0.1:1", engineAddress })
            start.ArgumentList.Add(arg);
        var process = Process.Start(start)!;
        var stderr = new StringBuilder();
        process.ErrorDataReceived += (_, e) =>
        {
            lock (stderr)
                stderr.AppendLine(e.Data);
        };
        process.BeginErrorReadLine();
        var firstLine = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30));
        if (!int.TryParse(firstLine, out var port))
            throw new InvalidOperationException(
                $"the plugin's first stdout line is '{firstLine}', not a port; stderr: {stderr}"
            );
        var provider = new ProviderProcess(process, port);
        _ = provider.CollectStdoutAsync();
        return provider;
    }

    private async Task CollectStdoutAsync()
    {
        while (await _process.StandardOutput.ReadLineAsync() is { } line)
        {
            lock (_laterStdout)
                _laterStdout.AppendLine(line);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _channel.Dispose();
        if (!_process.HasExited)
            _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        _process.Dispose();
    }
}
