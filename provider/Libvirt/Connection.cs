using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Xml.Linq;

namespace PulumiLibvirt.Libvirt;

/// <summary>
/// An open connection to a libvirt host (local or remote; libvirt's own URI handling), and what it tells of the host.
/// Its pools and volumes, domains and networks are in ConnectionStorage.cs, ConnectionDomains.cs and
/// ConnectionNetworks.cs.
/// </summary>
public sealed partial class Connection : IDisposable
{
    private readonly ConnectHandle _handle;

    // What the host offers is read once per connection: a provider lives for one engine command, and these were the
    // dearest calls of every Domain and Clone Check (virsh maxvcpus takes 40 ms here), asked again for each machine of
    // a lab.
    private IReadOnlySet<string>? _guestDomainTypes;
    private readonly ConcurrentDictionary<string, int> _maxVcpus = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DomainCapabilities> _domainCapabilities = new(StringComparer.Ordinal);
    private ulong? _hostMemoryKiB;

    private Connection(ConnectHandle handle, string uri)
    {
        _handle = handle;
        Uri = uri;
    }

    /// <summary>The URI libvirt actually connected to (after its own defaults were applied).</summary>
    public string Uri { get; }

    /// <summary>
    /// Whether libvirt runs on this machine (no host in the URI), so its files are this machine's files.
    /// </summary>
    public bool IsLocal => string.IsNullOrEmpty(new Uri(Uri).Host);

    /// <summary>Seconds between keepalive probes of a silent daemon.</summary>
    public const int KeepAliveInterval = 5;

    /// <summary>
    /// Probes left unanswered before the connection is closed: a frozen or unreachable daemon fails every call on it
    /// after at most <see cref="KeepAliveInterval"/> × (<see cref="KeepAliveCount"/> + 1) seconds.
    /// </summary>
    public const int KeepAliveCount = 3;

    public static Connection Open(string uri)
    {
        LibvirtCall.Initialize();
        EventLoop.EnsureRunning();
        if (SshTarget.Of(uri) is not { } ssh)
            return Opened(LibvirtCall.Check(Native.virConnectOpen(uri)), null);
        // libvirt runs ssh only while it connects: the script that passes the URI's known_hosts file on is needed no
        // longer.
        var folder = ssh.CommandScript() is null ? null : Directory.CreateTempSubdirectory("pulumi-libvirt-ssh-");
        try
        {
            string? command = null;
            if (folder is not null)
            {
                command = Path.Combine(folder.FullName, "ssh");
                File.WriteAllText(command, ssh.CommandScript());
                // libvirt (like the whole provider) runs on Linux only; the analyzer wants that said.
                if (OperatingSystem.IsLinux())
                    File.SetUnixFileMode(command, UnixFileMode.UserRead | UnixFileMode.UserExecute);
            }
            // The URI as given names the connection in messages: the one libvirt gets carries the provider's additions.
            return Opened(LibvirtCall.Check(Native.virConnectOpen(SshTarget.ForLibvirt(uri, command))), uri);
        }
        finally
        {
            folder?.Delete(recursive: true);
        }
    }

    /// <summary>
    /// An opened connection with keepalive on, named <paramref name="uri"/> or else by the URI libvirt reports.
    /// </summary>
    private static Connection Opened(ConnectHandle handle, string? uri)
    {
        // Drivers without a daemon (test:///) have no keepalive, and nothing to hang on.
        if (
            Native.virConnectSetKeepAlive(handle, KeepAliveInterval, KeepAliveCount) < 0
            && LibvirtCall.LastError() is { Code: not LibvirtErrorCode.NoSupport } e
        )
        {
            handle.Dispose();
            throw e;
        }
        return new Connection(handle, uri ?? LibvirtCall.TakeString(Native.virConnectGetURI(handle)));
    }

    /// <summary>
    /// False once the daemon closed the connection (it stopped or restarted) or stopped answering keepalives: every
    /// call on it fails, and a new connection is needed.
    /// </summary>
    public bool IsAlive
    {
        get
        {
            try
            {
                return Native.virConnectIsAlive(_handle) == 1;
            }
            catch (ObjectDisposedException)
            {
                return false;
            }
        }
    }

    /// <summary>The host's memory in KiB (read once, as the other limits a Check compares with).</summary>
    public ulong HostMemoryKiB => _hostMemoryKiB ??= Host().MemoryKiB;

    /// <summary>The host's processors and memory, as libvirt sees them.</summary>
    public unsafe HostInfo Host()
    {
        LibvirtCall.Check(Native.virNodeGetInfo(_handle, out var info));
        var model = new ReadOnlySpan<byte>(info.Model, 32);
        var end = model.IndexOf((byte)0);
        return new HostInfo(
            Encoding.UTF8.GetString(end < 0 ? model : model[..end]),
            (int)info.Cpus,
            (int)info.Mhz,
            (int)info.Nodes,
            (int)info.Sockets,
            (int)info.Cores,
            (int)info.Threads,
            info.Memory
        );
    }

    public string Hostname => LibvirtCall.TakeString(Native.virConnectGetHostname(_handle));

    /// <summary>The version of libvirt (of the daemon, for a remote host), as major.minor.release.</summary>
    public string LibraryVersion
    {
        get
        {
            LibvirtCall.Check(Native.virConnectGetLibVersion(_handle, out var version));
            return VersionText(version);
        }
    }

    /// <summary>The hypervisor's version (qemu's, for qemu URIs), as major.minor.release.</summary>
    public string HypervisorVersion
    {
        get
        {
            LibvirtCall.Check(Native.virConnectGetVersion(_handle, out var version));
            return VersionText(version);
        }
    }

    // libvirt encodes versions as major * 1,000,000 + minor * 1,000 + release.
    private static string VersionText(ulong version) =>
        string.Create(
            CultureInfo.InvariantCulture,
            $"{version / 1_000_000}.{version / 1_000 % 1_000}.{version % 1_000}"
        );

    /// <summary>
    /// The hypervisor types (kvm, qemu…) this host can run full-virtualisation guests of, as libvirt's capabilities
    /// list them: kvm only where /dev/kvm works.
    /// </summary>
    public IReadOnlySet<string> GuestDomainTypes =>
        _guestDomainTypes ??= XElement
            .Parse(LibvirtCall.TakeString(Native.virConnectGetCapabilities(_handle)))
            .Elements("guest")
            .Where(g => g.Element("os_type")?.Value == "hvm")
            .Elements("arch")
            .Elements("domain")
            .Select(d => d.Attribute("type")?.Value)
            .OfType<string>()
            .ToHashSet();

    /// <summary>The most virtual CPUs the hypervisor allows one guest of <paramref name="type"/> (kvm, qemu).</summary>
    public int MaxVcpus(string type) =>
        _maxVcpus.GetOrAdd(type, t => LibvirtCall.Check(Native.virConnectGetMaxVcpus(_handle, t)));

    /// <summary>What a q35 guest of <paramref name="type"/> (kvm, qemu) can have here, as libvirt says.</summary>
    public DomainCapabilities DomainCapabilitiesOf(string type) =>
        _domainCapabilities.GetOrAdd(type, t =>
            DomainCapabilities.Parse(
                LibvirtCall.TakeString(Native.virConnectGetDomainCapabilities(_handle, null, null, "q35", t, 0))
            )
        );

    internal static T? NullIfNotFound<T>(Func<T> lookup)
        where T : class
    {
        try
        {
            return lookup();
        }
        catch (LibvirtException e) when (e.IsNotFound)
        {
            return null;
        }
    }

    public void Dispose()
    {
        DisposeIndexes();
        _handle.Dispose();
    }
}
