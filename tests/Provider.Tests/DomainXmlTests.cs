using System.Xml.Linq;
using PulumiLibvirt.Libvirt;
using PulumiLibvirt.Tests.Support;

namespace PulumiLibvirt.Tests;

/// <summary>
/// Domain XML in both directions, without a daemon: <see cref="DomainDefinition.Parse"/> on what <c>virsh dumpxml</c>
/// prints (Fixtures/domain-*.xml), and <see cref="DomainDefinition.ToXml"/> read back element by element.
/// </summary>
[Trait(Category.Name, Category.Unit)]
public class DomainXmlTests
{
    private const string OwnerNamespace = "urn:pulumi-resource-libvirt:owner";

    /// <summary>
    /// A kvm guest with UEFI, direct kernel boot, libosinfo's metadata beside ours, four kinds of disk, two NICs, a pty
    /// console and VNC.
    /// </summary>
    private static DomainDefinition UefiDirectBoot() =>
        DomainDefinition.Parse(Fixture.Text("domain-uefi-direct-boot.xml"));

    /// <summary>
    /// A qemu guest with BIOS, a block device on IDE, a SCSI disk, a NIC with libvirt's default model, a file console
    /// and SPICE.
    /// </summary>
    private static DomainDefinition BiosFileConsole() =>
        DomainDefinition.Parse(Fixture.Text("domain-bios-file-console.xml"));

    [Fact]
    public void Dumpxml_of_a_uefi_guest_gives_its_identity_sizes_firmware_and_kernel_boot()
    {
        var domain = UefiDirectBoot();
        Assert.Equal("web-1", domain.Name);
        Assert.Equal("6f1c2a8e-3b4d-4e5f-9a0b-1c2d3e4f5a6b", domain.Uuid);
        Assert.Equal("kvm", domain.Type);
        Assert.Equal("web server, lab 3", domain.Description);
        Assert.Equal("urn:pulumi:dev::lab::libvirt:index:Domain::web", domain.Owner);
        Assert.Equal(2UL * 1024 * 1024, domain.MemoryKiB);
        Assert.Equal(2, domain.Vcpus);
        Assert.Equal("efi", domain.Firmware);
        Assert.Equal("/var/lib/libvirt/boot/vmlinuz-6.1.0-18-amd64", domain.Kernel);
        Assert.Equal("/var/lib/libvirt/boot/initrd.img-6.1.0-18-amd64", domain.Initrd);
        Assert.Equal("root=/dev/vda1 console=ttyS0 quiet", domain.Cmdline);
    }

    [Fact]
    public void Dumpxml_disks_come_in_order_with_file_pool_volume_and_empty_cdrom_sources()
    {
        Assert.Equal(
            [
                new DomainDisk
                {
                    Path = "/var/lib/libvirt/images/web-1.qcow2",
                    Format = "qcow2",
                    Target = "vda",
                },
                new DomainDisk
                {
                    PoolVolume = ("data", "web-1-data.img"),
                    Format = "raw",
                    Target = "vdb",
                    Shareable = true,
                },
                new DomainDisk
                {
                    Path = "/var/lib/libvirt/images/seed.iso",
                    Device = "cdrom",
                    Bus = "sata",
                    Target = "sda",
                    ReadOnly = true,
                },
                new DomainDisk
                {
                    Device = "cdrom",
                    Bus = "sata",
                    Target = "sdb",
                    ReadOnly = true,
                },
            ],
            UefiDirectBoot().Disks
        );
    }

    [Fact]
    public void Dumpxml_devices_give_network_and_bridge_interfaces_the_pty_console_and_the_vnc_address()
    {
        var domain = UefiDirectBoot();
        Assert.Equal(
            [
                new DomainInterface
                {
                    Network = "default",
                    Mac = "52:54:00:6b:3c:1d",
                    Model = "virtio",
                },
                new DomainInterface
                {
                    Bridge = "br0",
                    Mac = "52:54:00:a1:b2:c3",
                    Model = "e1000e",
                },
            ],
            domain.Interfaces
        );
        Assert.Equal(new DomainConsole("pty", null), domain.Console);
        Assert.Equal(new DomainGraphics("vnc", "0.0.0.0"), domain.Graphics);
    }

