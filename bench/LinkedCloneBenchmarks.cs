using BenchmarkDotNet.Attributes;
using PulumiLibvirt.Framework;
using PulumiLibvirt.Libvirt;
using PulumiLibvirt.Resources;

namespace PulumiLibvirt.Bench;

/// <summary>
/// A linked clone of a 1 GiB template against one of a 50 GiB template: the overlays store only differences,
/// so making one should cost the same whatever the template's size. A full clone is measured beside it for scale.
/// Everything lives in a directory pool of its own on qemu:///system, removed afterwards.
/// </summary>
[MemoryDiagnoser(false)]
public class LinkedCloneBenchmarks
{
    private const long GiB = 1L << 30;
    private readonly string _prefix = $"bench{Environment.ProcessId}";
    private Connection _libvirt = null!;
    private StoragePool _pool = null!;
    private string _poolPath = "";
    private LibvirtProvider _provider = null!;
    private IResource _clones = null!;
    private string _template = "";
    private int _count;
    private string? _lastId;
    private ObjectValue? _lastOutputs;

    [Params(1, 50)]
    public int TemplateGiB { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _libvirt = Connection.Open("qemu:///system");
        _poolPath = Path.Combine(Path.GetTempPath(), $"{_prefix}-pool-{TemplateGiB}");
        _pool = _libvirt.CreateDirectoryPool($"{_prefix}-pool-{TemplateGiB}", _poolPath);
        using var disk = _pool.CreateVolume(
            new VolumeDefinition($"{_prefix}-template.qcow2", (ulong)(TemplateGiB * GiB), "qcow2")
        );
        _template = $"{_prefix}-template-{TemplateGiB}";
        using (
            _libvirt.DefineDomain(
                new DomainDefinition
                {
                    Name = _template,
                    Type = "qemu",
                    MemoryKiB = 65536,
                    Disks =
                    [
                        new DomainDisk
                        {
                            Path = disk.Path,
                            Format = "qcow2",
                            Target = "vda",
                        },
                    ],
                }
            )
        ) { }
        _provider = new LibvirtProvider(new QuietLog());
        _clones = _provider.Resource("libvirt:index:Clone");
    }

    [Benchmark]
    public async Task LinkedClone()
    {
        var name = $"{_prefix}-clone-{Interlocked.Increment(ref _count)}";
        var inputs = new ObjectValue(
            new Dictionary<string, PropertyValue>
            {
                ["source"] = new StringValue(_template),
                ["name"] = new StringValue(name),
                ["mode"] = new StringValue("linked"),
                ["running"] = new BoolValue(false),
                ["shutdownTimeout"] = new NumberValue(0),
                ["disks"] = new ArrayValue([]),
                ["autostart"] = new BoolValue(false),
            }
        );
        var urn = $"urn:pulumi:bench::bench::libvirt:index:Clone::{name}";
        var created = await _clones.CreateAsync(new CreateRequest(urn, inputs, Preview: false), _provider.Context(urn));
        (_lastId, _lastOutputs) = (created.Id, created.Outputs);
    }

    [IterationCleanup]
    public void DeleteClone()
    {
        if (_lastId is null)
            return;
        var urn = "urn:pulumi:bench::bench::libvirt:index:Clone::x";
        _clones
            .DeleteAsync(new DeleteRequest(_lastId, urn, _lastOutputs!, null), _provider.Context(urn))
            .GetAwaiter()
            .GetResult();
        _lastId = null;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        using (var template = _libvirt.FindDomain(_template))
            template?.Undefine();
        _pool.Refresh();
        foreach (var volume in _pool.ListVolumes())
        {
            using (volume)
                volume.Delete();
        }
        _pool.DestroyAndUndefine();
        _provider.Dispose();
        _libvirt.Dispose();
    }
}
