using System.Runtime.Versioning;
using PulumiLibvirt.Framework;
using PulumiLibvirt.Libvirt;
using PulumiLibvirt.Tests.Support;
using static PulumiLibvirt.Tests.Support.Sizes;

namespace PulumiLibvirt.Tests;

/// <summary>
/// The Pool resource against the real libvirtd: directory pools of this run in temporary folders. Every pool, folder
/// and domain a test makes carries the run's prefix and is removed in Dispose, whatever the test's outcome.
/// </summary>
[SupportedOSPlatform("linux")] // folder modes are checked with Unix file modes
public sealed class PoolTests(TestPool testPool) : IClassFixture<TestPool>, IDisposable
{
    private readonly ResourceHarness _pools = new("libvirt:index:Pool");
    private readonly ResourceHarness _volumes = new("libvirt:index:Volume");
    private readonly TestDomains _domains = new();
    private readonly List<(string Name, string Path)> _made = [];
    private Connection Libvirt => testPool.Libvirt;

    public void Dispose()
    {
        _domains.Dispose();
        foreach (var (name, path) in _made)
        {
            using (var pool = Libvirt.FindPool(name))
            {
                if (pool is not null)
                {
                    if (pool.IsActive)
                        pool.Stop();
                    pool.Undefine();
                }
            }
            if (Directory.Exists(path))
                Directory.Delete(path, recursive: true);
            else if (File.Exists(path))
                File.Delete(path);
        }
        _pools.Dispose();
        _volumes.Dispose();
    }

    /// <summary>
    /// A run-prefixed pool name and a folder path under the temporary folder (not made), both removed in Dispose.
    /// </summary>
    private (string Name, string Path) NewPool(string hint)
    {
        var name = TestPool.UniqueName(hint);
        var made = (name, Path.Combine(Path.GetTempPath(), name));
        _made.Add(made);
        return made;
    }

    private static ObjectValue Inputs(string name, string path, params (string Key, object? Value)[] more) =>
        Props.With(Props.Object(("name", name), ("path", path)), more);

    private PoolDescription Live(string id)
    {
        using var pool = Libvirt.FindPool(id) ?? throw new Xunit.Sdk.XunitException($"pool {id} is gone");
        return pool.Describe();
    }

    private bool Exists(string uuidOrName)
    {
        using var pool = Libvirt.FindPool(uuidOrName);
        return pool is not null;
    }

    [Fact]
    public async Task A_pool_is_made_with_its_folder_holds_a_volume_and_is_deleted_only_once_the_volume_is_gone()
    {
        var (name, path) = NewPool("life");
        var (id, outputs, _) = await _pools.CreateAsync(Inputs(name, path));

        Assert.Equal(
            UnixFileMode.UserRead
                | UnixFileMode.UserWrite
                | UnixFileMode.UserExecute
                | UnixFileMode.GroupRead
                | UnixFileMode.GroupExecute
                | UnixFileMode.OtherRead
                | UnixFileMode.OtherExecute,
            File.GetUnixFileMode(path)
        );
        var live = Live(id);
        Assert.True(live.Active);
        Assert.True(live.Autostart);
        Assert.Equal(path, live.Path);
        Assert.Equal(live.Uuid, id);
        Assert.Equal(id, Props.Text(outputs, "uuid"));
        Assert.Equal(name, Props.Text(outputs, "name"));
        Assert.Equal(path, Props.Text(outputs, "path"));
        Assert.True(Props.Number(outputs, "capacity") > 0);
        Assert.True(Props.Number(outputs, "allocation") > 0);
        Assert.True(Props.Number(outputs, "available") > 0);
        Assert.Equal(new BoolValue(true), outputs["createdDirectory"]);

        var volumeName = TestPool.UniqueName("vol");
        var (volumeId, volumeOutputs, _) = await _volumes.CreateAsync(
            Props.Object(("name", volumeName), ("pool", name), ("capacity", MiB))
        );
        Assert.Equal(Path.Combine(path, volumeName), Props.Text(volumeOutputs, "path"));

        var refused = await Assert.ThrowsAsync<ProviderException>(() => _pools.DeleteAsync(id, outputs));
        Assert.Equal(ErrorKind.FailedPrecondition, refused.Kind);
        Assert.Contains($"'{volumeName}'", refused.Message);
        Assert.Contains("deleteVolumes", refused.Message);
        Assert.True(Live(id).Active);
        Assert.True(File.Exists(Path.Combine(path, volumeName)));

        await _volumes.DeleteAsync(volumeId, volumeOutputs);
        await _pools.DeleteAsync(id, outputs);
        Assert.False(Exists(id));
        Assert.False(Directory.Exists(path));
        await _pools.DeleteAsync(id, outputs); // deleting what is already gone succeeds
    }

