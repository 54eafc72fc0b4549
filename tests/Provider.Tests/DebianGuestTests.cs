using System.Diagnostics;
using System.Text.RegularExpressions;
using PulumiLibvirt.Libvirt;
using PulumiLibvirt.Tests.Support;
using Xunit.Abstractions;

namespace PulumiLibvirt.Tests;

/// <summary>
/// The Debian guest image itself, without the provider: a clone of it (a qcow2 overlay) booted under TCG with a
/// NoCloud seed ISO answers SSH as the seed's user under the seed's hostname, has host keys of its own, and its guest
/// agent reports the address the network leased to it.
/// </summary>
public sealed partial class DebianGuestTests(TestPool pool, ITestOutputHelper output) : IClassFixture<TestPool>, IDisposable
{
    // TCG on a busy 2-core machine: a boot to SSH takes one to two minutes.
    private static readonly TimeSpan BootLimit = TimeSpan.FromMinutes(5);
    private readonly TestNetwork _network = TestNetwork.WithDhcp();
    private readonly TestDomains _domains = new();
    private readonly GuestSsh _ssh = new();

    public void Dispose()
    {
        _domains.Dispose();
        _network.Dispose();
        _ssh.Dispose();
    }

    [GeneratedRegex(@"\sipv4\s+(\d+\.\d+\.\d+\.\d+)/")]
    private static partial Regex Ipv4();

    private static List<string> Addresses(string domain, string source) =>
        Command.Try("virsh", null, "-c", TestPool.Uri, "domifaddr", domain, "--source", source) is (0, var stdout, _)
            ? Ipv4().Matches(stdout).Select(m => m.Groups[1].Value).Where(ip => ip != "127.0.0.1").ToList()
            : [];

    private static async Task<string> WaitForAsync(Func<string?> probe, string what)
    {
        var deadline = DateTime.UtcNow + BootLimit;
        while (DateTime.UtcNow < deadline)
        {
            if (probe() is { } found) return found;
            await Task.Delay(1000);
        }
        throw new Xunit.Sdk.XunitException($"{what} did not happen within {BootLimit.TotalMinutes} min");
    }

    /// <summary>A NoCloud seed: an ISO 9660 volume labelled cidata with user-data and meta-data at its root.</summary>
    private string Seed(string instanceId, string hostname)
    {
        var folder = Directory.CreateTempSubdirectory("seed-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(folder, "meta-data"), $"instance-id: {instanceId}\nlocal-hostname: {hostname}\n");
            File.WriteAllText(Path.Combine(folder, "user-data"), $"""
                #cloud-config
                hostname: {hostname}
                users:
                  - name: lab
                    shell: /bin/bash
                    sudo: ALL=(ALL) NOPASSWD:ALL
                    ssh_authorized_keys:
                      - {_ssh.PublicKey}

                """);
            var iso = Path.Combine(pool.Path, $"{instanceId}-seed.iso");
            Command.Run("genisoimage", "-quiet", "-output", iso, "-volid", "cidata", "-joliet", "-rock",
                Path.Combine(folder, "user-data"), Path.Combine(folder, "meta-data"));
            return iso;
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task A_clone_with_a_nocloud_seed_answers_ssh_under_its_hostname_with_new_host_keys_and_a_guest_agent()
    {
        var guest = DebianGuest.Shared;
        var name = _domains.Name("debian");
        var disk = pool.CreateVolume("debian", 2UL << 30, "qcow2", new BackingStore(guest.Image, "qcow2")).Path;
        var seed = Seed(name, "probe1");
        var console = Path.Combine(pool.Path, $"{name}-console.log");
        var xml = Path.Combine(pool.Path, $"{name}.xml");
        File.WriteAllText(xml, $"""
            <domain type='qemu'>
              <name>{name}</name>
              <memory unit='MiB'>{DebianGuest.MemoryMiB}</memory>
              <vcpu>1</vcpu>
              <os><type arch='x86_64' machine='pc'>hvm</type><kernel>{guest.Kernel}</kernel><initrd>{guest.Initrd}</initrd><cmdline>{guest.Cmdline}</cmdline></os>
              <features><acpi/></features>
              <devices>
                <disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='{disk}'/><target dev='vda' bus='virtio'/></disk>
                <disk type='file' device='cdrom'><driver name='qemu' type='raw'/><source file='{seed}'/><target dev='sda' bus='sata'/><readonly/></disk>
                <interface type='network'><source network='{_network.Name}'/><model type='virtio'/></interface>
                <channel type='unix'><target type='virtio' name='org.qemu.guest_agent.0'/></channel>
                <serial type='file'><source path='{console}'/><target port='0'/></serial>
                <console type='file'><source path='{console}'/><target type='serial' port='0'/></console>
              </devices>
            </domain>
            """);
        Command.Run("virsh", "-c", TestPool.Uri, "define", xml);

        var clock = Stopwatch.StartNew();
        Command.Run("virsh", "-c", TestPool.Uri, "start", name);
        output.WriteLine($"virsh start returned after {clock.Elapsed.TotalSeconds:F0} s");
        var ip = await WaitForAsync(() => Addresses(name, "lease").FirstOrDefault(), $"a DHCP lease for {name} (see {console})");
        output.WriteLine($"lease {ip} after {clock.Elapsed.TotalSeconds:F0} s");
        var hostname = await _ssh.RunAsync("lab", ip, "hostname", BootLimit);
        output.WriteLine($"ssh answered after {clock.Elapsed.TotalSeconds:F0} s");

        Assert.Equal("probe1", hostname.Trim());
        Assert.Contains("status: done", await _ssh.RunAsync("lab", ip, "cloud-init status --wait || true", BootLimit));
        output.WriteLine($"cloud-init done after {clock.Elapsed.TotalSeconds:F0} s");
        var keys = await GuestSsh.HostKeysAsync(ip);
        Assert.NotEmpty(keys);
        Assert.Empty(keys.Intersect(guest.TemplateHostKeys));
        Assert.Equal(ip, await WaitForAsync(() => Addresses(name, "agent").FirstOrDefault(), $"the guest agent's addresses of {name}"));
        output.WriteLine($"guest agent answered after {clock.Elapsed.TotalSeconds:F0} s");
    }
}
