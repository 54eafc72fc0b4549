using System.Diagnostics;
using System.Globalization;

namespace PulumiLibvirt.Images;

/// <summary>
/// Progress lines for a transfer a user waits on: one each time another tenth of a known total is done, and one at
/// least every <see cref="Interval"/> otherwise (bytes done, the total when known, the rate), then a last one.
/// Safe to advance from one thread while a timer ticks on another.
/// </summary>
public sealed class TransferProgress(string what, long? total, Func<string, Task> log, Func<TimeSpan>? clock = null)
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    private readonly Func<TimeSpan> _clock = clock ?? StartClock();
    private readonly Lock _gate = new();
    private long _done;
    private int _tenthsLogged;
    private TimeSpan _lastLine;

    public long Done
    {
        get
        {
            lock (_gate)
                return _done;
        }
    }

    /// <summary>
    /// Counts <paramref name="bytes"/> more as done; logs when that completes another tenth of the total, or when the
    /// last line is old.
    /// </summary>
    public Task AdvanceAsync(long bytes)
    {
        lock (_gate)
        {
            _done += bytes;
            var tenths = total is > 0 ? (int)Math.Min(10, _done * 10 / total.Value) : 0;
            if (tenths <= _tenthsLogged && !LineIsOld())
                return Task.CompletedTask;
            _tenthsLogged = Math.Max(_tenthsLogged, tenths);
            return LogNow();
        }
    }

    /// <summary>Logs when nothing was said for <see cref="Interval"/>: a stalled transfer is seen to stall.</summary>
    public Task TickAsync()
    {
        lock (_gate)
        {
            return LineIsOld() ? LogNow() : Task.CompletedTask;
        }
    }

    /// <summary>The last line: everything done, in how long.</summary>
    public Task CompleteAsync()
    {
        lock (_gate)
        {
            var elapsed = _clock();
            return log($"{what}: done, {Size(_done)} in {Seconds(elapsed)} ({Rate(elapsed)}).");
        }
    }

    /// <summary>Runs <paramref name="transfer"/>, ticking every second while it runs.</summary>
    public async Task<T> WhileAsync<T>(Task<T> transfer)
    {
        while (await Task.WhenAny(transfer, Task.Delay(TimeSpan.FromSeconds(1))) != transfer)
            await TickAsync();
        return await transfer;
    }

    private static Func<TimeSpan> StartClock()
    {
        var watch = Stopwatch.StartNew();
        return () => watch.Elapsed;
    }

    private bool LineIsOld() => _clock() - _lastLine >= Interval;

    private Task LogNow()
    {
        var elapsed = _clock();
        _lastLine = elapsed;
        var of = total is > 0 ? $" of {Size(total.Value)} ({_done * 100 / total.Value}%)" : "";
        return log($"{what}: {Size(_done)}{of} after {Seconds(elapsed)}, {Rate(elapsed)}");
    }

    private string Rate(TimeSpan elapsed) =>
        elapsed.TotalSeconds > 0 ? $"{Size((long)(_done / elapsed.TotalSeconds))}/s" : "-";

    private static string Seconds(TimeSpan elapsed) =>
        string.Create(CultureInfo.InvariantCulture, $"{elapsed.TotalSeconds:0.0} s");

    /// <summary>A byte count as people read it: 512 B, 12.5 MiB, 1.2 GiB.</summary>
    public static string Size(long bytes)
    {
        string[] units = ["B", "KiB", "MiB", "GiB", "TiB"];
        double value = bytes;
        var unit = 0;
        while (value >= 1024 && unit < units.Length - 1)
        {
            value /= 1024;
            unit++;
        }
        return unit == 0 ? $"{bytes} B" : string.Create(CultureInfo.InvariantCulture, $"{value:0.0} {units[unit]}");
    }
}
