using PulumiLibvirt.Libvirt;
using PulumiLibvirt.Tests.Support;

namespace PulumiLibvirt.Tests;

/// <summary>
/// Questions about the whole host (who uses a volume?) asked while other pools come and go, on the real libvirtd.
/// </summary>
public sealed class HostListingTests : IDisposable
{
    private readonly Connection _libvirt = Connection.Open(TestPool.Uri);
    private readonly string _folder = Directory.CreateTempSubdirectory(TestPool.UniqueName("churn")).FullName;

    public void Dispose()
    {
        _libvirt.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task Every_volume_of_the_host_is_listed_while_pools_are_stopped_and_removed_meanwhile()
    {
        // A pool stopped or removed between the listing of pools and the listing of its volumes holds nothing; it is no
        // error (a stack's Pool deleted while another resource's delete asks who uses its volume).
        var churned = 0;
        using var churn = new CancellationTokenSource();
        var churning = Task.Run(() =>
        {
            for (; !churn.IsCancellationRequested; churned++)
            {
                using var pool = _libvirt.DefineDirectoryPool(TestPool.UniqueName("churn"), _folder);
                try
                {
                    pool.Start();
                    pool.Stop();
                }
                finally
                {
                    pool.Undefine();
                }
            }
        });
        try
        {
            while (churned < 200)
                _libvirt.IndexedVolumes();
        }
        finally
        {
            await churn.CancelAsync();
            await churning;
        }
    }
}
