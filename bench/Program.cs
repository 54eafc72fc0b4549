using System.Globalization;
using BenchmarkDotNet.Running;
using PulumiLibvirt.Bench;

// make bench runs every mode. `--rss`: the plugin's peak memory while it uploads a 4 GiB image, against its limit.
// `--scale [sizes] [rounds]`: a classroom lab through the built binary against libvirt's own tools (bench/README.md).
// `--startup [--starts N] [--before PATH]`: the plugin's start to port, against another build's if given.
// `--reset [sizes]`: resets of stopped linked clones through the built binary against the floor (ResetBench).
// Anything else goes to BenchmarkDotNet (e.g. --filter '*Upload*').
if (args is ["--rss"])
    return await UploadMemory.RunAsync();
if (args is ["--startup", ..])
    return await StartupBench.RunAsync(args[1..]);
if (args is ["--reset", ..])
    return await ResetBench.RunAsync(Sizes([50, 200]));
if (args is ["--scale", ..])
{
    var rounds = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 5;
    return await ScaleBench.RunAsync(Sizes([50, 100, 200]), rounds);
}
var summaries = BenchmarkSwitcher.FromAssembly(typeof(LinkedCloneBenchmarks).Assembly).Run(args);

// A benchmark that threw (a copy that is not sparse, say) fails make bench instead of leaving a gap in a table.
return summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success)) ? 1 : 0;

// The lab sizes after the mode, comma-separated (such as 50,200), or the mode's own.
List<int> Sizes(List<int> fallback) =>
    args.Length > 1 ? args[1].Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToList() : fallback;