    [Fact]
    public async Task A_folder_that_existed_keeps_its_mode_and_stays_when_the_pool_is_deleted()
    {
        var (name, path) = NewPool("kept");
        Directory.CreateDirectory(path);
        const UnixFileMode Mode =
            UnixFileMode.UserRead
            | UnixFileMode.UserWrite
            | UnixFileMode.UserExecute
            | UnixFileMode.GroupExecute
            | UnixFileMode.OtherExecute;
        File.SetUnixFileMode(path, Mode);
        var (id, outputs, _) = await _pools.CreateAsync(Inputs(name, path));
        Assert.Equal(new BoolValue(false), outputs["createdDirectory"]);
        Assert.Equal(Mode, File.GetUnixFileMode(path));

        await _pools.DeleteAsync(id, outputs);
        Assert.False(Exists(id));
        Assert.True(Directory.Exists(path));
    }

    [Fact]
    public async Task A_made_folder_with_something_the_pool_does_not_list_is_kept_and_the_log_says_why()
    {
        var (name, path) = NewPool("leftover");
        var (id, outputs, _) = await _pools.CreateAsync(Inputs(name, path));
        // libvirt lists no dangling symlink as a volume.
        File.CreateSymbolicLink(Path.Combine(path, "dangling"), "/nonexistent/target");

        await _pools.DeleteAsync(id, outputs);
        Assert.False(Exists(id));
        Assert.True(Directory.Exists(path));
        Assert.Contains(_pools.Log.Messages, m =>
            m.Severity == LogSeverity.Warning && m.Message.Contains("'dangling'") && m.Message.Contains(path)
        );
    }

    [Fact]
    public async Task DeleteVolumes_deletes_every_volume_overlays_first_then_the_pool_and_its_folder()
    {
        var (name, path) = NewPool("wipe");
        var (id, outputs, _) = await _pools.CreateAsync(Inputs(name, path, ("deleteVolumes", true)));
        using (var pool = Libvirt.FindPool(id)!)
        {
            using var baseVolume = pool.CreateVolume(new VolumeDefinition(TestPool.UniqueName("base"), MiB, "qcow2"));
            using var overlay = pool.CreateVolume(
                new VolumeDefinition(
                    TestPool.UniqueName("overlay"),
                    MiB,
                    "qcow2",
                    new BackingStore(baseVolume.Path, "qcow2")
                )
            );
            using var other = pool.CreateVolume(new VolumeDefinition(TestPool.UniqueName("other"), MiB, "raw"));
        }

        await _pools.DeleteAsync(id, outputs);
        Assert.False(Exists(id));
        Assert.False(Directory.Exists(path));
        Assert.Contains(_pools.Log.Messages, m => m.Message.Contains("deleting 3 volumes"));
    }

    [Fact]
    public async Task DeleteVolumes_still_refuses_a_volume_that_a_domain_uses_and_deletes_nothing()
    {
        var (name, path) = NewPool("inuse");
        var (id, outputs, _) = await _pools.CreateAsync(Inputs(name, path, ("deleteVolumes", true)));
        string diskPath;
        using (var pool = Libvirt.FindPool(id)!)
        {
            using var disk = pool.CreateVolume(new VolumeDefinition(TestPool.UniqueName("disk"), MiB, "qcow2"));
            using var spare = pool.CreateVolume(new VolumeDefinition(TestPool.UniqueName("spare"), MiB, "qcow2"));
            diskPath = disk.Path;
        }
        var domainName = _domains.Name("user");
        using (
            var domain = Libvirt.DefineDomain(
                $"""
                <domain type='qemu'><name>{domainName}</name><memory unit='KiB'>65536</memory><vcpu>1</vcpu>
                  <os><type arch='x86_64'>hvm</type></os>
                  <devices><disk type='file' device='disk'><driver name='qemu' type='qcow2'/>
                    <source file='{diskPath}'/><target dev='vda' bus='virtio'/></disk></devices>
                </domain>
                """
            )
        ) { }

        var refused = await Assert.ThrowsAsync<ProviderException>(() => _pools.DeleteAsync(id, outputs));
        Assert.Equal(ErrorKind.FailedPrecondition, refused.Kind);
        Assert.Contains(domainName, refused.Message);
        Assert.Contains(diskPath, refused.Message);
        Assert.True(Live(id).Active);
        Assert.Equal(2, Directory.GetFiles(path).Length);
    }

