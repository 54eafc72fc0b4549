namespace PulumiLibvirt.Libvirt;

/// <summary>
/// libvirt's default event loop, run on a thread of its own, registered once before the first connection is opened.
/// Without one a client never sends keepalives and never notices a closed socket between calls (a frozen libvirtd
/// would hold a call forever, a restarted one would be seen only by the next call failing), and no domain or pool
/// event reaches the host indexes (<see cref="DomainIndex"/>, <see cref="VolumeIndex"/>).
/// </summary>
internal static class EventLoop
{
    private static readonly Lazy<bool> Started = new(() =>
    {
        LibvirtCall.Check(Native.virEventRegisterDefaultImpl());
        var thread = new Thread(() =>
        {
            // An iteration fails only when libvirt's poll does; the next one tries again.
            while (true)
            {
                if (Native.virEventRunDefaultImpl() < 0)
                    Native.virResetLastError();
            }
        })
        {
            IsBackground = true,
            Name = "libvirt event loop",
        };
        thread.Start();
        return true;
    });

    public static void EnsureRunning() => _ = Started.Value;
}
