using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using System.Text;

namespace PulumiLibvirt.Libvirt;

/// <summary>
/// Every domain's definitions (the persistent one and, while it runs, the live one), kept between questions instead
/// of read again for each: a lab of 200 machines would otherwise read and parse 400 XML documents for every create
/// and delete. Each question lists the domains (one call): domains not seen before are read, domains gone are
/// dropped. A domain changed in place (redefined, started or stopped, a device or metadata changed, by any process)
/// is marked by libvirt's events and read again at the next question, as is one this connection defines. Without
/// events (a driver that has none) every question reads every domain.
/// </summary>
internal sealed unsafe class DomainIndex : IDisposable
{
    private readonly Connection _connection;
    private readonly ConnectHandle _handle;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, IReadOnlyList<DomainDefinition>> _known = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _changed = new(StringComparer.Ordinal);
    private readonly List<int> _callbacks = [];
    private readonly nint _id = (nint)Interlocked.Increment(ref _lastId);

    // Callbacks find their index by a number: an event late after Dispose finds none, where a freed GCHandle would
    // crash.
    private static readonly ConcurrentDictionary<nint, DomainIndex> Indexes = new();
    private static long _lastId;

    public DomainIndex(Connection connection, ConnectHandle handle)
    {
        _connection = connection;
        _handle = handle;
        Indexes[_id] = this;
        var opaque = _id;
        // Each event has its own callback shape; every one of them only marks the domain.
        Register(
            Native.VIR_DOMAIN_EVENT_ID_LIFECYCLE,
            (IntPtr)(delegate* unmanaged<IntPtr, IntPtr, int, int, IntPtr, void>)&OnLifecycle,
            opaque
        );
        Register(
            Native.VIR_DOMAIN_EVENT_ID_DEVICE_ADDED,
            (IntPtr)(delegate* unmanaged<IntPtr, IntPtr, IntPtr, IntPtr, void>)&OnDevice,
            opaque
        );
        Register(
            Native.VIR_DOMAIN_EVENT_ID_DEVICE_REMOVED,
            (IntPtr)(delegate* unmanaged<IntPtr, IntPtr, IntPtr, IntPtr, void>)&OnDevice,
            opaque
        );
        Register(
            Native.VIR_DOMAIN_EVENT_ID_METADATA_CHANGE,
            (IntPtr)(delegate* unmanaged<IntPtr, IntPtr, int, IntPtr, IntPtr, void>)&OnMetadata,
            opaque
        );
    }

    /// <summary>Whether libvirt tells of every kind of change; if not, nothing is kept.</summary>
    private bool Watching => _callbacks.Count == 4;

    private void Register(int eventId, IntPtr callback, IntPtr opaque)
    {
        var id = Native.virConnectDomainEventRegisterAny(_handle, IntPtr.Zero, eventId, callback, opaque, IntPtr.Zero);
        if (id >= 0)
            _callbacks.Add(id);
        else
            Native.virResetLastError();
    }

    /// <summary>Marks a domain to be read again at the next question (this connection just changed it).</summary>
    public void Changed(string uuid) => _changed[uuid] = true;

    /// <summary>Every domain's definitions, as <see cref="Connection.DescribeAllDomains"/> answers them.</summary>
    public IReadOnlyList<DomainDefinition> Describe()
    {
        var listed = _connection.ListDomains();
        try
        {
            var current = listed.Select(d => (Uuid: d.Uuid, Domain: d)).ToList();
            List<(string Uuid, LibvirtDomain Domain)> stale;
            lock (_gate)
            {
                var uuids = current.Select(c => c.Uuid).ToHashSet(StringComparer.Ordinal);
                foreach (var gone in _known.Keys.Where(k => !uuids.Contains(k)).ToList())
                    _known.Remove(gone);
                // Taken off the marks before reading, so that an event during the read marks it again.
                stale = current
                    .Where(c =>
                    {
                        var marked = _changed.TryRemove(c.Uuid, out _);
                        return marked || !Watching || !_known.ContainsKey(c.Uuid);
                    })
                    .ToList();
            }
            var read = stale.Select(s => (s.Uuid, Definitions: Read(s.Domain))).ToList();
            lock (_gate)
            {
                foreach (var (uuid, definitions) in read)
                {
                    if (definitions is null)
                        _known.Remove(uuid);
                    else
                        _known[uuid] = definitions;
                }
                return current.SelectMany(c => _known.TryGetValue(c.Uuid, out var d) ? d : []).ToList();
            }
        }
        finally
        {
            foreach (var domain in listed)
                domain.Dispose();
        }
    }

    /// <summary>A domain's definitions; null when it vanished while being read.</summary>
    private static List<DomainDefinition>? Read(LibvirtDomain domain)
    {
        var persistent = Connection.NullIfNotFound(() => domain.Describe(persistent: true));
        if (persistent is null)
            return null;
        var live = Connection.NullIfNotFound(() =>
            domain.IsActive ? [domain.Describe(persistent: false)] : new List<DomainDefinition>()
        );
        return live is null ? null : [persistent, .. live];
    }

    [UnmanagedCallersOnly]
    private static void OnLifecycle(IntPtr conn, IntPtr domain, int @event, int detail, IntPtr opaque) =>
        Mark(domain, opaque);

    [UnmanagedCallersOnly]
    private static void OnDevice(IntPtr conn, IntPtr domain, IntPtr alias, IntPtr opaque) => Mark(domain, opaque);

    [UnmanagedCallersOnly]
    private static void OnMetadata(IntPtr conn, IntPtr domain, int type, IntPtr uri, IntPtr opaque) =>
        Mark(domain, opaque);

    private static void Mark(IntPtr domain, IntPtr opaque)
    {
        var buffer = stackalloc byte[Native.VIR_UUID_STRING_BUFLEN];
        if (Native.virDomainGetUUIDStringBorrowed(domain, buffer) < 0)
            return;
        if (Indexes.TryGetValue(opaque, out var index))
            index.Changed(Encoding.ASCII.GetString(buffer, Native.VIR_UUID_STRING_BUFLEN - 1));
    }

    public void Dispose()
    {
        foreach (var id in _callbacks)
        {
            if (Native.virConnectDomainEventDeregisterAny(_handle, id) < 0)
                Native.virResetLastError();
        }
        _callbacks.Clear();
        Indexes.TryRemove(_id, out _);
    }
}
