using System.Security.Cryptography;

namespace PulumiLibvirt.Tests.Support;

/// <summary>
/// SSH into test guests with a key pair of its own (ed25519, made by ssh-keygen in a temporary folder that Dispose
/// removes): give <see cref="PublicKey"/> to the guest, e.g. in cloud-init's ssh_authorized_keys.
/// Host keys are not checked (each clone has new ones); <see cref="HostKeysAsync"/> reads them instead.
/// </summary>
public sealed class GuestSsh : IDisposable
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(2);
    private readonly string _folder = Directory.CreateTempSubdirectory("guest-ssh-").FullName;

    public GuestSsh()
    {
        KeyFile = Path.Combine(_folder, "id_ed25519");
        Command.Run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "pulumi-libvirt-tests", "-f", KeyFile);
        PublicKey = File.ReadAllText(KeyFile + ".pub").Trim();
    }

    public string KeyFile { get; }
    public string PublicKey { get; }

    /// <summary>
    /// Runs <paramref name="command"/> as <paramref name="user"/> and returns its stdout, retrying every 2 s while
    /// ssh fails (guest still booting, user not made yet, command failing) until <paramref name="timeout"/>.
    /// </summary>
    public async Task<string> RunAsync(string user, string ip, string command, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var (exitCode, stdout, stderr) = await Task.Run(() =>
                Command.Try(
                    "ssh",
                    null,
                    "-i",
                    KeyFile,
                    "-o",
                    "StrictHostKeyChecking=no",
                    "-o",
                    "UserKnownHostsFile=/dev/null",
                    "-o",
                    "ConnectTimeout=5",
                    "-o",
                    "BatchMode=yes",
                    "-o",
                    "LogLevel=ERROR",
                    $"{user}@{ip}",
                    command
                )
            );
            if (exitCode == 0)
                return stdout;
            if (DateTime.UtcNow >= deadline)
                throw new TimeoutException(
                    $"ssh {user}@{ip} '{command}' did not succeed within {timeout.TotalSeconds} s; last exit "
                        + $"{exitCode}: {stderr.Trim()}"
                );
            await Task.Delay(RetryDelay);
        }
    }

    /// <summary>
    /// The SHA256 fingerprints ("SHA256:…", as ssh-keygen -l prints them, sorted) of the host keys sshd at
    /// <paramref name="ip"/> offers.
    /// </summary>
    public static async Task<IReadOnlyList<string>> HostKeysAsync(string ip)
    {
        var scan = await Task.Run(() => Command.Run("ssh-keyscan", "-T", "10", ip));
        // Each line: "<host> <key type> <base64 key blob>"; the fingerprint is the blob's SHA-256, unpadded base64.
        var keys = scan.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(line => !line.StartsWith('#'))
            .Select(line =>
                "SHA256:"
                + Convert.ToBase64String(SHA256.HashData(Convert.FromBase64String(line.Split(' ')[2]))).TrimEnd('=')
            )
            .Order(StringComparer.Ordinal)
            .ToList();
        return keys.Count > 0 ? keys : throw new InvalidOperationException($"ssh-keyscan {ip} found no host keys");
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
