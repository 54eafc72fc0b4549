using PulumiLibvirt.Framework;
using PulumiLibvirt.Resources;
using PulumiLibvirt.Tests.Support;

namespace PulumiLibvirt.Tests;

/// <summary>
/// A revert under Cancel: it does not start once cancelled, and once started it runs to its end (libvirt's revert is
/// one call, and a machine left halfway would be neither state); while it runs the engine log hears of it.
/// </summary>
[Trait(Category.Name, Category.Unit)]
public sealed class SnapshotRevertUnitTests
{
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(50);

    private static ResourceContext Context(RecordingLog log, CancellationToken cancellation) =>
        new(log, "urn:pulumi:dev::snap::libvirt:index:Snapshot::s", cancellation);

    [Fact]
    public async Task A_cancel_before_the_revert_answers_an_error_and_does_not_revert()
    {
        var reverted = false;
        var cancelled = Context(new RecordingLog(), new CancellationToken(true));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            SnapshotRevert.RunAsync("Domain 'web1' to snapshot 's'", () => reverted = true, cancelled)
        );
        Assert.False(reverted);
    }

    [Fact]
    public async Task A_cancel_during_the_revert_waits_for_it_to_finish_and_the_log_shows_its_progress()
    {
        using var cancellation = new CancellationTokenSource();
        using var started = new ManualResetEventSlim();
        var log = new RecordingLog();
        var finished = false;
        var running = SnapshotRevert.RunAsync(
            "Domain 'web1' to snapshot 's'",
            () =>
            {
                started.Set();
                Thread.Sleep(Tick * 10);
                finished = true;
            },
            Context(log, cancellation.Token),
            Tick
        );
        Assert.True(started.Wait(TimeSpan.FromSeconds(30)));
        await cancellation.CancelAsync();

        await running;
        Assert.True(finished);
        Assert.Contains(log.Messages, m =>
            m.Message.StartsWith("Domain 'web1' to snapshot 's': still reverting after", StringComparison.Ordinal)
        );
    }
}
