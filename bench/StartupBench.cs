using System.Diagnostics;
using System.Globalization;
using Google.Protobuf.WellKnownTypes;
using PulumiLibvirt.Tests.Support;

namespace PulumiLibvirt.Bench;

/// <summary>
/// The plugin's start to port (make bench --startup): from the exec of the binary until its port is on stdout, which
/// is how long the engine waits before its first call. Each binary given (the current build, and one built from an
/// earlier commit to compare with) starts in turn, start after start, so that the machine's load falls on each alike;
/// each gets its median. Only the current build is held to the goal. Beside it, the time until the first call
/// (GetPluginInfo) is answered: work put off until after the port shows there.
/// </summary>
internal static class StartupBench
{
    private const double GoalMs = 150;
    private const int DefaultStarts = 11;

    /// <param name="args">`--starts N` (default 11), `--before PATH` (another build's pulumi-resource-libvirt).</param>
    public static async Task<int> RunAsync(string[] args)
    {
        var starts = DefaultStarts;
        string? before = null;
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            if (args[i] == "--starts")
                starts = int.Parse(args[i + 1], CultureInfo.InvariantCulture);
            else if (args[i] == "--before")
                before = Path.GetFullPath(args[i + 1]);
            else
                throw new ArgumentException($"unknown option {args[i]}: --startup takes --starts N and --before PATH");
        }
        if (args.Length % 2 != 0)
            throw new ArgumentException($"{args[^1]} needs a value");
        if (before is not null && !File.Exists(before))
            throw new FileNotFoundException($"--before: no {before}");
        Console.WriteLine($"load average before: {LoadAverage()}");
        var figures = await MeasureAsync(before is null ? [Current] : [Current, before], starts);
        Console.WriteLine($"load average after: {LoadAverage()}");
        ScaleBench.Print(figures);
        return figures.All(f => f.Pass) ? 0 : 1;
    }

    private static string Current { get; } = Repository.File("bin", "pulumi-resource-libvirt");

    private static async Task<List<Figure>> MeasureAsync(IReadOnlyList<string> binaries, int starts)
    {
        await using var engine = await FakeEngine.StartAsync();
        var ports = binaries.Select(_ => new List<double>()).ToList();
        var answers = binaries.Select(_ => new List<double>()).ToList();
        for (var start = 0; start < starts; start++)
        {
            for (var b = 0; b < binaries.Count; b++)
            {
                var clock = Stopwatch.StartNew();
                await using var plugin = await ProviderProcess.StartAsync(engine.Address, binary: binaries[b]);
                ports[b].Add(clock.Elapsed.TotalMilliseconds);
                await plugin.Client.GetPluginInfoAsync(new Empty());
                answers[b].Add(clock.Elapsed.TotalMilliseconds);
            }
        }
        var figures = new List<Figure>();
        for (var b = 0; b < binaries.Count; b++)
        {
            var (port, answer) = (ScaleBench.Percentile(ports[b], 0.5), ScaleBench.Percentile(answers[b], 0.5));
            var current = binaries[b] == Current;
            var name = $"median of {starts}, {(current ? "bin/pulumi-resource-libvirt" : binaries[b])}";
            figures.Add(
                new Figure(
                    $"start to port, {name}",
                    ScaleBench.Ms(port),
                    "-",
                    "-",
                    current ? $"< {GoalMs} ms" : "-",
                    !current || port < GoalMs
                )
            );
            figures.Add(new Figure($"start to first answer, {name}", ScaleBench.Ms(answer), "-", "-", "-", true));
        }
        return figures;
    }

    // The 1, 5 and 15 minute load averages: the machine is shared, and its load moves every figure.
    private static string LoadAverage() => string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
}
