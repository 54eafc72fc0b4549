using PulumiLibvirt.Framework;
using PulumiLibvirt.Libvirt;

namespace PulumiLibvirt.Resources;

/// <summary>
/// Between a Domain's inputs and libvirt's domain model: the definition its inputs make, and the inputs that would
/// declare an existing definition (pulumi import).
/// </summary>
internal static class DomainMapping
{
    /// <summary>The domain's definition, marked as the resource's own (<paramref name="owner"/>, its URN).</summary>
    /// <param name="macs">One per interface, as assigned.</param>
    /// <param name="files">One per disk: its file and format on the host (<see cref="DiskFiles"/>).</param>
    public static DomainDefinition Definition(
        DomainArgs inputs,
        string? uuid,
        IReadOnlyList<string> macs,
        string owner,
        IReadOnlyList<DiskFile> files
    ) =>
        new()
        {
            Name = inputs.Name!,
            Uuid = uuid,
            Owner = owner,
            Description = inputs.Description,
            Type = LibvirtNames.Of(inputs.Type),
            MemoryKiB = (ulong)inputs.Memory * 1024,
            Vcpus = inputs.Vcpus,
            Firmware = inputs.Firmware == DomainFirmware.Efi ? "efi" : null,
            Kernel = inputs.Kernel,
            Initrd = inputs.Initrd,
            Cmdline = inputs.Cmdline,
            Disks = inputs.Disks.Select((disk, i) => Disk(disk, files[i])).ToList(),
            Interfaces = inputs
                .NetworkInterfaces.Select(
                    (nic, i) =>
                        new DomainInterface
                        {
                            Network = nic.Network,
                            Bridge = nic.Bridge,
                            Mac = macs[i],
                            Model = nic.Model,
                        }
                )
                .ToList(),
            Console = inputs.Console is { } console
                ? new DomainConsole(LibvirtNames.Of(console.Type), console.Path)
                : new DomainConsole("pty", null),
            Graphics = inputs.Graphics is { } graphics
                ? new DomainGraphics(LibvirtNames.Of(graphics.Type), graphics.Listen)
                : null,
            QemuAgent = inputs.QemuAgent,
            Tpm = MachineTpm.Definition(inputs.Tpm),
            SecureBoot = inputs.SecureBoot,
            Cpu = MachineCpu.Definition(inputs.Cpu),
            Video = inputs.Video?.Model,
            Rng = inputs.Rng,
            Filesystems = MachineFilesystems.Definition(inputs.Filesystems),
            Xslt = inputs.Xslt,
        };

    /// <summary>The inputs that would declare an existing domain (pulumi import).</summary>
    public static DomainArgs Imported(DomainDefinition definition, Connection libvirt) =>
        new()
        {
            Name = definition.Name,
            Type = LibvirtNames.Parse<DomainType>(definition.Type, "The domain's type"),
            Firmware = definition.Firmware == "efi" ? DomainFirmware.Efi : DomainFirmware.Bios,
            Kernel = definition.Kernel,
            Initrd = definition.Initrd,
            Cmdline = definition.Cmdline,
            Disks = definition.Disks.Select(disk => ImportedDisk(disk, libvirt)).ToList(),
            NetworkInterfaces = definition
                .Interfaces.Select(nic =>
                    nic.Network is null && nic.Bridge is null
                        ? throw new ProviderException(
                            ErrorKind.InvalidArgument,
                            $"Domain '{definition.Name}' has an interface that is neither on a libvirt network nor "
                                + "on a bridge; this provider cannot manage it."
                        )
                        : new DomainNetworkInterfaceArgs
                        {
                            Network = nic.Network,
                            Bridge = nic.Bridge,
                            Mac = nic.Mac,
                            Model = nic.Model,
                        }
                )
                .ToList(),
            Console = definition.Console is { Type: "pty" or "file" } console
                ? new DomainConsoleArgs
                {
                    Type = LibvirtNames.Parse<ConsoleType>(console.Type, "The domain's console"),
                    Path = console.Path,
                }
                : null,
            Graphics = definition.Graphics is { Type: "vnc" or "spice" } graphics
                ? new DomainGraphicsArgs
                {
                    Type = LibvirtNames.Parse<GraphicsType>(graphics.Type, "The domain's graphics"),
                    Listen = graphics.Listen,
                }
                : null,
            QemuAgent = definition.QemuAgent,
            Cpu = MachineCpu.Read(definition.Cpu),
            Video = DomainHardware.VideoOf(definition),
            Filesystems = MachineFilesystems.Inputs(definition.Filesystems),
        };

    /// <summary>
    /// The file and format of each disk on the host: its volume's, or the file given with the format its pool sees
    /// (raw outside pools).
    /// </summary>
    public static IReadOnlyList<DiskFile> DiskFiles(IReadOnlyList<DomainDiskArgs> disks, Connection libvirt) =>
        disks
            .Select(
                (disk, index) =>
                {
                    if (disk.Volume is null)
                    {
                        using var inPool = libvirt.FindVolume(disk.File!);
                        return new DiskFile(disk.File!, inPool?.Describe().Format ?? "raw");
                    }
                    using var volume = libvirt.FindVolume(disk.Volume)
                        ?? throw new ProviderException(
                            ErrorKind.NotFound,
                            $"disks[{index}].volume: no volume '{disk.Volume}' exists on {libvirt.Uri}."
                        );
                    var described = volume.Describe();
                    return new DiskFile(described.Path, described.Format);
                }
            )
            .ToList();

    private static DomainDisk Disk(DomainDiskArgs disk, DiskFile file) =>
        new()
        {
            Path = file.Path,
            // libvirt's pools call ISO images "iso"; qemu reads them as raw.
            Format = file.Format == "iso" ? "raw" : file.Format,
            Device = LibvirtNames.Of(disk.Device),
            Bus = LibvirtNames.Of(disk.Bus!.Value),
            Target = disk.Target!,
            ReadOnly = disk.ReadOnly,
            BlockDevice = disk.BlockDevice,
        };

    private static DomainDiskArgs ImportedDisk(DomainDisk disk, Connection libvirt)
    {
        string? volumeKey;
        using (var volume = MachineDisks.VolumeOf(disk, libvirt))
            volumeKey = volume?.Key;
        if (volumeKey is null && disk.Path is null)
            throw new ProviderException(
                ErrorKind.InvalidArgument,
                $"Disk '{disk.Target}' has no file or volume (an empty drive?); this provider cannot declare it."
            );
        var device = LibvirtNames.Parse<DiskDevice>(disk.Device, $"The domain's disk {disk.Target}");
        return new DomainDiskArgs
        {
            Volume = volumeKey,
            File = volumeKey is null ? disk.Path : null,
            BlockDevice = volumeKey is null && disk.BlockDevice,
            Device = device,
            // Spelled out: its default depends on the device, and an input left out would differ from the one Check
            // fills in.
            Bus = LibvirtNames.Parse<DiskBus>(disk.Bus, $"The domain's disk {disk.Target}"),
            Target = disk.Target,
            // libvirt makes every CD-ROM read-only: saying so again is no choice of the program's.
            ReadOnly = disk.ReadOnly && device != DiskDevice.Cdrom,
        };
    }
}
