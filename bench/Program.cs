using BenchmarkDotNet.Running;
using PulumiLibvirt.Bench;

// make bench: every benchmark; arguments go to BenchmarkDotNet (e.g. --filter '*Linked*').
BenchmarkSwitcher.FromAssembly(typeof(LinkedCloneBenchmarks).Assembly).Run(args);
