using static PulumiLibvirt.Tests.Support.Sizes;

namespace PulumiLibvirt.Tests.Support;

/// <summary>
/// A shut-off template domain of type qemu with everything a clone must make its own: a qcow2 system disk and a raw
/// data disk holding real data, a read-only CD-ROM, a NIC with a fixed MAC, an SMBIOS system UUID, UEFI firmware
/// with an NVRAM file, a VNC display on a fixed port and a file-backed serial console. Its files are in the test
/// pool; the domain is undefined by the <see cref="TestDomains"/> that named it.
/// </summary>
public sealed class TemplateDomain
{
    public const byte SystemPattern = 0x5a;
    public const byte DataPattern = 0xc3;

    public TemplateDomain(TestPool pool, TestNetwork network, TestDomains names)
        : this(pool, network.Name, names) { }

    /// <param name="network">The libvirt network its interface is on.</param>
    /// <param name="uefi">False for BIOS: no NVRAM, so libvirt can snapshot it and its clones.</param>
    public TemplateDomain(TestPool pool, string network, TestDomains names, bool uefi = true)
    {
        Name = names.Name("tmpl");
        Uuid = Guid.NewGuid().ToString();
        SystemDisk = pool.CreateVolume("sys", 32 * MiB, "qcow2").Path;
        DataDisk = pool.CreateVolume("data", 8 * MiB, "raw").Path;
        Iso = pool.CreateVolume("iso", MiB, "raw").Path;
        Command.WritePattern(SystemDisk, "qcow2", SystemPattern, 0, MiB);
        Command.WritePattern(DataDisk, "raw", DataPattern, MiB, MiB);
        Nvram = Path.Combine(pool.Path, $"{Name}_VARS.fd");
        if (uefi)
            File.Copy("/usr/share/OVMF/OVMF_VARS_4M.fd", Nvram);
        var firmware = uefi
            ? $"""
                <loader readonly='yes' type='pflash'>/usr/share/OVMF/OVMF_CODE_4M.fd</loader>
                <nvram template='/usr/share/OVMF/OVMF_VARS_4M.fd'>{Nvram}</nvram>
                """
            : "";
        SerialLog = Path.Combine(pool.Path, $"{Name}-serial.log");
        Mac = $"52:54:00:{Random.Shared.Next(256):x2}:{Random.Shared.Next(256):x2}:{Random.Shared.Next(256):x2}";
        using var domain = pool.Libvirt.DefineDomain(
            $"""
            <domain type='qemu'>
              <name>{Name}</name>
              <uuid>{Uuid}</uuid>
              <description>the template</description>
              <memory unit='MiB'>96</memory>
              <vcpu>1</vcpu>
              <sysinfo type='smbios'><system><entry name='serial'>template-serial</entry>
                <entry name='uuid'>{Uuid}</entry></system></sysinfo>
              <os>
                <type arch='x86_64' machine='q35'>hvm</type>
                {firmware}
                <smbios mode='sysinfo'/>
              </os>
              <features><acpi/></features>
              <devices>
                <disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='{SystemDisk}'/>
                  <target dev='vda' bus='virtio'/></disk>
                <disk type='file' device='disk'><driver name='qemu' type='raw'/><source file='{DataDisk}'/>
                  <target dev='vdb' bus='virtio'/></disk>
                <disk type='file' device='cdrom'><driver name='qemu' type='raw'/><source file='{Iso}'/>
                  <target dev='sda' bus='sata'/><readonly/></disk>
                <interface type='network'><mac address='{Mac}'/><source network='{network}'/><model type='virtio'/>
                </interface>
                <serial type='file'><source path='{SerialLog}'/><target port='0'/></serial>
                <console type='file'><source path='{SerialLog}'/><target type='serial' port='0'/></console>
                <graphics type='vnc' port='{5900 + Random.Shared.Next(100, 999)}' autoport='no' listen='127.0.0.1'/>
              </devices>
            </domain>
            """
        );
    }

    public string Name { get; }
    public string Uuid { get; }
    public string SystemDisk { get; }
    public string DataDisk { get; }
    public string Iso { get; }
    public string Nvram { get; }
    public string SerialLog { get; }
    public string Mac { get; }

    /// <summary>A digest of every byte of the template's disk files.</summary>
    public string DisksChecksum() => string.Join(",", new[] { SystemDisk, DataDisk }.Select(FileDigest.Sha256));
}