    [Fact]
    public void Dumpxml_of_a_bios_guest_gives_a_block_device_a_file_console_and_spice_on_localhost()
    {
        var domain = BiosFileConsole();
        Assert.Equal("db-2", domain.Name);
        Assert.Equal("qemu", domain.Type);
        Assert.Equal(524288UL, domain.MemoryKiB);
        Assert.Equal(1, domain.Vcpus);
        Assert.Null(domain.Firmware);
        Assert.Null(domain.Kernel);
        Assert.Null(domain.Initrd);
        Assert.Null(domain.Cmdline);
        Assert.Null(domain.Description);
        Assert.Null(domain.Owner);
        Assert.Equal(
            [
                new DomainDisk
                {
                    Path = "/dev/vg0/db-2",
                    BlockDevice = true,
                    Format = "raw",
                    Bus = "ide",
                    Target = "hda",
                },
                new DomainDisk
                {
                    Path = "/srv/pool/db-2-scratch.qcow2",
                    Format = "qcow2",
                    Bus = "scsi",
                    Target = "sda",
                },
            ],
            domain.Disks
        );
        Assert.Equal(
            [
                new DomainInterface
                {
                    Network = "isolated",
                    Mac = "52:54:00:10:20:30",
                    Model = "rtl8139",
                },
            ],
            domain.Interfaces
        );
        Assert.Equal(new DomainConsole("file", "/var/log/libvirt/qemu/db-2-serial.log"), domain.Console);
        // SPICE with <listen type='none'/> names no address: it is read as qemu's default, the loopback address.
        Assert.Equal(new DomainGraphics("spice", "127.0.0.1"), domain.Graphics);
    }

    [Fact]
    public void The_pty_path_of_a_running_domain_is_not_read_as_a_console_path()
    {
        // libvirt picks a new /dev/pts/N at each start: it is no part of what was declared.
        var domain = DomainDefinition.Parse(
            """
            <domain type='kvm' id='7'>
              <name>live</name>
              <devices>
                <serial type='pty'><source path='/dev/pts/3'/><target type='isa-serial' port='0'/></serial>
                <console type='pty' tty='/dev/pts/3'>
                  <source path='/dev/pts/3'/><target type='serial' port='0'/>
                </console>
              </devices>
            </domain>
            """
        );
        Assert.Equal(new DomainConsole("pty", null), domain.Console);
    }

    [Theory]
    [InlineData("<memory unit='KiB'>2048</memory>", 2048UL)]
    [InlineData("<memory>2048</memory>", 2048UL)]
    [InlineData("<memory unit='MiB'>96</memory>", 98304UL)]
    [InlineData("<memory unit='GiB'>2</memory>", 2097152UL)]
    [InlineData("<memory unit='bytes'>1048576</memory>", 1024UL)]
    public void Memory_in_any_unit_libvirt_accepts_is_read_in_KiB(string memory, ulong kib)
    {
        Assert.Equal(kib, DomainDefinition.Parse($"<domain><name>m</name>{memory}</domain>").MemoryKiB);
    }

    [Fact]
    public void A_memory_unit_it_does_not_know_is_an_error_naming_the_unit()
    {
        var error = Assert.Throws<FormatException>(() =>
            DomainDefinition.Parse("<domain><name>m</name><memory unit='parsecs'>1</memory></domain>")
        );
        Assert.Contains("'parsecs'", error.Message);
    }