    [Fact]
    public async Task A_relative_path_a_file_another_pools_folder_or_a_bad_name_is_a_check_failure()
    {
        var (name, path) = NewPool("check");
        async Task<CheckFailure> Failure(ObjectValue inputs, ObjectValue? olds = null) =>
            Assert.Single((await _pools.CheckAsync(inputs, olds)).Failures);

        Assert.Equal("path", (await Failure(Inputs(name, "pools/lab"))).Property);

        File.WriteAllText(path, "not a folder");
        var file = await Failure(Inputs(name, path));
        Assert.Equal("path", file.Property);
        Assert.Contains("is a file", file.Reason);

        var taken = await Failure(Inputs(name, testPool.Path + "/"));
        Assert.Equal("path", taken.Property);
        Assert.Contains($"'{testPool.Name}'", taken.Reason);
        // An update of that very pool keeps its own folder.
        Assert.Empty(
            (
                await _pools.CheckAsync(Inputs(testPool.Name, testPool.Path), Inputs(testPool.Name, testPool.Path))
            ).Failures
        );

        Assert.Equal("name", (await Failure(Inputs("a/b", path + "-free"))).Property);
        Assert.Equal("name", (await Failure(Inputs("", path + "-free"))).Property);
    }

    [Fact]
    public async Task The_folder_of_a_pool_that_is_defined_but_not_started_is_taken_too()
    {
        var (other, otherPath) = NewPool("inactive");
        using (var _ = Libvirt.DefineDirectoryPool(other, otherPath)) { }
        var (name, _) = NewPool("check");
        var failure = Assert.Single((await _pools.CheckAsync(Inputs(name, otherPath))).Failures);
        Assert.Equal("path", failure.Property);
        Assert.Contains($"'{other}'", failure.Reason);
    }

    [Fact]
    public async Task A_name_another_pool_has_is_refused_at_create_naming_the_import()
    {
        var (_, path) = NewPool("dup");
        var error = await Assert.ThrowsAsync<ProviderException>(() => _pools.CreateAsync(Inputs(testPool.Name, path)));
        Assert.Equal(ErrorKind.FailedPrecondition, error.Kind);
        Assert.Contains("already exists", error.Message);
        Assert.Contains("pulumi import libvirt:index:Pool", error.Message);
        Assert.False(Directory.Exists(path));
    }

    [Fact]
    public async Task Autostart_changes_in_place_an_update_restarts_a_stopped_pool_and_a_new_path_replaces()
    {
        var (name, path) = NewPool("upd");
        var (id, outputs, inputs) = await _pools.CreateAsync(Inputs(name, path));
        var off = Props.With(inputs, ("autostart", false));
        var diff = _pools.Diff(id, outputs, inputs, off);
        Assert.Equal(["autostart"], diff.Changed);
        Assert.Empty(diff.Replaces);

        Command.Run("virsh", "-c", TestPool.Uri, "pool-destroy", name);
        var updated = await _pools.UpdateAsync(id, outputs, inputs, off);
        Assert.Equal(id, Props.Text(updated, "uuid"));
        var live = Live(id);
        Assert.False(live.Autostart);
        Assert.True(live.Active);

        var moved = _pools.Diff(id, updated, off, Props.With(off, ("path", path + "-2")));
        Assert.Equal(["path"], moved.Replaces);
        Assert.True(moved.DeleteBeforeReplace); // the replacement keeps the name
        var renamed = _pools.Diff(id, updated, off, Props.With(off, ("name", name + "-2")));
        Assert.Equal(["name"], renamed.Replaces);
        Assert.True(renamed.DeleteBeforeReplace); // the replacement keeps the folder
        var autonamed = await _pools.CheckAsync(Props.Object(("path", path)), name: "auto");
        var movedAutonamed = _pools.Diff(
            id,
            updated,
            autonamed.Inputs,
            Props.With(autonamed.Inputs, ("path", path + "-2"))
        );
        Assert.False(movedAutonamed.DeleteBeforeReplace); // a new name and a new folder: both can exist at once
    }

