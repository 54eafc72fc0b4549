using System.Security.Cryptography;
using System.Text;
using PulumiLibvirt.Framework;
using PulumiLibvirt.Libvirt;
using PulumiLibvirt.Resources;
using PulumiLibvirt.Tests.Support;
using static PulumiLibvirt.Tests.Support.Sizes;

namespace PulumiLibvirt.Tests;

/// <summary>
/// Clone identities, proven by booting: a template of the test guest, linked clones made distinct by virt-sysprep
/// (under TCG, as the provider's default decides here), each booted to report what its disk says it is.
/// </summary>
public sealed class IdentityTests(TestPool pool, TestNetwork network)
    : IClassFixture<TestPool>,
        IClassFixture<TestNetwork>,
        IDisposable
{
    private static readonly TimeSpan BootLimit = TimeSpan.FromMinutes(5);
    private readonly ResourceHarness _clones = new("libvirt:index:Clone");
    private readonly TestDomains _names = new();

    public void Dispose()
    {
        _names.Dispose();
        _clones.Dispose();
    }

    /// <summary>
    /// A shut-off template of the test guest: direct kernel boot, its root disk a volume of the pool, a file console.
    /// </summary>
    private async Task<(string Name, string RootDisk)> TemplateAsync()
    {
        var guest = TestGuest.Shared;
        var name = _names.Name("tmpl");
        var rootDisk = guest.CopyRootInto(pool, name);
        using var domains = new ResourceHarness("libvirt:index:Domain");
        await domains.CreateAsync(
            Props.Object(
                ("name", name),
                ("type", "qemu"),
                ("memory", 256),
                ("running", false),
                ("kernel", guest.Kernel),
                ("initrd", guest.Initrd),
                ("cmdline", guest.Cmdline),
                ("disks", Props.Array(Props.Object(("volume", rootDisk)))),
                ("networkInterfaces", Props.Array(Props.Object(("network", network.Name)))),
                ("console", Props.Object(("type", "file"), ("path", Path.Combine(pool.Path, $"{name}.log"))))
            )
        );
        return (name, rootDisk);
    }

    private async Task WaitUntilShutOffAsync(string id)
    {
        using var domain = pool.Libvirt.FindDomain(id)!;
        var deadline = DateTime.UtcNow + BootLimit;
        while (domain.IsActive && DateTime.UtcNow < deadline)
            await Task.Delay(500);
        Assert.False(domain.IsActive, $"the guest of {domain.Name} did not power off within {BootLimit}");
    }

    /// <summary>What the test guest's own disk says it is (guest.env): its machine-id and host keys' digest.</summary>
    private static Dictionary<string, string> Pristine() =>
        File.ReadAllLines(Path.Combine(TestGuest.Folder, "guest.env"))
            .Select(l => l.Split('=', 2))
            .Where(p => p.Length == 2)
            .ToDictionary(p => p[0], p => p[1].Trim('\'', '"'));

    /// <summary>What the guest reports of its host keys: a digest of its /etc/ssh/ssh_host_*_key.pub.</summary>
    private static string KeysDigest(IEnumerable<string> keys) =>
        Convert
            .ToHexString(SHA256.HashData(Encoding.ASCII.GetBytes(string.Concat(keys.Select(k => k + "\n")))))
            .ToLowerInvariant();

    [Fact]
    public async Task Three_linked_clones_with_identities_boot_as_three_distinct_machines_and_the_template_is_kept()
    {
        var (template, rootDisk) = await TemplateAsync();
        var templateDigest = FileDigest.Sha256(rootDisk);
        var pristine = Pristine();

        var hostnames = new[] { "lab-one", "lab-two", "lab-three" };
        var clones = await Task.WhenAll(
            hostnames.Select(
                (hostname, i) =>
                {
                    var inputs = Props.Object(
                        ("source", template),
                        ("name", _names.Name($"lab{i}")),
                        ("mode", "linked"),
                        ("shutdownTimeout", 5),
                        ("identity", Props.Object(("hostname", hostname)))
                    );
                    return _clones.CreateAsync(inputs, $"lab{i}");
                }
            )
        );
        await Task.WhenAll(clones.Select(c => WaitUntilShutOffAsync(c.Id)));

        var reports = clones
            .Select(c => TestGuest.Report(Path.Combine(pool.Path, $"{Props.Text(c.Outputs, "name")}.log")))
            .ToList();
        Assert.All(reports, r => Assert.Equal(["hostkeys", "hostname", "mac", "machine-id"], r.Keys.Order()));
        Assert.Equal(hostnames, reports.Select(r => r["hostname"]));
        Assert.Equal(3, reports.Select(r => r["machine-id"]).Append(pristine["MACHINE_ID"]).Distinct().Count() - 1);
        Assert.All(reports, r => Assert.Matches("^[0-9a-f]{32}$", r["machine-id"]));
        Assert.Equal(3, reports.Select(r => r["hostkeys"]).Append(pristine["HOSTKEYS_SHA256"]).Distinct().Count() - 1);
        Assert.Equal(3, reports.Select(r => r["mac"]).Distinct().Count());
        foreach (var (clone, report) in clones.Zip(reports))
        {
            Assert.Equal(Props.Texts(clone.Outputs, "macs")[0], report["mac"]);
            // The public keys in the outputs are the ones the guest has: its digest of /etc/ssh/ssh_host_*_key.pub.
            var identity = (ObjectValue)clone.Outputs["identity"]!;
            var keys = Props.Texts(identity, "sshHostKeys");
            Assert.Equal(["ecdsa-sha2-nistp256", "ssh-ed25519", "ssh-rsa"], keys.Select(k => k.Split(' ')[0]));
            Assert.Equal(KeysDigest(keys), report["hostkeys"]);
            Assert.Equal(report["hostname"], Props.Text(identity, "hostname"));
        }
        Assert.Equal(templateDigest, FileDigest.Sha256(rootDisk));
        Assert.Contains(_clones.Log.Messages, m =>
            m.Message.StartsWith($"Clone '{Props.Text(clones[1].Outputs, "name")}': ", StringComparison.Ordinal)
            && m.Message.Contains("Performing")
        );
    }

    [Fact]
    public async Task A_reset_applies_the_identity_again_to_the_new_disk_and_the_guest_boots_as_itself()
    {
        var (template, rootDisk) = await TemplateAsync();
        var templateDigest = FileDigest.Sha256(rootDisk);
        var pristine = Pristine();
        var (id, outputs, inputs) = await _clones.CreateAsync(
            Props.Object(
                ("source", template),
                ("name", _names.Name("rsid")),
                ("mode", "linked"),
                ("shutdownTimeout", 5),
                ("resetOn", "1"),
                ("identity", Props.Object(("hostname", "student-7")))
            )
        );
        await WaitUntilShutOffAsync(id);
        var log = Path.Combine(pool.Path, $"{Props.Text(outputs, "name")}.log");
        var first = TestGuest.Report(log);
        File.Delete(log);

        // The guest powered itself off; running: true starts it again after the reset, to report its new disk.
        var reset = await _clones.UpdateAsync(id, outputs, inputs, Props.With(inputs, ("resetOn", "2")));
        await WaitUntilShutOffAsync(id);
        var second = TestGuest.Report(log);

        Assert.Equal("student-7", second["hostname"]);
        // A machine-id of its own again: not the template's (a fresh overlay without identity) nor the one before.
        Assert.Matches("^[0-9a-f]{32}$", second["machine-id"]);
        Assert.NotEqual(pristine["MACHINE_ID"], second["machine-id"]);
        Assert.NotEqual(first["machine-id"], second["machine-id"]);
        Assert.Equal(first["mac"], second["mac"]);
        var keys = Props.Texts((ObjectValue)reset["identity"]!, "sshHostKeys");
        Assert.Equal(KeysDigest(keys), second["hostkeys"]);
        Assert.Equal(templateDigest, FileDigest.Sha256(rootDisk));
    }

    [Fact]
    public async Task A_failing_identity_leaves_no_clone_half_made()
    {
        // A template whose disk holds no operating system: virt-sysprep finds nothing to work on.
        var blank = pool.CreateVolume("blank", 16 * MiB, "qcow2");
        var template = _names.Name("blank");
        using (
            pool.Libvirt.DefineDomain(
                new DomainDefinition
                {
                    Name = template,
                    Type = "qemu",
                    MemoryKiB = 65536,
                    Disks =
                    [
                        new DomainDisk
                        {
                            Path = blank.Path,
                            Format = "qcow2",
                            Target = "vda",
                        },
                    ],
                }
            )
        ) { }
        var name = _names.Name("noos");
        var check = await _clones.CheckAsync(
            Props.Object(("source", template), ("name", name), ("mode", "linked"), ("identity", Props.Object()))
        );
        Assert.Empty(check.Failures);

        var error = await Assert.ThrowsAsync<ProviderException>(() => _clones.CreateCheckedAsync(check.Inputs));
        Assert.Contains("applying 'identity' failed", error.Message);
        Assert.Null(pool.Libvirt.FindDomain(name));
        Assert.Null(pool.Find(Path.Combine(pool.Path, $"{name}-vda.qcow2")));
    }

    [Fact]
    public async Task Identity_on_a_shared_disk_a_bad_hostname_or_an_unknown_operation_is_a_check_failure()
    {
        var (template, _) = await TemplateAsync();
        var check = await _clones.CheckAsync(
            Props.Object(
                ("source", template),
                ("name", _names.Name("bad")),
                ("disks", Props.Array(Props.Object(("target", "vda"), ("mode", "share")))),
                (
                    "identity",
                    Props.Object(
                        ("hostname", "not_a_hostname"),
                        ("operations", Props.Array("machine-id", "no-such-op"))
                    )
                )
            )
        );
        Assert.Equal(
            ["identity.hostname", "identity.operations[1]", "disks[0].mode"],
            check.Failures.Select(f => f.Property)
        );
        Assert.Contains("shared with the source", check.Failures[2].Reason);
    }

    [Fact]
    public async Task Identity_says_why_it_cannot_apply_on_a_remote_host_without_ssh()
    {
        Assert.Contains(
            "reaches only over SSH",
            await GuestIdentity.UnavailableAsync("qemu+tcp://lab/system", CancellationToken.None)
        );
        Assert.Null(await GuestIdentity.UnavailableAsync("qemu:///system", CancellationToken.None));
    }
}
