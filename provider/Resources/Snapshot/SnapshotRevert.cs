using System.Diagnostics;
using System.Globalization;
using PulumiLibvirt.Framework;

namespace PulumiLibvirt.Resources;

/// <summary>
/// Runs a revert, which libvirt does in one call that cannot be stopped halfway, so that a Cancel leaves either the
/// old state or the new one: a cancel that came before it starts stops it from starting, and once started it is
/// neither given the cancellation token nor abandoned, but waited for to its end, with progress in the engine log.
/// </summary>
internal static class SnapshotRevert
{
    public static readonly TimeSpan ProgressInterval = TimeSpan.FromSeconds(5);

    /// <summary>Runs <paramref name="revert"/> (named <paramref name="what"/> in the log) as above.</summary>
    public static async Task RunAsync(string what, Action revert, ResourceContext context, TimeSpan? interval = null)
    {
        context.Cancellation.ThrowIfCancellationRequested();
        var watch = Stopwatch.StartNew();
        var reverting = Task.Run(revert, CancellationToken.None);
        var every = interval ?? ProgressInterval;
        while (await Task.WhenAny(reverting, Task.Delay(every, CancellationToken.None)) != reverting)
        {
            await context.InfoAsync(
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"{what}: still reverting after {watch.Elapsed.TotalSeconds:0} s (it runs to its end once begun)."
                )
            );
        }
        await reverting;
    }
}
