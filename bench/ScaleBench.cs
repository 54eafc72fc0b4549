using System.Globalization;
using PulumiLibvirt.Tests.Support;

namespace PulumiLibvirt.Bench;

/// <summary>
/// One line of the table: a figure, the floor it is held against (if any), and whether it meets its goal.
/// </summary>
internal sealed record Figure(string Name, string Measured, string Floor, string Ratio, string Goal, bool Pass);

/// <summary>
/// A classroom lab on one host, through the built binary (make bench --scale): linked clones of a 1 GiB template made
/// and removed at 10 requests in flight, each size against the floor of libvirt's own tools measured in the same run;
/// full clones against virt-clone; the Check and Diff of a preview; its memory over rounds of a
/// whole lab made and removed. Prints a table and answers 1 when a goal is missed.
/// </summary>
internal static class ScaleBench
{
    private const int FullClones = 3;
    private const long RssLimit = 150 * Workspace.MiB;
    private const long RssGrowthLimit = 10 * Workspace.MiB;

    public static async Task<int> RunAsync(IReadOnlyList<int> sizes, int rounds)
    {
        var figures = new List<Figure>();
        using var host = ScaleHost.Create();
        var perMachine = new List<(int Size, double Create, double Delete)>();
        foreach (var size in sizes)
        {
            var floor = host.LinkedFloor(size);
            await using var plugin = await ScalePlugin.StartAsync();
            ScalePlugin.MarkLibvirtLog($"create {size}");
            var (create, clones) = await CreateLabAsync(plugin, host, size, round: 1);
            ScalePlugin.MarkLibvirtLog($"preview {size}");
            if (size == sizes[^1])
                figures.AddRange(await PreviewAsync(plugin, clones));
            ScalePlugin.MarkLibvirtLog($"delete {size}");
            var delete = await ScalePlugin.InParallelAsync(clones, plugin.DeleteAsync);
            ScalePlugin.MarkLibvirtLog("other");
            figures.Add(Against($"create {size} linked clones", create, floor.Create, 2.0));
            figures.Add(Against($"delete {size} linked clones", delete, floor.Delete, 2.0));
            perMachine.Add((size, create.TotalMilliseconds / size, delete.TotalMilliseconds / size));
            if (size == sizes[^1])
                figures.AddRange(await MemoryAsync(plugin, host, size, rounds));
        }
        if (perMachine.Count > 1)
        {
            var (first, last) = (perMachine[0], perMachine[^1]);
            figures.Add(Growth($"create per machine, {last.Size} vs {first.Size}", last.Create, first.Create));
            figures.Add(Growth($"delete per machine, {last.Size} vs {first.Size}", last.Delete, first.Delete));
        }
        figures.AddRange(await FullClonesAsync(host));
        Print(figures);
        return figures.All(f => f.Pass) ? 0 : 1;
    }

    internal static async Task<(TimeSpan Elapsed, List<MadeClone> Clones)> CreateLabAsync(
        ScalePlugin plugin,
        ScaleHost host,
        int size,
        int round
    )
    {
        var clones = new List<MadeClone>();
        var names = Enumerable.Range(1, size).Select(i => $"{host.Prefix}-lab{size}r{round}-{i}");
        var elapsed = await ScalePlugin.InParallelAsync(names, async name =>
        {
            var clone = await plugin.CreateAsync(name, host.Template, "linked");
            lock (clones)
                clones.Add(clone);
        });
        return (elapsed, clones);
    }

