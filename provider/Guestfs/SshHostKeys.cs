namespace PulumiLibvirt.Guestfs;

/// <summary>A new SSH host key pair for a guest: the files for /etc/ssh and the public line for known_hosts.</summary>
public sealed record SshHostKey(string Type, string PrivateKeyFile, string PublicKeyFile, string PublicKey);

public static class SshHostKeys
{
    /// <summary>The key types made for every guest: what OpenSSH's own first boot makes.</summary>
    public static readonly IReadOnlyList<string> Types = ["ecdsa", "ed25519", "rsa"];

    /// <summary>Makes one key pair of each type in <paramref name="folder"/>, named as sshd expects them.</summary>
    public static async Task<IReadOnlyList<SshHostKey>> GenerateAsync(
        string folder,
        string comment,
        CancellationToken cancellation
    )
    {
        var keygen = HostTool.Find("ssh-keygen")
            ?? throw new HostToolException(
                "ssh-keygen is not installed on the provider's machine (apt-get install openssh-client); it makes "
                    + "the clone's SSH host keys."
            );
        var keys = new List<SshHostKey>();
        foreach (var type in Types)
        {
            var file = Path.Combine(folder, $"ssh_host_{type}_key");
            await HostTool.RunAsync(
                keygen,
                ["-q", "-t", type, "-N", "", "-C", comment, "-f", file],
                new Dictionary<string, string>(),
                _ => Task.CompletedTask,
                cancellation
            );
            var publicKey = (await File.ReadAllTextAsync(file + ".pub", cancellation)).Trim();
            keys.Add(new SshHostKey(type, file, file + ".pub", publicKey));
        }
        return keys;
    }
}
