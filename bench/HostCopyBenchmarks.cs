using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using PulumiLibvirt.Tests.Support;

namespace PulumiLibvirt.Bench;

/// <summary>
/// A sparse 1 GiB raw image (2 MiB of data) copied on the host into a new volume: the provider's Volume with
/// source.hostPath against virsh vol-clone for a volume of a pool, and against cp --sparse=always for a file outside
/// any pool. The issue asks for the provider within 1.2x of each (the Ratio column, per category) and for copies
/// that stay sparse: every copy's allocation is checked, and one above 64 MiB fails the benchmark.
/// </summary>
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 5)]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class HostCopyBenchmarks
{
    private const long DataBytes = 2 * Workspace.MiB;
    private const long SparseLimit = 64 * Workspace.MiB;
    private Workspace _workspace = null!;
    private string _file = "";
    private string _volume = "";
    private string? _made;
    private long _mostAllocated;

    [GlobalSetup]
    public void Setup()
    {
        _workspace = Workspace.Create("copy");
        try
        {
            // Outside any pool: the provider sees it through a folder pool of its own, as it would any host file.
            _file = Path.Combine(_workspace.Folder, "image.raw");
            Command.Run("qemu-img", "create", "-q", "-f", "raw", _file, $"{Workspace.GiB}");
            Command.WritePattern(_file, "raw", 0xab, 0, DataBytes / 2);
            Command.WritePattern(_file, "raw", 0xcd, Workspace.GiB / 2, DataBytes / 2);
            _volume = $"{_workspace.Name}-source.raw";
            Command.Run("cp", "--sparse=always", _file, Path.Combine(_workspace.PoolFolder, _volume));
            _workspace.Pool.Refresh();
        }
        catch
        {
            _workspace.Dispose();
            throw;
        }
    }

    [Benchmark(Baseline = true), BenchmarkCategory("pool volume")]
    public void VirshVolClone()
    {
        _made = _workspace.NewVolumeName();
        Command.Run("virsh", "-q", "-c", "qemu:///system", "vol-clone", "--pool", _workspace.Name, _volume, _made);
    }

    [Benchmark, BenchmarkCategory("pool volume")]
    public Task ProviderHostPathVolume()
    {
        _made = _workspace.NewVolumeName();
        return _workspace.CreateVolumeAsync(
            _made,
            Props.Object(("hostPath", Path.Combine(_workspace.PoolFolder, _volume)))
        );
    }

    [Benchmark(Baseline = true), BenchmarkCategory("file outside pools")]
    public void CpSparse()
    {
        _made = _workspace.NewVolumeName();
        Command.Run("cp", "--sparse=always", _file, Path.Combine(_workspace.PoolFolder, _made));
    }

    [Benchmark, BenchmarkCategory("file outside pools")]
    public Task ProviderHostPathFile()
    {
        _made = _workspace.NewVolumeName();
        return _workspace.CreateVolumeAsync(_made, Props.Object(("hostPath", _file)));
    }

    [IterationCleanup]
    public void CheckAndDelete()
    {
        if (_made is null)
            return;
        var made = _made;
        _made = null;
        long allocated;
        try
        {
            allocated = _workspace.AllocatedBytes(made);
        }
        finally
        {
            _workspace.Remove(made);
        }
        _mostAllocated = Math.Max(_mostAllocated, allocated);
        if (allocated > SparseLimit)
            throw new InvalidOperationException(
                $"the copy {made} of a sparse image with {DataBytes} bytes of data takes {allocated} bytes on disk: "
                    + "it is not sparse."
            );
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        Console.WriteLine(
            $"// Allocation: the copies of the 1 GiB image ({DataBytes} bytes of data) took at most {_mostAllocated} "
                + "bytes on disk."
        );
        _workspace.Dispose();
    }
}
