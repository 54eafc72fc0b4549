namespace PulumiLibvirt.Bench;

/// <summary>
/// A classroom reset through the built binary (make bench --reset): a lab of stopped linked clones made, then each
/// one's 'resetOn' changed, at 10 requests in flight, against the floor measured in the same run (what a reset is at
/// least: `qemu-img create -b` per overlay plus the same defines, sequentially); the cost per machine at each size.
/// </summary>
internal static class ResetBench
{
    public static async Task<int> RunAsync(IReadOnlyList<int> sizes)
    {
        var figures = new List<Figure>();
        var perMachine = new List<(int Size, double Reset)>();
        using var host = ScaleHost.Create();
        foreach (var size in sizes)
        {
            var floor = host.LinkedFloor(size).Create;
            await using var plugin = await ScalePlugin.StartAsync();
            var (_, clones) = await ScaleBench.CreateLabAsync(plugin, host, size, round: 1);
            var reset = new List<MadeClone>();
            var elapsed = await ScalePlugin.InParallelAsync(clones, async clone =>
            {
                var done = await plugin.ResetAsync(clone, host.Template, "2");
                lock (reset)
                    reset.Add(done);
            });
            await ScalePlugin.InParallelAsync(reset, plugin.DeleteAsync);
            figures.Add(ScaleBench.Against($"reset {size} stopped linked clones", elapsed, floor, 2.0));
            perMachine.Add((size, elapsed.TotalMilliseconds / size));
        }
        if (perMachine.Count > 1)
        {
            var (first, last) = (perMachine[0], perMachine[^1]);
            figures.Add(ScaleBench.Growth($"reset per machine, {last.Size} vs {first.Size}", last.Reset, first.Reset));
        }
        ScaleBench.Print(figures);
        return figures.All(f => f.Pass) ? 0 : 1;
    }
}