    [Fact]
    public void The_domain_element_carries_type_name_uuid_description_sizes_acpi_and_the_owner_mark()
    {
        var xml = XElement.Parse(
            new DomainDefinition
            {
                Name = "web-1",
                Uuid = "6f1c2a8e-3b4d-4e5f-9a0b-1c2d3e4f5a6b",
                Description = "lab machine",
                Type = "qemu",
                MemoryKiB = 98304,
                Vcpus = 2,
                Owner = "urn:pulumi:dev::lab::libvirt:index:Domain::web",
            }.ToXml()
        );
        Assert.Equal("domain", xml.Name.LocalName);
        Assert.Equal("qemu", xml.Attribute("type")!.Value);
        Assert.Equal("web-1", xml.Element("name")!.Value);
        Assert.Equal("6f1c2a8e-3b4d-4e5f-9a0b-1c2d3e4f5a6b", xml.Element("uuid")!.Value);
        Assert.Equal("lab machine", xml.Element("description")!.Value);
        Assert.Equal("KiB", xml.Element("memory")!.Attribute("unit")!.Value);
        Assert.Equal("98304", xml.Element("memory")!.Value);
        Assert.Equal("2", xml.Element("vcpu")!.Value);
        Assert.NotNull(xml.Element("features")!.Element("acpi"));
        var owner = xml.Element("metadata")!.Element(XName.Get("owner", OwnerNamespace))!;
        Assert.Equal("urn:pulumi:dev::lab::libvirt:index:Domain::web", owner.Attribute("id")!.Value);
    }

    [Fact]
    public void What_is_not_given_is_not_written()
    {
        var xml = XElement.Parse(
            new DomainDefinition
            {
                Name = "bare",
                Description = "",
                MemoryKiB = 65536,
            }.ToXml()
        );
        Assert.Equal("kvm", xml.Attribute("type")!.Value);
        Assert.Equal("1", xml.Element("vcpu")!.Value);
        foreach (var absent in new[] { "uuid", "description", "metadata" })
            Assert.Null(xml.Element(absent));
        var os = xml.Element("os")!;
        Assert.Equal("hvm", os.Element("type")!.Value);
        Assert.Null(os.Attribute("firmware"));
        foreach (var absent in new[] { "kernel", "initrd", "cmdline" })
            Assert.Null(os.Element(absent));
        Assert.Empty(xml.Element("devices")!.Elements());
    }

    [Fact]
    public void Os_names_uefi_firmware_and_the_kernel_initrd_and_command_line_of_a_direct_boot()
    {
        var os = XElement
            .Parse(
                new DomainDefinition
                {
                    Name = "direct",
                    Firmware = "efi",
                    Kernel = "/boot/vmlinuz",
                    Initrd = "/boot/initrd.img",
                    Cmdline = "console=ttyS0 quiet",
                }.ToXml()
            )
            .Element("os")!;
        Assert.Equal("efi", os.Attribute("firmware")!.Value);
        Assert.Equal("hvm", os.Element("type")!.Value);
        Assert.Equal("/boot/vmlinuz", os.Element("kernel")!.Value);
        Assert.Equal("/boot/initrd.img", os.Element("initrd")!.Value);
        Assert.Equal("console=ttyS0 quiet", os.Element("cmdline")!.Value);
    }

    [Fact]
    public void Disks_are_written_as_files_in_boot_order_with_format_target_and_access()
    {
        var devices = XElement
            .Parse(
                new DomainDefinition
                {
                    Name = "disks",
                    Disks =
                    [
                        new DomainDisk
                        {
                            Path = "/images/system.qcow2",
                            Format = "qcow2",
                            Target = "vda",
                        },
                        new DomainDisk
                        {
                            Path = "/images/seed.iso",
                            Device = "cdrom",
                            Bus = "sata",
                            Target = "sda",
                            ReadOnly = true,
                        },
                        new DomainDisk
                        {
                            Path = "/images/shared.img",
                            Target = "vdb",
                            Shareable = true,
                        },
                        new DomainDisk
                        {
                            Device = "cdrom",
                            Bus = "ide",
                            Target = "hdc",
                            ReadOnly = true,
                        },
                    ],
                }.ToXml()
            )
            .Element("devices")!;
        var disks = devices.Elements("disk").ToList();
        Assert.All(disks, disk => Assert.Equal("file", disk.Attribute("type")!.Value));
        Assert.Equal(["disk", "cdrom", "disk", "cdrom"], disks.Select(d => d.Attribute("device")!.Value));
        Assert.Equal(["qcow2", "raw", "raw", "raw"], disks.Select(d => d.Element("driver")!.Attribute("type")!.Value));
        Assert.All(disks, disk => Assert.Equal("qemu", disk.Element("driver")!.Attribute("name")!.Value));
        Assert.Equal(
            ["/images/system.qcow2", "/images/seed.iso", "/images/shared.img", null],
            disks.Select(d => d.Element("source")?.Attribute("file")!.Value)
        );
        Assert.Equal(["vda", "sda", "vdb", "hdc"], disks.Select(d => d.Element("target")!.Attribute("dev")!.Value));
        Assert.Equal(
            ["virtio", "sata", "virtio", "ide"],
            disks.Select(d => d.Element("target")!.Attribute("bus")!.Value)
        );
        Assert.Equal(["1", "2", "3", "4"], disks.Select(d => d.Element("boot")!.Attribute("order")!.Value));
        Assert.Equal([false, true, false, true], disks.Select(d => d.Element("readonly") is not null));
        Assert.Equal([false, false, true, false], disks.Select(d => d.Element("shareable") is not null));
        Assert.Empty(devices.Elements("controller"));
    }

