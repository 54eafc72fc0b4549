using System.Diagnostics;

namespace PulumiLibvirt.Tests.Support;

/// <summary>
/// What must still answer while the provider's connect hangs on a daemon that says nothing: a request that needs no
/// connection (a preview) and the engine's Cancel, each within a second, while the request that waits for the
/// connection ends with the Cancel.
/// </summary>
public static class HungConnect
{
    public const string VolumeToken = "libvirt:index:Volume";

    /// <summary>How long the preview and the Cancel took while <paramref name="harness"/>'s connect hangs.</summary>
    public static async Task<(TimeSpan Preview, TimeSpan Cancel)> AnswersWhileItHangsAsync(ResourceHarness harness)
    {
        var read = Task.Run(() => harness.ReadAsync("/no/such/volume"));
        await Task.Delay(TimeSpan.FromMilliseconds(500));
        Assert.False(read.IsCompleted, "the read waits for the connect");

        var clock = Stopwatch.StartNew();
        var inputs = Props.Object(("name", "v"), ("pool", "p"), ("capacity", 1024));
        await Task.Run(() => harness.PreviewCreateAsync(inputs)).WaitAsync(TimeSpan.FromSeconds(10));
        var preview = clock.Elapsed;

        clock.Restart();
        await Task.Run(harness.Cancel).WaitAsync(TimeSpan.FromSeconds(10));
        var cancel = clock.Elapsed;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => read.WaitAsync(TimeSpan.FromSeconds(1)));

        Assert.True(
            preview < TimeSpan.FromSeconds(1),
            $"a preview took {preview.TotalMilliseconds} ms during the connect"
        );
        Assert.True(cancel < TimeSpan.FromSeconds(1), $"Cancel took {cancel.TotalMilliseconds} ms during the connect");
        return (preview, cancel);
    }
}
