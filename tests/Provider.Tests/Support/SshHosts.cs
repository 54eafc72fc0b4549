using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using PulumiLibvirt.Libvirt;

namespace PulumiLibvirt.Tests.Support;

/// <summary>
/// Two libvirt hosts reached through real SSH servers (Debian's sshd), made for the run and removed after it: the
/// machine's own libvirtd behind an sshd on 127.0.0.1, and a second, independent libvirtd in a mount namespace of
/// its own (private /etc/libvirt, /var/lib/libvirt, /var/cache/libvirt, /var/log/libvirt and /run/libvirt) with its
/// own sshd, which alone sees that namespace's sockets. The second libvirtd also has a network namespace of its own:
/// its bridges, dnsmasq and firewall rules are apart from the machine's, as a second host's are (two daemons on one
/// network stack both pick the first free virbrN, and the one that starts its network second fails). Each sshd has
/// its own host key, config and authorized_keys; the client key and the known_hosts file are the run's. Nothing of
/// the machine's SSH configuration is read or changed.
/// The second host has no virt-sysprep (it is hidden in its namespace), as a host without libguestfs would have.
/// </summary>
public sealed class SshHosts : IDisposable
{
    private readonly string _folder;
    private readonly Process _systemSshd;
    private readonly Process _secondHost;
    private readonly Process _passwordSshd;
    private readonly string _sshCommand;

    public SshHosts()
    {
        _folder = Directory.CreateTempSubdirectory($"{TestPool.RunPrefix}-ssh-").FullName;
        KeyFile = Path.Combine(_folder, "id_ed25519");
        KnownHosts = Path.Combine(_folder, "known_hosts");
        Command.Run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "pulumi-libvirt-tests", "-f", KeyFile);
        File.Copy(KeyFile + ".pub", Path.Combine(_folder, "authorized_keys"));
        _sshCommand = Path.Combine(_folder, "ssh");
        File.WriteAllText(_sshCommand, new SshTarget("127.0.0.1", null, null, null, KnownHosts).CommandScript());
        Command.Run("chmod", "+x", _sshCommand);
        // sshd's privilege separation needs its empty folder, which Debian's init scripts would make.
        Directory.CreateDirectory("/run/sshd");