    /// <summary>
    /// Check and Diff of every clone of the lab, one call at a time, as a preview of an unchanged program asks them.
    /// </summary>
    private static async Task<IEnumerable<Figure>> PreviewAsync(ScalePlugin plugin, List<MadeClone> clones)
    {
        var (checks, diffs) = (new List<double>(), new List<double>());
        foreach (var clone in clones)
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            await plugin.RecheckAsync(clone);
            checks.Add(clock.Elapsed.TotalMilliseconds);
            clock.Restart();
            await plugin.DiffAsync(clone);
            diffs.Add(clock.Elapsed.TotalMilliseconds);
        }
        return [Call($"preview {clones.Count}: Check", checks), Call($"preview {clones.Count}: Diff", diffs)];
    }

    private static Figure Call(string name, List<double> times)
    {
        var (p50, p99) = (Percentile(times, 0.5), Percentile(times, 0.99));
        return new Figure(
            $"{name} p50 / p99",
            $"{Ms(p50)} / {Ms(p99)}",
            "-",
            "-",
            "< 1 ms / < 5 ms",
            p50 < 1 && p99 < 5
        );
    }

    /// <summary>
    /// The plugin's resident set after the lab was made and removed once, then after each further round of the same;
    /// a leak shows as growth from round to round.
    /// </summary>
    private static async Task<IEnumerable<Figure>> MemoryAsync(ScalePlugin plugin, ScaleHost host, int size, int rounds)
    {
        var resident = new List<long> { plugin.ResidentBytes() };
        for (var round = 2; round <= rounds; round++)
        {
            var (_, clones) = await CreateLabAsync(plugin, host, size, round);
            await ScalePlugin.InParallelAsync(clones, plugin.DeleteAsync);
            resident.Add(plugin.ResidentBytes());
        }
        var figures = new List<Figure>
        {
            new(
                $"RSS after {size} clones made and deleted",
                MiB(resident[0]),
                "-",
                "-",
                $"< {RssLimit / Workspace.MiB} MiB",
                resident.Max() < RssLimit
            ),
        };
        if (rounds > 1)
        {
            var growth = resident[^1] - resident[0];
            figures.Add(
                new Figure(
                    $"RSS growth over {rounds} rounds ({string.Join(", ", resident.Select(MiB))})",
                    MiB(growth),
                    "-",
                    "-",
                    $"< {RssGrowthLimit / Workspace.MiB} MiB",
                    growth < RssGrowthLimit
                )
            );
        }
        return figures;
    }

    /// <summary>
    /// Full clones of the template, one after the other, by the plugin and by virt-clone; and the bytes a copy takes.
    /// </summary>
    private static async Task<IEnumerable<Figure>> FullClonesAsync(ScaleHost host)
    {
        var floor = host.VirtCloneFloor(FullClones);
        await using var plugin = await ScalePlugin.StartAsync();
        var clones = new List<MadeClone>();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        for (var i = 1; i <= FullClones; i++)
            clones.Add(await plugin.CreateAsync($"{host.Prefix}-full-{i}", host.Template, "full"));
        var elapsed = clock.Elapsed;
        var copy = Props
            .Objects(Protocol.PropertyStruct.Decode(clones[0].Outputs), "volumes")
            .Select(v => Props.Text(v, "path"))
            .Single();
        var allocated = ScaleHost.AllocatedBytes(copy);
        foreach (var clone in clones)
            await plugin.DeleteAsync(clone);
        var template = ScaleHost.AllocatedBytes(host.TemplateDisk);
        return
        [
            Against($"{FullClones} full clones vs virt-clone", elapsed, floor.Elapsed, 1.1),
            new Figure(
                "full clone: bytes on disk (template " + MiB(template) + ")",
                MiB(allocated),
                MiB(floor.AllocatedBytes),
                Ratio(allocated, floor.AllocatedBytes),
                "<= 1.1x, sparse",
                allocated <= floor.AllocatedBytes * 1.1 && allocated < template * 1.1
            ),
        ];
    }

    internal static Figure Against(string name, TimeSpan measured, TimeSpan floor, double goal) =>
        new(
            name,
            Seconds(measured),
            Seconds(floor),
            Ratio(measured.TotalSeconds, floor.TotalSeconds),
            $"<= {goal.ToString("0.0", CultureInfo.InvariantCulture)}x",
            measured.TotalSeconds <= floor.TotalSeconds * goal
        );

    internal static Figure Growth(string name, double last, double first) =>
        new(name, Ms(last), Ms(first), Ratio(last, first), "<= 1.2x", last <= first * 1.2);

    internal static double Percentile(List<double> values, double fraction)
    {
        var sorted = values.Order().ToList();
        return sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(fraction * sorted.Count) - 1)];
    }

    private static string Seconds(TimeSpan time) =>
        string.Create(CultureInfo.InvariantCulture, $"{time.TotalSeconds:0.00} s");

    internal static string Ms(double ms) => string.Create(CultureInfo.InvariantCulture, $"{ms:0.00} ms");

    private static string MiB(long bytes) =>
        string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)Workspace.MiB:0.0} MiB");

    private static string Ratio(double measured, double floor) =>
        string.Create(CultureInfo.InvariantCulture, $"{measured / floor:0.00}x");

    internal static void Print(List<Figure> figures)
    {
        string[] header = ["figure", "measured", "floor", "ratio", "goal", "result"];
        var rows = figures
            .Select(f => new[] { f.Name, f.Measured, f.Floor, f.Ratio, f.Goal, f.Pass ? "pass" : "FAIL" })
            .Prepend(header)
            .ToList();
        var widths = Enumerable.Range(0, header.Length).Select(c => rows.Max(r => r[c].Length)).ToList();
        // A Markdown table, so that bench/README.md can take it as printed.
        rows.Insert(1, widths.Select(w => new string('-', w)).ToArray());
        foreach (var row in rows)
            Console.WriteLine("| " + string.Join(" | ", row.Select((cell, c) => cell.PadRight(widths[c]))) + " |");
    }
}