    [Fact]
    public async Task A_refresh_reads_autostart_disabled_outside_as_drift_and_a_stopped_pool_as_it_is()
    {
        var (name, path) = NewPool("drift");
        var (id, outputs, inputs) = await _pools.CreateAsync(Inputs(name, path));
        Assert.False(_pools.Diff(id, outputs, inputs, inputs).HasChanges);
        var same = (await _pools.ReadAsync(id, outputs, inputs))!;
        Assert.False(_pools.Diff(id, same.Outputs, same.Inputs!, inputs).HasChanges);

        Command.Run("virsh", "-c", TestPool.Uri, "pool-autostart", "--disable", name);
        var refreshed = (await _pools.ReadAsync(id, outputs, inputs))!;
        Assert.Equal(new BoolValue(false), refreshed.Inputs!["autostart"]);
        Assert.Equal(["autostart"], _pools.Diff(id, refreshed.Outputs, refreshed.Inputs, inputs).Changed);

        Command.Run("virsh", "-c", TestPool.Uri, "pool-destroy", name);
        var stopped = (await _pools.ReadAsync(id, refreshed.Outputs, refreshed.Inputs))!;
        Assert.Equal(id, stopped.Id);
        Assert.Equal(new BoolValue(true), stopped.Outputs["createdDirectory"]);
    }

    [Fact]
    public async Task An_import_of_a_pool_made_outside_derives_its_inputs_and_never_claims_its_folder()
    {
        var (name, path) = NewPool("import");
        string uuid;
        using (var made = Libvirt.CreateDirectoryPool(name, path))
            uuid = made.Uuid;

        var imported = (await _pools.ReadAsync(name))!;
        Assert.Equal(uuid, imported.Id);
        var inputs = imported.Inputs!;
        Assert.Equal(name, Props.Text(inputs, "name"));
        Assert.Equal(path, Props.Text(inputs, "path"));
        Assert.Equal(new BoolValue(false), inputs["autostart"]); // made without autostart, unlike the default
        Assert.Null(inputs["deleteVolumes"]);
        Assert.Null(inputs["type"]); // dir, the default, is left out
        Assert.Equal(new BoolValue(false), imported.Outputs["createdDirectory"]);
        Assert.Empty((await _pools.CheckAsync(inputs, inputs)).Failures);

        Assert.Null(await _pools.ReadAsync(Guid.NewGuid().ToString()));
    }

    [Fact]
    public async Task An_import_of_a_pool_that_is_not_a_directory_pool_says_only_dir_pools_are_managed()
    {
        var (name, path) = NewPool("netfs");
        Command.Run(
            "virsh",
            "-c",
            TestPool.Uri,
            "pool-define-as",
            name,
            "netfs",
            "--source-host",
            "localhost",
            "--source-path",
            "/export",
            "--target",
            path
        );
        var error = await Assert.ThrowsAsync<ProviderException>(() => _pools.ReadAsync(name));
        Assert.Equal(ErrorKind.InvalidArgument, error.Kind);
        Assert.Contains("'netfs'", error.Message);
        Assert.Contains("dir only", error.Message);
    }

    [Fact]
    public async Task A_create_that_fails_after_define_leaves_no_pool_and_no_folder()
    {
        var (name, path) = NewPool("rollback");
        File.WriteAllText(path, "a file where a parent folder should be");
        var check = await _pools.CheckAsync(Inputs(name, Path.Combine(path, "pool")));
        Assert.Empty(check.Failures);
        var error = await Assert.ThrowsAnyAsync<ProviderException>(() => _pools.CreateCheckedAsync(check.Inputs));
        Assert.IsNotType<ResourceInitFailedException>(error);
        Assert.False(Exists(name));
        Assert.True(File.Exists(path));
    }

    [Fact]
    public async Task A_preview_makes_nothing_and_leaves_the_name_unknown()
    {
        var (name, path) = NewPool("preview");
        var check = await _pools.CheckAsync(Inputs(name, path));
        var preview = await _pools.PreviewCreateAsync(check.Inputs);
        Assert.Equal(PropertyValue.Unknown, preview.Outputs["name"]);
        Assert.Equal(PropertyValue.Unknown, preview.Outputs["uuid"]);
        Assert.Equal(path, Props.Text(preview.Outputs, "path"));
        Assert.False(Exists(name));
        Assert.False(Directory.Exists(path));
    }
}