    [Fact]
    public void A_disk_on_the_scsi_bus_brings_a_virtio_scsi_controller()
    {
        var devices = XElement
            .Parse(
                new DomainDefinition
                {
                    Name = "scsi",
                    Disks =
                    [
                        new DomainDisk
                        {
                            Path = "/images/a.img",
                            Bus = "scsi",
                            Target = "sda",
                        },
                    ],
                }.ToXml()
            )
            .Element("devices")!;
        var controller = Assert.Single(devices.Elements("controller"));
        Assert.Equal("scsi", controller.Attribute("type")!.Value);
        Assert.Equal("virtio-scsi", controller.Attribute("model")!.Value);
    }

    [Fact]
    public void Interfaces_join_a_network_or_a_bridge_with_their_mac_and_model()
    {
        var interfaces = XElement
            .Parse(
                new DomainDefinition
                {
                    Name = "nics",
                    Interfaces =
                    [
                        new DomainInterface { Network = "default", Mac = "52:54:00:6b:3c:1d" },
                        new DomainInterface { Bridge = "br0", Model = "e1000e" },
                    ],
                }.ToXml()
            )
            .Element("devices")!
            .Elements("interface")
            .ToList();
        Assert.Equal(["network", "bridge"], interfaces.Select(i => i.Attribute("type")!.Value));
        Assert.Equal("default", interfaces[0].Element("source")!.Attribute("network")!.Value);
        Assert.Equal("br0", interfaces[1].Element("source")!.Attribute("bridge")!.Value);
        Assert.Equal("52:54:00:6b:3c:1d", interfaces[0].Element("mac")!.Attribute("address")!.Value);
        Assert.Null(interfaces[1].Element("mac")); // libvirt chooses one
        Assert.Equal(["virtio", "e1000e"], interfaces.Select(i => i.Element("model")!.Attribute("type")!.Value));
    }

    [Fact]
    public void A_file_console_is_a_serial_port_and_its_console_writing_one_file()
    {
        var devices = XElement
            .Parse(
                new DomainDefinition
                {
                    Name = "logged",
                    Console = new DomainConsole("file", "/var/log/guest.log"),
                }.ToXml()
            )
            .Element("devices")!;
        var serial = devices.Element("serial")!;
        var console = devices.Element("console")!;
        Assert.Equal(["file", "file"], new[] { serial, console }.Select(e => e.Attribute("type")!.Value));
        Assert.Equal(
            ["/var/log/guest.log", "/var/log/guest.log"],
            new[] { serial, console }.Select(e => e.Element("source")!.Attribute("path")!.Value)
        );
        Assert.Equal("0", serial.Element("target")!.Attribute("port")!.Value);
        Assert.Equal("serial", console.Element("target")!.Attribute("type")!.Value);
        Assert.Equal("0", console.Element("target")!.Attribute("port")!.Value);
    }

    [Fact]
    public void A_pty_console_has_no_source()
    {
        var devices = XElement
            .Parse(new DomainDefinition { Name = "pty", Console = new DomainConsole("pty", null) }.ToXml())
            .Element("devices")!;
        Assert.Equal("pty", devices.Element("serial")!.Attribute("type")!.Value);
        Assert.Equal("pty", devices.Element("console")!.Attribute("type")!.Value);
        Assert.Null(devices.Element("serial")!.Element("source"));
        Assert.Null(devices.Element("console")!.Element("source"));
    }

