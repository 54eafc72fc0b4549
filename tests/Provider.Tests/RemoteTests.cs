using PulumiLibvirt.Framework;
using PulumiLibvirt.Libvirt;
using PulumiLibvirt.Tests.Support;
using static PulumiLibvirt.Tests.Support.Sizes;

namespace PulumiLibvirt.Tests;

/// <summary>
/// The resources on libvirt hosts reached through real SSH servers (qemu+ssh://root@127.0.0.1:PORT/system with the
/// run's key and known_hosts). The second host's libvirtd keeps /var/lib/libvirt in a mount namespace of its own: a
/// path there is on that host only, so what works there cannot have gone through this machine's files.
/// </summary>
[Collection(OverSsh.Name)]
public sealed class RemoteTests(SshHosts hosts, TestPool pool, TestNetwork network)
    : IClassFixture<TestPool>,
        IClassFixture<TestNetwork>,
        IDisposable
{
    private readonly TestImages _images = new();

    public void Dispose() => _images.Dispose();

    /// <summary>
    /// A folder of the second host (in its /var/lib/libvirt), and where this machine sees the same folder.
    /// </summary>
    private (string OnHost, string Here) SecondHostFolder(string hint)
    {
        var name = TestPool.UniqueName(hint);
        var here = Path.Combine(hosts.SecondRoot, "lib", name);
        return ($"/var/lib/libvirt/{name}", here);
    }

    [Fact]
    public async Task A_pool_and_volumes_on_a_remote_host_are_made_there_uploaded_by_stream_and_copied_on_the_host()
    {
        using var pools = new ResourceHarness("libvirt:index:Pool", hosts.SecondUri);
        using var volumes = new ResourceHarness("libvirt:index:Volume", hosts.SecondUri);
        var (folder, folderHere) = SecondHostFolder("pool");
        Assert.False(Directory.Exists(folder), $"{folder} must exist on the second host only");

        var (poolId, poolOutputs, _) = await pools.CreateAsync(Props.Object(("path", folder)));
        var pool = Props.Text(poolOutputs, "name");
        Assert.True(Directory.Exists(folderHere));
        // The provider cannot see a remote host's folders: it never claims (nor later removes) one as its own.
        Assert.False(((BoolValue)poolOutputs["createdDirectory"]!).Value);

        // A file of this machine arrives through the connection's stream.
        var (uploadId, uploadOutputs, _) = await volumes.CreateAsync(
            Props.Object(("pool", pool), ("source", Props.Object(("file", _images.Qcow2)))),
            "upload"
        );
        Assert.Equal($"{folder}/{Props.Text(uploadOutputs, "name")}", Props.Text(uploadOutputs, "path"));
        Assert.True(TestImages.SameContent(_images.Qcow2, Path.Combine(folderHere, Props.Text(uploadOutputs, "name"))));

        // A file that exists on the host only is copied there, by libvirt.
        var hostFile = $"/var/lib/libvirt/{TestPool.UniqueName("hostfile")}.raw";
        File.Copy(_images.Raw, Path.Combine(hosts.SecondRoot, "lib", Path.GetFileName(hostFile)));
        Assert.False(File.Exists(hostFile));
        var (copyId, copyOutputs, _) = await volumes.CreateAsync(
            Props.Object(("pool", pool), ("source", Props.Object(("hostPath", hostFile)))),
            "copy"
        );
        Assert.Equal("raw", Props.Text(copyOutputs, "format"));
        Assert.True(TestImages.SameContent(_images.Raw, Path.Combine(folderHere, Props.Text(copyOutputs, "name"))));
        Assert.Contains(volumes.Log.Messages, m =>
            m.Message.Contains($"copying '{hostFile}'", StringComparison.Ordinal)
            && m.Message.Contains("on the host", StringComparison.Ordinal)
        );

        // An overlay on the uploaded base, and Check judging a host path on the host.
        var (overlayId, overlayOutputs, _) = await volumes.CreateAsync(
            Props.Object(("pool", pool), ("backingStore", Props.Object(("volume", uploadId)))),
            "overlay"
        );
        Assert.Equal(
            Props.Text(uploadOutputs, "path"),
            Props.Text((ObjectValue)overlayOutputs["backingStore"]!, "path")
        );
        var missing = await volumes.CheckAsync(
            Props.Object(("pool", pool), ("source", Props.Object(("hostPath", hostFile + ".missing"))))
        );
        Assert.Equal("source.hostPath", Assert.Single(missing.Failures).Property);

        foreach (
            var (id, outputs) in new[] { (overlayId, overlayOutputs), (copyId, copyOutputs), (uploadId, uploadOutputs) }
        )
            await volumes.DeleteAsync(id, outputs);
        await pools.DeleteAsync(poolId, poolOutputs);
    }

    [Fact]
    public async Task A_network_a_domain_and_full_and_linked_clones_work_on_a_remote_host()
    {
        using var pools = new ResourceHarness("libvirt:index:Pool", hosts.SecondUri);
        using var volumes = new ResourceHarness("libvirt:index:Volume", hosts.SecondUri);
        using var networks = new ResourceHarness("libvirt:index:Network", hosts.SecondUri);
        using var domains = new ResourceHarness("libvirt:index:Domain", hosts.SecondUri);
        using var clones = new ResourceHarness("libvirt:index:Clone", hosts.SecondUri);
        var (folder, folderHere) = SecondHostFolder("clonepool");
        var (_, poolOutputs, _) = await pools.CreateAsync(Props.Object(("path", folder)));
        var pool = Props.Text(poolOutputs, "name");
        var (_, networkOutputs, _) = await networks.CreateAsync(
            Props.Object(("name", TestPool.UniqueName("net")), ("addresses", Props.Array(TestNetworks.FreeSubnet())))
        );
        var (diskId, _, _) = await volumes.CreateAsync(Props.Object(("pool", pool), ("capacity", 16 * MiB)), "disk");
        var template = TestPool.UniqueName("tmpl");
        await domains.CreateAsync(
            Props.Object(
                ("name", template),
                ("type", "qemu"),
                ("memory", 64),
                ("running", false),
                ("disks", Props.Array(Props.Object(("volume", diskId)))),
                ("networkInterfaces", Props.Array(Props.Object(("network", Props.Text(networkOutputs, "name")))))
            )
        );

        var (_, full, _) = await clones.CreateAsync(
            Props.Object(
                ("source", template),
                ("name", TestPool.UniqueName("full")),
                ("mode", "full"),
                ("running", false)
            ),
            "full"
        );
        var (_, linked, _) = await clones.CreateAsync(
            Props.Object(
                ("source", template),
                ("name", TestPool.UniqueName("linked")),
                ("mode", "linked"),
                ("running", false)
            ),
            "linked"
        );
        foreach (var clone in new[] { full, linked })
        {
            var path = Props.Text(Props.Objects(clone, "volumes").Single(), "path");
            Assert.StartsWith(folder + "/", path);
            Assert.True(File.Exists(Path.Combine(folderHere, Path.GetFileName(path))));
        }
        var linkedDisk = Path.Combine(
            folderHere,
            Path.GetFileName(Props.Text(Props.Objects(linked, "volumes").Single(), "path"))
        );
        Assert.Contains(
            $"backing file: {Path.Combine(folder, Path.GetFileName(diskId))}",
            Command.Run("qemu-img", "info", "-U", linkedDisk)
        );

        // The network is the second host's: this machine's libvirtd knows no such network.
        using var local = Connection.Open(TestPool.Uri);
        Assert.Null(local.FindNetwork(Props.Text(networkOutputs, "name")));
    }

    [Fact]
    public async Task Identity_on_a_remote_host_runs_virt_sysprep_there_over_the_same_ssh_login_with_its_progress()
    {
        var guest = TestGuest.Shared;
        using var names = new TestDomains();
        var template = names.Name("tmpl");
        var rootDisk = guest.CopyRootInto(pool, template);
        using (var domains = new ResourceHarness("libvirt:index:Domain", hosts.SystemUri))
        {
            await domains.CreateAsync(
                Props.Object(
                    ("name", template),
                    ("type", "qemu"),
                    ("memory", 256),
                    ("running", false),
                    ("kernel", guest.Kernel),
                    ("initrd", guest.Initrd),
                    ("cmdline", guest.Cmdline),
                    ("disks", Props.Array(Props.Object(("volume", rootDisk)))),
                    ("networkInterfaces", Props.Array(Props.Object(("network", network.Name))))
                )
            );
        }
        // Only this machine's KVM is probed; a remote host gets what the stack's config says.
        using var clones = new ResourceHarness(
            "libvirt:index:Clone",
            hosts.SystemUri,
            ("guestfsBackendSettings", await Guestfs.GuestfsBackend.DefaultAsync())
        );
        var name = names.Name("ident");
        var (_, outputs, _) = await clones.CreateAsync(
            Props.Object(
                ("source", template),
                ("name", name),
                ("mode", "linked"),
                ("running", false),
                ("identity", Props.Object(("hostname", "remote-one")))
            )
        );

        var identity = (ObjectValue)outputs["identity"]!;
        Assert.Equal("remote-one", Props.Text(identity, "hostname"));
        Assert.Equal(3, Props.Texts(identity, "sshHostKeys").Count);
        var lines = clones.Log.Messages.Select(m => m.Message).ToList();
        Assert.Contains(lines, l =>
            l.Contains($"on root@127.0.0.1:{hosts.SystemPort} over SSH", StringComparison.Ordinal)
        );
        Assert.Contains(lines, l => l.Contains("Setting the hostname: remote-one", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("Uploading: ssh_host_ed25519_key", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Identity_on_a_remote_host_without_virt_sysprep_is_refused_saying_what_to_install_where()
    {
        using var clones = new ResourceHarness("libvirt:index:Clone", hosts.SecondUri);
        var check = await clones.CheckAsync(
            Props.Object(("source", "any"), ("name", TestPool.UniqueName("id")), ("identity", Props.Object()))
        );
        var failure = Assert.Single(check.Failures, f => f.Property == "identity");
        Assert.Contains($"over SSH (root@127.0.0.1:{hosts.SecondPort})", failure.Reason);
        Assert.Contains("Install it on 127.0.0.1 (apt-get install libguestfs-tools", failure.Reason);
    }

    [Fact]
    public async Task Check_looks_for_a_domains_files_on_the_remote_host()
    {
        using var domains = new ResourceHarness("libvirt:index:Domain", hosts.SecondUri);
        var (folder, folderHere) = SecondHostFolder("boot");
        Directory.CreateDirectory(folderHere);
        File.WriteAllText(Path.Combine(folderHere, "vmlinuz"), "a kernel");
        Assert.False(File.Exists($"{folder}/vmlinuz"));

        var found = await domains.CheckAsync(Props.Object(("type", "qemu"), ("kernel", $"{folder}/vmlinuz")));
        Assert.Empty(found.Failures);
        var missing = await domains.CheckAsync(
            Props.Object(("type", "qemu"), ("kernel", $"{folder}/missing"), ("initrd", "/nonexistent-folder/initrd"))
        );
        Assert.Equal(["kernel", "initrd"], missing.Failures.Select(f => f.Property));
        Assert.Contains(
            $"'{folder}/missing' does not exist on qemu+ssh://root@127.0.0.1:{hosts.SecondPort}/system",
            missing.Failures[0].Reason
        );
        Assert.Contains("check that its folder exists there", missing.Failures[1].Reason);
    }

    [Fact]
    public async Task Check_warns_naming_what_it_cannot_check_on_a_remote_host_and_checks_it_here()
    {
        static IEnumerable<string> Warnings(ResourceHarness harness) =>
            harness.Log.Messages.Where(m => m.Severity == LogSeverity.Warning).Select(m => m.Message);
        var path = $"/var/lib/libvirt/{TestPool.UniqueName("unchecked")}";
        using var remotePools = new ResourceHarness("libvirt:index:Pool", hosts.SecondUri);
        Assert.Empty((await remotePools.CheckAsync(Props.Object(("path", path)))).Failures);
        Assert.Contains(Warnings(remotePools), w =>
            w.Contains(
                $"'path' {path} is a file rather than a folder is not checked on the remote host",
                StringComparison.Ordinal
            ) && w.Contains(hosts.SecondUri, StringComparison.Ordinal)
        );
        using var localPools = new ResourceHarness("libvirt:index:Pool");
        Assert.Empty((await localPools.CheckAsync(Props.Object(("path", path)))).Failures);
        Assert.Empty(Warnings(localPools));

        // lo is an interface of every host: here Check refuses it as a bridge name; remotely it says it could not look.
        var subnet = TestNetworks.FreeSubnet();
        var routed = Props.Object(("addresses", Props.Array(subnet)), ("bridge", "lo"));
        var joined = Props.Object(("mode", "bridge"), ("bridge", "br-none"));
        using var remoteNetworks = new ResourceHarness("libvirt:index:Network", hosts.SecondUri);
        Assert.Empty((await remoteNetworks.CheckAsync(routed)).Failures);
        Assert.Contains(Warnings(remoteNetworks), w =>
            w.Contains(
                "not checked on the remote host: whether 'bridge' lo is an interface there already; whether "
                    + "'addresses' overlap the host's routes",
                StringComparison.Ordinal
            )
        );
        Assert.Empty((await remoteNetworks.CheckAsync(joined)).Failures);
        Assert.Contains(Warnings(remoteNetworks), w =>
            w.Contains("whether 'bridge' br-none is a bridge there", StringComparison.Ordinal)
        );
        using var localNetworks = new ResourceHarness("libvirt:index:Network");
        Assert.Equal(["bridge"], (await localNetworks.CheckAsync(routed)).Failures.Select(f => f.Property));
        Assert.Equal(["bridge"], (await localNetworks.CheckAsync(joined)).Failures.Select(f => f.Property));
        Assert.Empty(Warnings(localNetworks));
    }

    [Fact]
    public async Task An_unknown_host_key_is_refused_saying_how_to_accept_it()
    {
        var empty = Path.Combine(_images.Folder, "known_hosts");
        File.WriteAllText(empty, "");
        using var volumes = new ResourceHarness(
            "libvirt:index:Volume",
            hosts.UriFor(hosts.SystemPort, knownHosts: empty)
        );
        var error = await Assert.ThrowsAsync<ProviderException>(() =>
            volumes.CheckAsync(Props.Object(("capacity", MiB)))
        );
        Assert.Contains("Host key verification failed", error.Message);
        Assert.Contains($"ssh-keyscan -p {hosts.SystemPort} 127.0.0.1 >> {empty}", error.Message);
        Assert.Equal("", File.ReadAllText(empty));
    }

    [Fact]
    public async Task A_key_the_host_refuses_fails_saying_how_to_log_in_with_a_key()
    {
        var stranger = Path.Combine(_images.Folder, "stranger");
        Command.Run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", stranger);
        using var volumes = new ResourceHarness(
            "libvirt:index:Volume",
            hosts.UriFor(hosts.SystemPort, keyFile: stranger)
        );
        var error = await Assert.ThrowsAsync<ProviderException>(() =>
            volumes.CheckAsync(Props.Object(("capacity", MiB)))
        );
        Assert.Contains("Permission denied", error.Message);
        Assert.Contains("keyfile=", error.Message);
    }
}
