using BenchmarkDotNet.Running;
using PulumiLibvirt.Bench;

// make bench runs both modes. `--rss`: the plugin's peak memory while it uploads a 4 GiB image, against its limit.
// Anything else goes to BenchmarkDotNet (e.g. --filter '*Upload*').
if (args is ["--rss"]) return await UploadMemory.RunAsync();
var summaries = BenchmarkSwitcher.FromAssembly(typeof(LinkedCloneBenchmarks).Assembly).Run(args);
// A benchmark that threw (a copy that is not sparse, say) fails make bench instead of leaving a gap in a table.
return summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success)) ? 1 : 0;
