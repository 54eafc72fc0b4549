namespace PulumiLibvirt.Libvirt;

/// <summary>
/// A host's processors and memory, as libvirt's virNodeInfo has them: <paramref name="Sockets"/> per NUMA node,
/// <paramref name="Cores"/> per socket, <paramref name="Threads"/> per core.
/// </summary>
public sealed record HostInfo(
    string CpuModel,
    int Cpus,
    int Mhz,
    int NumaNodes,
    int Sockets,
    int Cores,
    int Threads,
    ulong MemoryKiB
);
