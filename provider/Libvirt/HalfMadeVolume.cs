namespace PulumiLibvirt.Libvirt;

/// <summary>The removal of a volume whose making failed or was cancelled half-way.</summary>
public static class HalfMadeVolume
{
    /// <summary>
    /// Removes a volume that was not finished and releases it. libvirt may still be closing its stream (and
    /// refreshing the pool after it), so a refusal is retried for a few seconds.
    /// </summary>
    public static void Delete(StorageVolume volume)
    {
        using var _ = volume;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                volume.Delete();
                return;
            }
            catch (LibvirtException e) when (e.IsNotFound)
            {
                return;
            }
            // A broken connection will not heal here: the caller's undo reconnects.
            catch (LibvirtException e) when (attempt < 25 && !e.IsConnectionLost)
            {
                Thread.Sleep(200);
            }
        }
    }
}