        SystemPort = FreePort();
        _systemSshd = StartSshd("system", SystemPort, namespaceScript: null);
        SecondPort = FreePort();
        _secondHost = StartSshd("second", SecondPort, SecondHostScript());
        PasswordPort = FreePort();
        _passwordSshd = StartSshd(
            "password",
            PasswordPort,
            namespaceScript: null,
            """
            PermitRootLogin yes
            PasswordAuthentication yes
            KbdInteractiveAuthentication yes
            """
        );
        try
        {
            WaitForLibvirt(SystemUri);
            WaitForLibvirt(SecondUri);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>The run's client key, which both hosts let in as root.</summary>
    public string KeyFile { get; }

    /// <summary>The run's known_hosts, with both hosts' keys.</summary>
    public string KnownHosts { get; }

    /// <summary>Where this machine sees the second host's private folders (lib is its /var/lib/libvirt).</summary>
    public string SecondRoot => Path.Combine(_folder, "second");

    public int SystemPort { get; }
    public int SecondPort { get; }

    /// <summary>
    /// An sshd before this machine's libvirtd that offers password logins (for root too), as many hosts do.
    /// </summary>
    public int PasswordPort { get; }

    /// <summary>qemu:///system of this machine, through SSH.</summary>
    public string SystemUri => UriFor(SystemPort);

    /// <summary>The second libvirtd's qemu:///system, through its SSH server.</summary>
    public string SecondUri => UriFor(SecondPort);

    /// <summary>
    /// <see cref="SecondUri"/> for virsh: libvirt's ssh transport ignores known_hosts=, so ssh gets the run's
    /// known_hosts through a command of the run's, as the provider does it.
    /// </summary>
    public string SecondVirshUri => SshTarget.ForLibvirt(SecondUri, _sshCommand);

    public string UriFor(int port, string? knownHosts = null, string? keyFile = null) =>
        $"qemu+ssh://root@127.0.0.1:{port}/system?keyfile={keyFile ?? KeyFile}&known_hosts={knownHosts ?? KnownHosts}";

    /// <summary>
    /// An sshd on 127.0.0.1:<paramref name="port"/>, in a new mount namespace set up by
    /// <paramref name="namespaceScript"/>
    /// when given; <paramref name="settings"/> come first, so they win over the defaults (sshd takes a keyword's first
    /// value).
    /// </summary>
    private Process StartSshd(string name, int port, string? namespaceScript, string settings = "")
    {
        var hostKey = Path.Combine(_folder, $"{name}_host_ed25519_key");
        Command.Run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", hostKey);
        File.AppendAllText(KnownHosts, $"[127.0.0.1]:{port} {File.ReadAllText(hostKey + ".pub").Trim()}\n");
        var config = Path.Combine(_folder, $"{name}_sshd_config");
        // Keys only, root allowed with a key, no PAM (no system accounts' policies), and the run's files wherever they
        // are.
        File.WriteAllText(
            config,
            $"""
            {settings}
            ListenAddress 127.0.0.1
            Port {port}
            HostKey {hostKey}
            AuthorizedKeysFile {Path.Combine(_folder, "authorized_keys")}
            StrictModes no
            PermitRootLogin prohibit-password
            PasswordAuthentication no
            KbdInteractiveAuthentication no
            UsePAM no
            PidFile none
            LogLevel VERBOSE

            """
        );
        var sshd = $"exec /usr/sbin/sshd -D -e -f {config}";
        var start = namespaceScript is null
            ? new ProcessStartInfo("/bin/sh", ["-c", sshd])
            : new ProcessStartInfo(
                "unshare",
                ["--mount", "--propagation", "private", "--fork", "--", "/bin/sh", "-c", namespaceScript + "\n" + sshd]
            );
        start.RedirectStandardError = true;
        start.RedirectStandardOutput = true;
        var process = Process.Start(start)!;
        var log = Path.Combine(_folder, $"{name}.log");
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
                lock (process)
                    File.AppendAllText(log, e.Data + "\n");
        };
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null)
                lock (process)
                    File.AppendAllText(log, e.Data + "\n");
        };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        return process;
    }

    /// <summary>
    /// What the second host's namespace runs before its sshd: private libvirt folders, then virtlogd, and libvirtd in
    /// a network namespace of its own (sshd stays in the machine's to be reached; libvirt's socket is a path, which
    /// crosses network namespaces).
    /// </summary>
    private string SecondHostScript()
    {
        // Only the daemon's own configuration is copied, not the machine's pools, networks and domains.
        return $"""
            set -e
            R={SecondRoot}
            mkdir -p $R/etc $R/lib $R/cache $R/log $R/run
            cp -a /etc/libvirt/. $R/etc/
            rm -rf $R/etc/qemu/*.xml $R/etc/qemu/autostart $R/etc/qemu/networks/*.xml \
              $R/etc/qemu/networks/autostart $R/etc/storage
            mount --bind $R/etc /etc/libvirt
            mount --bind $R/lib /var/lib/libvirt
            mount --bind $R/cache /var/cache/libvirt
            mount --bind $R/log /var/log/libvirt
            mount --bind $R/run /run/libvirt
            if [ -e /usr/bin/virt-sysprep ]; then mount --bind /dev/null /usr/bin/virt-sysprep; fi
            /usr/sbin/virtlogd -d -p $R/virtlogd.pid
            unshare --net -- /bin/sh -c "ip link set lo up && exec /usr/sbin/libvirtd -d -p $R/libvirtd.pid"
            """;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private void WaitForLibvirt(string uri)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            try
            {
                using var connection = Connection.Open(uri);
                return;
            }
            catch (LibvirtException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(300);
            }
            catch (LibvirtException e)
            {
                throw new InvalidOperationException(
                    $"{uri} did not answer: {e.Message}; logs: "
                        + $"{string.Join(" | ", Directory.GetFiles(_folder, "*.log").Select(File.ReadAllText))}",
                    e
                );
            }
        }
    }

    public void Dispose()
    {
        try
        {
            // Everything on the second daemon is the run's: stop its guests and networks (their qemu and dnsmasq
            // processes would outlive the daemon) before it goes.
            foreach (
                var name in Command
                    .Run("virsh", "-c", SecondVirshUri, "list", "--name")
                    .Split('\n', StringSplitOptions.RemoveEmptyEntries)
            )
                Command.Try("virsh", null, "-c", SecondVirshUri, "destroy", name);
            foreach (
                var name in Command
                    .Run("virsh", "-c", SecondVirshUri, "net-list", "--name")
                    .Split('\n', StringSplitOptions.RemoveEmptyEntries)
            )
                Command.Try("virsh", null, "-c", SecondVirshUri, "net-destroy", name);
            foreach (
                var name in Command
                    .Run("virsh", "-c", SecondVirshUri, "pool-list", "--name")
                    .Split('\n', StringSplitOptions.RemoveEmptyEntries)
            )
                Command.Try("virsh", null, "-c", SecondVirshUri, "pool-destroy", name);
        }
        catch (InvalidOperationException)
        {
            // The daemon did not come up: there is nothing of it to stop.
        }
        foreach (var daemon in new[] { "libvirtd", "virtlogd" })
        {
            var pidFile = Path.Combine(SecondRoot, $"{daemon}.pid");
            if (File.Exists(pidFile) && int.TryParse(File.ReadAllText(pidFile).Trim(), out var pid))
            {
                try
                {
                    using var process = Process.GetProcessById(pid);
                    process.Kill();
                    process.WaitForExit(10_000);
                }
                catch (ArgumentException)
                {
                    // Gone already.
                }
            }
        }
        foreach (var sshd in new[] { _systemSshd, _secondHost, _passwordSshd })
        {
            if (!sshd.HasExited)
                sshd.Kill(entireProcessTree: true);
            sshd.WaitForExit();
            sshd.Dispose();
        }
        Directory.Delete(_folder, recursive: true);
    }
}

/// <summary>
/// The test classes that reach libvirt over SSH share one pair of hosts (their sshd and the second libvirtd start
/// once).
/// </summary>
[CollectionDefinition(Name)]
public sealed class OverSsh : ICollectionFixture<SshHosts>
{
    public const string Name = "SSH hosts";
}