    [Fact]
    public void Graphics_take_an_automatic_port_on_the_given_address()
    {
        var graphics = XElement
            .Parse(new DomainDefinition { Name = "vnc", Graphics = new DomainGraphics("vnc", "0.0.0.0") }.ToXml())
            .Element("devices")!
            .Element("graphics")!;
        Assert.Equal("vnc", graphics.Attribute("type")!.Value);
        Assert.Equal("yes", graphics.Attribute("autoport")!.Value);
        Assert.Null(graphics.Attribute("port"));
        Assert.Equal("address", graphics.Element("listen")!.Attribute("type")!.Value);
        Assert.Equal("0.0.0.0", graphics.Element("listen")!.Attribute("address")!.Value);
    }

    [Fact]
    public void What_ToXml_writes_Parse_reads_back_unchanged()
    {
        var definition = new DomainDefinition
        {
            Name = "round",
            Uuid = "0b9e8d7c-6a5f-4e3d-8c2b-1a0f9e8d7c6b",
            Description = "both ways",
            Owner = "urn:pulumi:dev::lab::libvirt:index:Domain::round",
            Type = "qemu",
            MemoryKiB = 131072,
            Vcpus = 3,
            Firmware = "efi",
            Kernel = "/boot/k",
            Initrd = "/boot/i",
            Cmdline = "quiet",
            Disks =
            [
                new DomainDisk
                {
                    Path = "/images/round.qcow2",
                    Format = "qcow2",
                    Target = "vda",
                },
                new DomainDisk
                {
                    Path = "/images/data.img",
                    Bus = "scsi",
                    Target = "sda",
                    Shareable = true,
                },
                new DomainDisk
                {
                    Path = "/images/seed.iso",
                    Device = "cdrom",
                    Bus = "sata",
                    Target = "sdb",
                    ReadOnly = true,
                },
            ],
            Interfaces =
            [
                new DomainInterface { Network = "default", Mac = "52:54:00:01:02:03" },
                new DomainInterface
                {
                    Bridge = "br0",
                    Mac = "52:54:00:01:02:04",
                    Model = "e1000e",
                },
            ],
            Console = new DomainConsole("file", "/var/log/round.log"),
            Graphics = new DomainGraphics("spice", "127.0.0.1"),
            Filesystems =
            [
                new DomainFilesystem("/srv/labs", "labs", false, "virtiofs"),
                new DomainFilesystem("/srv/ro", "ro", true, "9p"),
            ],
        };
        var parsed = DomainDefinition.Parse(definition.ToXml());
        Assert.Equal(definition.Disks, parsed.Disks);
        Assert.Equal(definition.Interfaces, parsed.Interfaces);
        Assert.Equal(definition.Filesystems, parsed.Filesystems);
        // The lists are compared above; a record compares lists by reference.
        Assert.Equal(
            definition,
            parsed with
            {
                Disks = definition.Disks,
                Interfaces = definition.Interfaces,
                Reservations = definition.Reservations,
                Filesystems = definition.Filesystems,
            }
        );
    }

    [Fact]
    public void A_block_device_disk_is_written_as_type_block_and_read_back_as_one()
    {
        var written = new DomainDefinition
        {
            Name = "blk",
            MemoryKiB = 65536,
            Disks =
            [
                new DomainDisk
                {
                    Path = "/dev/loop7",
                    BlockDevice = true,
                    Target = "vda",
                },
                new DomainDisk
                {
                    Path = "/var/lib/a.qcow2",
                    Format = "qcow2",
                    Target = "vdb",
                },
            ],
        }.ToXml();
        var disks = XElement.Parse(written).Element("devices")!.Elements("disk").ToList();
        Assert.Equal("block", disks[0].Attribute("type")!.Value);
        Assert.Equal("/dev/loop7", disks[0].Element("source")!.Attribute("dev")!.Value);
        Assert.Equal("file", disks[1].Attribute("type")!.Value);
        Assert.Equal("/var/lib/a.qcow2", disks[1].Element("source")!.Attribute("file")!.Value);
        Assert.Equal([true, false], DomainDefinition.Parse(written).Disks.Select(d => d.BlockDevice));
    }
}
