using System.Globalization;
using System.Text;

namespace PulumiLibvirt.Libvirt;

/// <summary>
/// The SSH side of a <c>qemu+ssh://</c> URI: the host, and the user, port, key and known_hosts file the URI names
/// (what it leaves out, OpenSSH takes from ~/.ssh/config). libvirt runs the <c>ssh</c> client for such a URI, and the
/// provider runs it the same way for what must happen on the host itself (virt-sysprep).
/// </summary>
public sealed record SshTarget(string Host, string? User, int? Port, string? KeyFile, string? KnownHosts)
{
    /// <summary>
    /// The target of a URI whose transport is libvirt's <c>ssh</c> (OpenSSH's client), or null for any other URI.
    /// </summary>
    public static SshTarget? Of(string uri)
    {
        if (
            !Uri.TryCreate(uri, UriKind.Absolute, out var parsed)
            || !parsed.Scheme.EndsWith("+ssh", StringComparison.Ordinal)
            || parsed.Host.Length == 0
        )
            return null;
        var query = Query(parsed);
        var user = parsed.UserInfo.Length > 0 ? Uri.UnescapeDataString(parsed.UserInfo) : null;
        return new SshTarget(
            parsed.Host,
            user,
            parsed.IsDefaultPort || parsed.Port < 0 ? null : parsed.Port,
            query.GetValueOrDefault("keyfile"),
            query.GetValueOrDefault("known_hosts")
        );
    }

    /// <summary>
    /// The URI as libvirt must get it: with <c>no_tty=1</c> unless the URI says otherwise, so that ssh never asks for a
    /// password or a host key at a terminal (the provider has none to answer from: it would hang), and, when the URI
    /// names a known_hosts file, with <paramref name="sshCommand"/> as libvirt's ssh command: libvirt's ssh transport
    /// reads <c>known_hosts</c> only for its libssh transports and would silently ignore it here.
    /// </summary>
    public static string ForLibvirt(string uri, string? sshCommand)
    {
        var parsed = new Uri(uri);
        var query = Query(parsed);
        var added = new List<string>();
        if (!query.ContainsKey("no_tty"))
            added.Add("no_tty=1");
        if (sshCommand is not null)
            added.Add($"command={Uri.EscapeDataString(sshCommand)}");
        if (added.Count == 0)
            return uri;
        var fragment = uri.IndexOf('#', StringComparison.Ordinal);
        var head = fragment < 0 ? uri : uri[..fragment];
        var separator =
            parsed.Query.Length > 1 ? "&"
            : head.EndsWith('?') ? ""
            : "?";
        return head + separator + string.Join("&", added) + (fragment < 0 ? "" : uri[fragment..]);
    }

    /// <summary>How the URI's host is written for people: user@host:port, as far as the URI says.</summary>
    public string Display =>
        (User is null ? "" : $"{User}@")
        + Host
        + (Port is { } port ? string.Create(CultureInfo.InvariantCulture, $":{port}") : "");

    /// <summary>
    /// The options ssh needs beyond its own configuration: the URI's known_hosts file, and never a prompt.
    /// </summary>
    public IReadOnlyList<string> Options =>
        KnownHosts is null
            ? ["-o", "BatchMode=yes"]
            : ["-o", "BatchMode=yes", "-o", $"UserKnownHostsFile={KnownHosts}"];

    /// <summary>
    /// The arguments of <c>ssh</c> that run <paramref name="command"/> (each word quoted for the remote shell) on the
    /// host.
    /// </summary>
    public IReadOnlyList<string> Arguments(IEnumerable<string> command) =>
        Arguments(string.Join(' ', command.Select(Quote)));

    /// <summary>The arguments of <c>ssh</c> that run the shell text <paramref name="script"/> on the host.</summary>
    public IReadOnlyList<string> Arguments(string script)
    {
        var args = new List<string> { "-T" };
        args.AddRange(Options);
        if (Port is { } port)
            args.AddRange(["-p", port.ToString(CultureInfo.InvariantCulture)]);
        if (User is not null)
            args.AddRange(["-l", User]);
        if (KeyFile is not null)
            args.AddRange(["-i", KeyFile]);
        args.AddRange(["--", Host, script]);
        return args;
    }

    /// <summary>
    /// What the user must do when ssh refused the connection for a reason they can fix (an unknown host key, a login
    /// that needs a password), or null for any other failure.
    /// </summary>
    public string? Explain(string failure)
    {
        var port = Port is { } p ? string.Create(CultureInfo.InvariantCulture, $"-p {p} ") : "";
        if (failure.Contains("Host key verification failed", StringComparison.Ordinal))
        {
            var file = KnownHosts ?? "~/.ssh/known_hosts";
            return $"The SSH host key of {Host} is not in {file} (or differs from the one there), and the provider "
                + "never accepts a host key unseen. "
                + $"Compare `ssh-keyscan {port}{Host}` with the key on the host (ssh-keygen -lf "
                + $"/etc/ssh/ssh_host_ed25519_key.pub there) and add it: `ssh-keyscan {port}{Host} >> {file}`, or "
                + $"log in once with `ssh {port}{Display.Split(':')[0]}` and answer yes.";
        }
        if (failure.Contains("Permission denied", StringComparison.Ordinal))
        {
            return $"SSH refused the login to {Display}: the provider logs in without a prompt (no password, no "
                + "passphrase), so it needs a key the host accepts: "
                + "name it with keyfile=… in the URI, an IdentityFile in ~/.ssh/config or an ssh-agent "
                + "(SSH_AUTH_SOCK), and put its public half on the host (ssh-copy-id).";
        }
        return null;
    }

    /// <summary>A word for a POSIX shell, in single quotes unless it needs none.</summary>
    public static string Quote(string word) =>
        word.Length > 0
        && word.All(c => char.IsAsciiLetterOrDigit(c) || "-_./=:,@%+".Contains(c, StringComparison.Ordinal))
            ? word
            : "'" + word.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    private static Dictionary<string, string> Query(Uri uri)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            var name = Uri.UnescapeDataString(equals < 0 ? pair : pair[..equals]);
            values[name] = equals < 0 ? "" : Uri.UnescapeDataString(pair[(equals + 1)..]);
        }
        return values;
    }

    /// <summary>
    /// A shell script that runs ssh with the URI's known_hosts file, for libvirt's <c>command</c> parameter; null when
    /// the URI names none.
    /// </summary>
    public string? CommandScript() =>
        KnownHosts is null
            ? null
            : new StringBuilder("#!/bin/sh\n")
                .Append("exec ssh -o ")
                .Append(Quote($"UserKnownHostsFile={KnownHosts}"))
                .Append(" \"$@\"\n")
                .ToString();
}
