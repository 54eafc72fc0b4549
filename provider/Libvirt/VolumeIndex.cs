using System.Collections.Concurrent;
using System.Runtime.InteropServices;

namespace PulumiLibvirt.Libvirt;

/// <summary>
/// Every volume of every active pool with its description, kept between questions instead of read again for each:
/// deleting one clone of a 200-machine lab would otherwise read 200 volume descriptions to find overlays on its disk.
/// Each question lists the pools and their volumes (a call a pool): volumes not seen before are described, volumes gone
/// are dropped. What was kept for a pool is forgotten when libvirt tells that the pool was refreshed (files changed
/// outside libvirt), stopped or deleted, and a volume this process deletes is forgotten at once. A volume another
/// process deletes and makes again at the same path, with no pool refresh between, keeps its old description until one
/// (libvirt raises no event for volumes). Without events every question describes every volume.
/// </summary>
internal sealed unsafe class VolumeIndex : IDisposable
{
    private readonly Connection _connection;
    private readonly ConnectHandle _handle;
    private readonly Lock _gate = new();

    // Pool name, then volume key.
    private readonly Dictionary<string, Dictionary<string, VolumeDescription>> _known = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _changedPools = new(StringComparer.Ordinal);
    private readonly List<int> _callbacks = [];
    private readonly nint _id = (nint)Interlocked.Increment(ref _lastId);

    // As in DomainIndex: callbacks find their index by a number, so a late event after Dispose finds none.
    private static readonly ConcurrentDictionary<nint, VolumeIndex> Indexes = new();
    private static long _lastId;

    public VolumeIndex(Connection connection, ConnectHandle handle)
    {
        _connection = connection;
        _handle = handle;
        Indexes[_id] = this;
        Register(
            Native.VIR_STORAGE_POOL_EVENT_ID_LIFECYCLE,
            (IntPtr)(delegate* unmanaged<IntPtr, IntPtr, int, int, IntPtr, void>)&OnLifecycle
        );
        Register(
            Native.VIR_STORAGE_POOL_EVENT_ID_REFRESH,
            (IntPtr)(delegate* unmanaged<IntPtr, IntPtr, IntPtr, void>)&OnRefresh
        );
    }

    private bool Watching => _callbacks.Count == 2;

    private void Register(int eventId, IntPtr callback)
    {
        var id = Native.virConnectStoragePoolEventRegisterAny(
            _handle,
            IntPtr.Zero,
            eventId,
            callback,
            _id,
            IntPtr.Zero
        );
        if (id >= 0)
            _callbacks.Add(id);
        else
            Native.virResetLastError();
    }

    /// <summary>
    /// Every volume of every active pool; a pool stopped or a volume deleted while being listed holds nothing.
    /// </summary>
    public IReadOnlyList<VolumeDescription> Describe()
    {
        var result = new List<VolumeDescription>();
        var seenPools = new HashSet<string>(StringComparer.Ordinal);
        foreach (var pool in _connection.ListActivePools())
        {
            using (pool)
            {
                var name = pool.Name;
                seenPools.Add(name);
                // A pool stopped or deleted between the two listings (a stack's Pool deleted meanwhile) holds nothing.
                IReadOnlyList<StorageVolume> volumes;
                try
                {
                    volumes = pool.ListVolumes();
                }
                catch (LibvirtException e) when (e.IsNotFound || e.Category == LibvirtErrorCategory.Conflict)
                {
                    continue;
                }
                result.AddRange(Describe(name, volumes));
            }
        }
        lock (_gate)
        {
            foreach (var gone in _known.Keys.Where(k => !seenPools.Contains(k)).ToList())
                _known.Remove(gone);
        }
        return result;
    }

    private List<VolumeDescription> Describe(string pool, IReadOnlyList<StorageVolume> volumes)
    {
        try
        {
            Dictionary<string, VolumeDescription> known;
            lock (_gate)
            {
                if (_changedPools.TryRemove(pool, out _) || !Watching || !_known.TryGetValue(pool, out known!))
                    _known[pool] = known = new Dictionary<string, VolumeDescription>(StringComparer.Ordinal);
            }
            var result = new List<VolumeDescription>(volumes.Count);
            var keys = new HashSet<string>(StringComparer.Ordinal);
            foreach (var volume in volumes)
            {
                var key = volume.Key;
                keys.Add(key);
                VolumeDescription? description;
                lock (_gate)
                    known.TryGetValue(key, out description);
                // A volume deleted between the listing and the read is simply not there.
                description ??= Connection.NullIfNotFound(volume.Describe);
                if (description is null)
                    continue;
                lock (_gate)
                    known[key] = description;
                result.Add(description);
            }
            lock (_gate)
            {
                foreach (var gone in known.Keys.Where(k => !keys.Contains(k)).ToList())
                    known.Remove(gone);
            }
            return result;
        }
        finally
        {
            foreach (var volume in volumes)
                volume.Dispose();
        }
    }

    /// <summary>
    /// Drops the volume <paramref name="key"/> from every index: libvirt tells of no volume being deleted, and one made
    /// again at the same path (a replaced overlay) may have another backing store.
    /// </summary>
    public static void Forget(string key)
    {
        foreach (var index in Indexes.Values)
        {
            lock (index._gate)
            {
                foreach (var pool in index._known.Values)
                    pool.Remove(key);
            }
        }
    }

    [UnmanagedCallersOnly]
    private static void OnLifecycle(IntPtr conn, IntPtr pool, int @event, int detail, IntPtr opaque) =>
        Mark(pool, opaque);

    [UnmanagedCallersOnly]
    private static void OnRefresh(IntPtr conn, IntPtr pool, IntPtr opaque) => Mark(pool, opaque);

    private static void Mark(IntPtr pool, IntPtr opaque)
    {
        var name = Native.virStoragePoolGetNameBorrowed(pool);
        if (name != IntPtr.Zero && Indexes.TryGetValue(opaque, out var index))
            index._changedPools[Marshal.PtrToStringUTF8(name)!] = true;
    }

    public void Dispose()
    {
        foreach (var id in _callbacks)
        {
            if (Native.virConnectStoragePoolEventDeregisterAny(_handle, id) < 0)
                Native.virResetLastError();
        }
        _callbacks.Clear();
        Indexes.TryRemove(_id, out _);
    }
}
