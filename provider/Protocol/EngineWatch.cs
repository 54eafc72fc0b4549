using System.Globalization;
using System.Net.Sockets;

namespace PulumiLibvirt.Protocol;

/// <summary>
/// Notices that the engine that started the plugin is gone, so that the plugin does not outlive it: its parent process
/// died (the plugin is handed to another parent, so the parent's id changes), or the engine's address, which answered
/// before, refuses connections. An address that never answered is not the engine's (a test, an attach-mode start).
/// </summary>
public static class EngineWatch
{
    /// <summary>How often the parent is looked at.</summary>
    public static readonly TimeSpan ParentInterval = TimeSpan.FromSeconds(1);

    /// <summary>How often the engine's address is tried.</summary>
    public static readonly TimeSpan AddressInterval = TimeSpan.FromSeconds(5);

    /// <summary>Completes, with the reason, once the engine is gone.</summary>
    public static async Task<string> GoneAsync(string? engineAddress, CancellationToken cancellation)
    {
        var parent = ParentId();
        var answered = false;
        var nextTry = DateTime.UtcNow;
        while (true)
        {
            await Task.Delay(ParentInterval, cancellation);
            if (ParentId() != parent)
                return $"its parent process ({parent}) exited";
            if (engineAddress is null || DateTime.UtcNow < nextTry)
                continue;
            nextTry = DateTime.UtcNow + AddressInterval;
            if (await AnswersAsync(engineAddress, cancellation))
                answered = true;
            else if (answered)
                return $"the engine at {engineAddress} stopped answering";
        }
    }

    // The fourth field of /proc/self/stat, after the command name in parentheses (which may hold spaces).
    private static int ParentId()
    {
        var stat = File.ReadAllText("/proc/self/stat");
        return int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1], CultureInfo.InvariantCulture);
    }

    private static async Task<bool> AnswersAsync(string address, CancellationToken cancellation)
    {
        var colon = address.LastIndexOf(':');
        if (
            colon < 0
            || !int.TryParse(address[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port)
        )
            return true;
        using var client = new TcpClient();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        timeout.CancelAfter(TimeSpan.FromSeconds(2));
        try
        {
            await client.ConnectAsync(address[..colon], port, timeout.Token);
            return true;
        }
        catch (Exception e)
            when (e is SocketException or OperationCanceledException && !cancellation.IsCancellationRequested)
        {
            return false;
        }
    }
}
