using PulumiLibvirt.Framework;
using PulumiLibvirt.Libvirt;
using PulumiLibvirt.Tests.Support;

namespace PulumiLibvirt.Tests;

/// <summary>
/// Check on a remote host, against a host of facts: what only this machine could tell (its files, devices, routes) is
/// not taken for the remote host's; a file is looked for through libvirt, and what was not checked is said.
/// </summary>
[Trait(Category.Name, Category.Unit)]
public sealed class RemoteCheckUnitTests
{
    private const string Uri = "qemu+ssh://root@lab.example/system";

    private static FakeCheckHost Remote() => new() { Uri = Uri, IsLocal = false };

    private static ObjectValue Domain(string name, string file) =>
        Props.Object(
            ("name", name),
            ("type", "qemu"),
            ("memory", 64),
            ("running", false),
            ("disks", Props.Array(Props.Object(("file", file))))
        );

    [Fact]
    public async Task A_pool_path_that_is_a_file_here_is_not_refused_for_a_remote_host_and_is_said_to_be_unchecked()
    {
        // A file outside the system folders, which are refused on any host.
        var file = Path.GetTempFileName();
        try
        {
            var news = Props.Object(("name", TestPool.UniqueName("pool")), ("path", file));
            var local = await CheckOnFacts.RunAsync(new FakeCheckHost(), "libvirt:index:Pool", "p", news);
            Assert.Contains(local.Failures, f => f.Property == "path" && f.Reason.Contains("is a file"));

            var remote = await CheckOnFacts.RunAsync(Remote(), "libvirt:index:Pool", "p", news);
            Assert.Empty(remote.Failures);
            Assert.Contains(remote.Log.Messages, m =>
                m.Message.Contains($"on {Uri}") && m.Message.Contains("not checked on the remote host")
            );
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task A_remote_host_s_disk_file_is_looked_for_through_libvirt_not_on_this_machine()
    {
        var name = TestPool.UniqueName("dom");
        var onlyThere = "/var/lib/libvirt/images/only-there.raw";
        var host = Remote();
        host.OtherFiles.Add(FakeCheckHost.Qcow2(onlyThere) with { Format = "raw" });
        var there = await CheckOnFacts.RunAsync(host, "libvirt:index:Domain", name, Domain(name, onlyThere));
        Assert.Empty(there.Failures);

        // /etc/passwd is a file here, and no disk image: on the remote host it is what libvirt says.
        var missing = await CheckOnFacts.RunAsync(host, "libvirt:index:Domain", name, Domain(name, "/etc/passwd"));
        var failure = Assert.Single(missing.Failures);
        Assert.Equal("disks[0].file", failure.Property);
        Assert.Contains($"does not exist on {Uri}", failure.Reason);
    }

    [Fact]
    public async Task A_remote_host_that_cannot_look_in_the_file_s_folder_says_where_to_put_the_file()
    {
        var name = TestPool.UniqueName("dom");
        var host = new FakeCheckHost
        {
            Uri = Uri,
            IsLocal = false,
            FolderError = new LibvirtException(38, 18, "no such folder"),
        };
        var check = await CheckOnFacts.RunAsync(host, "libvirt:index:Domain", name, Domain(name, "/nowhere/disk.raw"));
        var failure = Assert.Single(check.Failures);
        Assert.Equal("disks[0].file", failure.Property);
        Assert.Contains("libvirt could not look for '/nowhere/disk.raw'", failure.Reason);
        Assert.Contains("no such folder", failure.Reason);
    }

    [Fact]
    public async Task A_network_bridge_on_a_remote_host_is_not_judged_by_this_machine_s_interfaces()
    {
        var news = Props.Object(("name", TestPool.UniqueName("net")), ("mode", "bridge"), ("bridge", "br-lab"));
        var local = await CheckOnFacts.RunAsync(new FakeCheckHost(), "libvirt:index:Network", "n", news);
        Assert.Contains(local.Failures, f =>
            f.Property == "bridge" && f.Reason.Contains("is not a bridge on this host")
        );

        var remote = await CheckOnFacts.RunAsync(Remote(), "libvirt:index:Network", "n", news);
        Assert.Empty(remote.Failures);
        Assert.Contains(remote.Log.Messages, m => m.Message.Contains("whether 'bridge' br-lab is a bridge there"));
    }
}
