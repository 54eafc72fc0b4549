namespace PulumiLibvirt.Tests.Support;

/// <summary>
/// The test guest (<see cref="TestGuest"/>) with another /init, for tests of devices: its initramfs with a second
/// archive appended, which the kernel unpacks over the first. The probe loads the guest's modules and virtio-rng,
/// prints "GUEST tpm=" (the TPM's major version, or none) and "GUEST rng=" (the RNG the kernel uses, or none) on
/// the serial console and powers off.
/// </summary>
public static class ProbeGuest
{
    private const string Init = """
        #!/bin/sh
        export PATH=/bin
        mount -t proc proc /proc
        mount -t sysfs sysfs /sys
        mount -t devtmpfs devtmpfs /dev
        exec </dev/console >/dev/ttyS0 2>&1
        while read -r m; do insmod "/lib/modules/$m" 2>/dev/null; done </modules.list
        insmod /lib/modules/virtio-rng.ko
        i=0; while [ ! -e /sys/class/tpm/tpm0 ] && [ $i -lt 50 ]; do sleep 0.2; i=$((i+1)); done
        echo "GUEST tpm=$(cat /sys/class/tpm/tpm0/tpm_version_major 2>/dev/null || echo none)"
        echo "GUEST rng=$(cat /sys/class/misc/hw_random/rng_current 2>/dev/null || echo none)"
        echo "GUEST done"
        sync
        poweroff -f
        sleep 999
        """;

    /// <summary>The probe's initramfs, made in <paramref name="folder"/> (which qemu can read).</summary>
    public static string Initrd(string folder)
    {
        var guest = TestGuest.Shared;
        var work = Directory.CreateTempSubdirectory("probe-");
        try
        {
            File.WriteAllText(Path.Combine(work.FullName, "init"), Init + "\n");
            var kernelVersion = File.ReadAllLines(Path.Combine(TestGuest.Folder, "guest.env"))
                .Single(l => l.StartsWith("KVER=", StringComparison.Ordinal))["KVER=".Length..];
            Directory.CreateDirectory(Path.Combine(work.FullName, "lib/modules"));
            File.Copy(
                $"/lib/modules/{kernelVersion}/kernel/drivers/char/hw_random/virtio-rng.ko",
                Path.Combine(work.FullName, "lib/modules/virtio-rng.ko")
            );
            var initrd = Path.Combine(folder, $"probe-{Guid.NewGuid():N}.img");
            Command.Run(
                "bash",
                "-c",
                "set -euo pipefail; cd \"$3\"; chmod 0755 init; cat \"$1\" >\"$2\"; "
                    + "find init lib | cpio --quiet -o -H newc -R 0:0 | gzip -9n >>\"$2\"; chmod 0644 \"$2\"",
                "probe",
                guest.Initrd,
                initrd,
                work.FullName
            );
            return initrd;
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }
}
