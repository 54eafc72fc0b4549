namespace PulumiLibvirt.Libvirt;

/// <summary>
/// libvirt's default event loop on a thread of its own: it delivers the domain and pool events the host indexes
/// (<see cref="DomainIndex"/>, <see cref="VolumeIndex"/>) keep current with, and the connections' keepalives. It must
/// be registered before the first connection is opened, which <see cref="LibvirtCall"/>'s initialisation ensures.
/// </summary>
internal static class EventLoop
{
    /// <summary>Whether the loop runs: without it no event arrives, and the indexes read the host afresh every time.</summary>
    public static bool Running { get; private set; }

    public static void Start()
    {
        if (Native.virEventRegisterDefaultImpl() < 0)
        {
            Native.virResetLastError();
            return;
        }
        var thread = new Thread(() =>
        {
            while (true)
            {
                if (Native.virEventRunDefaultImpl() < 0) Native.virResetLastError();
            }
        })
        { IsBackground = true, Name = "libvirt events" };
        thread.Start();
        Running = true;
    }
}
