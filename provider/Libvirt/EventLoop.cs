namespace PulumiLibvirt.Libvirt;

/// <summary>
/// libvirt's default event loop, run on a thread of its own. Without one a client never sends keepalives and never
/// notices a closed socket between calls: a frozen libvirtd would hold a call forever, and a restarted one would be
/// seen only by the next call failing. Registered once, before the first connection is opened.
/// </summary>
internal static class EventLoop
{
    private static readonly Lazy<bool> Started = new(() =>
    {
        LibvirtCall.Check(Native.virEventRegisterDefaultImpl());
        var thread = new Thread(() =>
        {
            // An iteration fails only when libvirt's poll does; the next one tries again.
            while (true) Native.virEventRunDefaultImpl();
        })
        { IsBackground = true, Name = "libvirt event loop" };
        thread.Start();
        return true;
    });

    public static void EnsureRunning() => _ = Started.Value;
}
