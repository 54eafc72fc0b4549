using System.ComponentModel;

namespace PulumiLibvirt.Resources;

/// <summary>getNodeInfo takes no arguments.</summary>
public sealed record GetNodeInfoArgs;

public sealed record GetNodeInfoResult
{
    [Description("The CPU model, as libvirt reports it (x86_64, or the model name).")]
    public string CpuModel { get; init; } = "";

    [Description("Number of active CPUs (logical processors).")]
    public int Cpus { get; init; }

    [Description("Number of CPU sockets, over all NUMA nodes.")]
    public int Sockets { get; init; }

    [Description("Cores per socket.")]
    public int Cores { get; init; }

    [Description("Threads per core.")]
    public int Threads { get; init; }

    [Description("CPU frequency in MHz.")]
    public int Mhz { get; init; }

    [Description("Memory in bytes.")]
    public long Memory { get; init; }

    [Description("The host's name.")]
    public string Hostname { get; init; } = "";

    [Description("The libvirt version of the host, as major.minor.release.")]
    public string LibvirtVersion { get; init; } = "";

    [Description("The hypervisor's version (qemu's), as major.minor.release.")]
    public string HypervisorVersion { get; init; } = "";

    [Description(
        "Whether libvirt offers kvm domains on this host (its capabilities list kvm: /dev/kvm is there and usable to "
            + "libvirt). It says nothing of whether kvm guests then run well: a nested or broken /dev/kvm whose guests "
            + "hang still counts."
    )]
    public bool Kvm { get; init; }

    [Description(
        "The domain types libvirt offers for full virtualisation on this host (kvm, qemu), in alphabetical order: "
            + "what a Domain's 'type' may be."
    )]
    public IReadOnlyList<string> DomainTypes { get; init; } = [];
}

[Description("The libvirt host: its processors, memory, versions, and whether it offers kvm.")]
public sealed class GetNodeInfo : LibvirtFunction<GetNodeInfoArgs, GetNodeInfoResult>
{
    public override string Token => "libvirt:index:getNodeInfo";

    protected override Task<GetNodeInfoResult> InvokeAsync(GetNodeInfoArgs args, LibvirtContext context)
    {
        var libvirt = context.Libvirt;
        var host = libvirt.Host();
        var types = libvirt.GuestDomainTypes.Order(StringComparer.Ordinal).ToList();
        return Task.FromResult(
            new GetNodeInfoResult
            {
                CpuModel = host.CpuModel,
                Cpus = host.Cpus,
                Sockets = host.NumaNodes * host.Sockets,
                Cores = host.Cores,
                Threads = host.Threads,
                Mhz = host.Mhz,
                Memory = (long)host.MemoryKiB * 1024,
                Hostname = libvirt.Hostname,
                LibvirtVersion = libvirt.LibraryVersion,
                HypervisorVersion = libvirt.HypervisorVersion,
                Kvm = types.Contains("kvm"),
                DomainTypes = types,
            }
        );
    }
}
