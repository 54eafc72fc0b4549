using PulumiLibvirt.Framework;
using PulumiLibvirt.Libvirt;
using PulumiLibvirt.Tests.Support;
using static PulumiLibvirt.Tests.Support.Sizes;

namespace PulumiLibvirt.Tests;

/// <summary>The Volume resource against the real libvirtd, in a directory pool of this run.</summary>
public sealed class VolumeTests(TestPool pool) : IClassFixture<TestPool>, IDisposable
{
    private readonly ResourceHarness _volumes = new("libvirt:index:Volume");

    public void Dispose() => _volumes.Dispose();

    private ObjectValue Inputs(params (string Key, object? Value)[] more) =>
        Props.Object([("pool", pool.Name), .. more]);

    private int VolumeCount()
    {
        pool.Pool.Refresh();
        return pool.Pool.ListVolumes().Count;
    }

    [Fact]
    public async Task Create_makes_a_qcow2_volume_and_reports_key_path_capacity_and_format()
    {
        var name = TestPool.UniqueName("plain");
        var (id, outputs, _) = await _volumes.CreateAsync(Inputs(("name", name), ("capacity", 8 * MiB)));
        var actual = pool.Find(id)!;
        Assert.Equal(actual.Key, id);
        Assert.Equal(actual.Key, Props.Text(outputs, "key"));
        Assert.Equal(Path.Combine(pool.Path, name), Props.Text(outputs, "path"));
        Assert.Equal(8 * MiB, Props.Number(outputs, "capacity"));
        Assert.Equal("qcow2", Props.Text(outputs, "format"));
        Assert.Equal(pool.Name, Props.Text(outputs, "pool"));
        Assert.Contains("file format: qcow2", Command.Run("qemu-img", "info", actual.Path));
    }

    [Fact]
    public async Task A_raw_volume_is_thin_its_file_occupies_nothing_until_written()
    {
        var (id, _, _) = await _volumes.CreateAsync(Inputs(("capacity", 256 * MiB), ("format", "raw")));
        var path = pool.Find(id)!.Path;
        Assert.Equal(256 * MiB, new FileInfo(path).Length);
        Assert.True(TestImages.Allocated(path) < MiB, $"the new volume occupies {TestImages.Allocated(path)} bytes");
    }

    [Fact]
    public async Task A_volume_with_a_backing_store_is_a_real_overlay_on_the_base()
    {
        var baseVolume = pool.CreateVolume("base", 16 * MiB, "raw");
        var (id, outputs, inputs) = await _volumes.CreateAsync(
            Inputs(("backingStore", Props.Object(("volume", baseVolume.Path))))
        );
        var overlay = pool.Find(id)!;
        var info = Command.Run("qemu-img", "info", "--backing-chain", overlay.Path);
        Assert.Contains($"backing file: {baseVolume.Path}", info);
        Assert.Contains("backing file format: raw", info);
        Assert.Equal(16 * MiB, Props.Number(inputs, "capacity")); // the base's size when none is given
        var backing = (ObjectValue)outputs["backingStore"]!;
        Assert.Equal(baseVolume.Path, Props.Text(backing, "path"));
        Assert.Equal("raw", Props.Text(backing, "format"));
    }

    [Fact]
    public async Task An_overlay_smaller_than_its_base_is_a_check_failure_on_capacity_and_nothing_is_created()
    {
        var baseVolume = pool.CreateVolume("base", 16 * MiB);
        var before = VolumeCount();
        var check = await _volumes.CheckAsync(
            Inputs(("capacity", 8 * MiB), ("backingStore", Props.Object(("volume", baseVolume.Key))))
        );
        var failure = Assert.Single(check.Failures);
        Assert.Equal("capacity", failure.Property);
        Assert.Contains("smaller than the base", failure.Reason);
        Assert.Equal(before, VolumeCount());
    }

    [Fact]
    public async Task An_overlay_larger_than_its_base_is_allowed_and_the_log_says_to_grow_the_filesystem()
    {
        var baseVolume = pool.CreateVolume("base", 16 * MiB);
        var check = await _volumes.CheckAsync(
            Inputs(("capacity", 32 * MiB), ("backingStore", Props.Object(("volume", baseVolume.Key))))
        );
        Assert.Empty(check.Failures);
        Assert.Contains(_volumes.Log.Messages, m =>
            m.Severity == LogSeverity.Warning && m.Message.Contains("filesystem must be grown")
        );
    }

    [Theory]
    [InlineData("a/b")]
    [InlineData("..")]
    [InlineData("x..y")]
    [InlineData("nul\0byte")]
    [InlineData("")]
    [InlineData("  ")]
    public async Task A_name_that_is_no_file_name_is_a_check_failure(string name)
    {
        var check = await _volumes.CheckAsync(Inputs(("name", name), ("capacity", MiB)));
        Assert.Equal("name", Assert.Single(check.Failures).Property);
    }

    [Fact]
    public async Task A_missing_pool_or_base_or_capacity_is_a_check_failure_that_says_what_to_do()
    {
        var before = VolumeCount();
        var check = await _volumes.CheckAsync(Props.Object(("pool", TestPool.UniqueName("nopool")), ("capacity", MiB)));
        Assert.Contains("does not exist", Assert.Single(check.Failures, f => f.Property == "pool").Reason);

        check = await _volumes.CheckAsync(
            Inputs(("backingStore", Props.Object(("volume", "/nonexistent/base.qcow2"))))
        );
        Assert.Contains(
            "Create the base first",
            Assert.Single(check.Failures, f => f.Property == "backingStore.volume").Reason
        );

        check = await _volumes.CheckAsync(Inputs());
        Assert.Contains("required", Assert.Single(check.Failures, f => f.Property == "capacity").Reason);

        check = await _volumes.CheckAsync(
            Inputs(("format", "raw"), ("backingStore", Props.Object(("volume", pool.CreateVolume("base", MiB).Key))))
        );
        Assert.Equal("format", Assert.Single(check.Failures).Property);
        Assert.Equal(before + 1, VolumeCount()); // only the base this test made itself
    }

    [Fact]
    public async Task Autonaming_is_stable_for_one_seed_keeps_an_old_name_and_differs_across_seeds()
    {
        var first = await _volumes.CheckAsync(Inputs(("capacity", MiB)), name: "web", seed: [7, 7]);
        var again = await _volumes.CheckAsync(Inputs(("capacity", MiB)), name: "web", seed: [7, 7]);
        var other = await _volumes.CheckAsync(Inputs(("capacity", MiB)), name: "web", seed: [8, 8]);
        var kept = await _volumes.CheckAsync(Inputs(("capacity", MiB)), olds: first.Inputs, name: "web", seed: [9, 9]);
        var name = Props.Text(first.Inputs, "name");
        Assert.Matches("^web-[0-9a-f]{7}$", name);
        Assert.Equal(name, Props.Text(again.Inputs, "name"));
        Assert.NotEqual(name, Props.Text(other.Inputs, "name"));
        Assert.Equal(name, Props.Text(kept.Inputs, "name"));
    }

    [Fact]
    public async Task Unknown_inputs_pass_check_stay_unknown_and_a_preview_touches_nothing()
    {
        var before = VolumeCount();
        var check = await _volumes.CheckAsync(
            Inputs(
                ("capacity", PropertyValue.Unknown),
                ("backingStore", Props.Object(("volume", PropertyValue.Unknown)))
            )
        );
        Assert.Empty(check.Failures);
        Assert.Equal(PropertyValue.Unknown, check.Inputs["capacity"]);

        var preview = await _volumes.PreviewCreateAsync(check.Inputs);
        Assert.Equal("", preview.Id);
        Assert.Equal(PropertyValue.Unknown, preview.Outputs["key"]);
        Assert.Equal(PropertyValue.Unknown, preview.Outputs["path"]);
        Assert.Equal(PropertyValue.Unknown, preview.Outputs["capacity"]);
        Assert.Equal(pool.Name, Props.Text(preview.Outputs, "pool"));
        Assert.Equal(before, VolumeCount());
    }

    [Fact]
    public async Task Diff_grows_in_place_and_replaces_on_shrink_or_a_new_name_pool_format_or_base()
    {
        var name = TestPool.UniqueName("diff");
        var (id, outputs, inputs) = await _volumes.CreateAsync(Inputs(("name", name), ("capacity", 8 * MiB)));
        ResourceDiff Diff(params (string, object?)[] changes) =>
            _volumes.Diff(id, outputs, inputs, Props.With(inputs, changes));

        var grow = Diff(("capacity", 16 * MiB));
        Assert.Equal(DiffKind.Update, grow.Detailed["capacity"]);
        Assert.Empty(grow.Replaces);

        var shrink = Diff(("capacity", 4 * MiB));
        Assert.Equal(DiffKind.UpdateReplace, shrink.Detailed["capacity"]);
        Assert.True(shrink.DeleteBeforeReplace); // same name in the same pool: the old file must go first

        Assert.Equal(["name"], Diff(("name", name + "-2")).Replaces);
        Assert.False(Diff(("name", name + "-2")).DeleteBeforeReplace);
        Assert.Equal(["pool"], Diff(("pool", "elsewhere")).Replaces);
        Assert.Equal(["format"], Diff(("format", "raw")).Replaces);
        var rebased = Diff(("backingStore", Props.Object(("volume", "/some/base"))));
        Assert.Equal(DiffKind.AddReplace, rebased.Detailed["backingStore"]);
        Assert.Equal(
            DiffKind.UpdateReplace,
            Diff(("capacity", PropertyValue.Unknown), ("format", PropertyValue.Unknown)).Detailed["format"]
        );
    }

    [Fact]
    public async Task Same_inputs_give_no_diff_after_create_update_or_read_even_when_libvirt_rounds_the_size()
    {
        const long OddSize = MiB + 1; // qcow2 sizes are whole sectors: libvirt reports more than was asked
        var (id, outputs, inputs) = await _volumes.CreateAsync(Inputs(("capacity", OddSize)));
        Assert.NotEqual(OddSize, Props.Number(outputs, "capacity"));
        Assert.False(_volumes.Diff(id, outputs, inputs, inputs).HasChanges);

        var grown = inputs.With("capacity", Props.Value(2 * MiB + 3));
        var updated = await _volumes.UpdateAsync(id, outputs, inputs, grown);
        Assert.False(_volumes.Diff(id, updated, grown, grown).HasChanges);

        var read = (await _volumes.ReadAsync(id, updated, grown))!;
        Assert.Equal(id, read.Id);
        Assert.False(_volumes.Diff(id, read.Outputs, read.Inputs, grown).HasChanges);
    }

    [Fact]
    public async Task A_size_changed_outside_shows_in_the_refresh_diff_and_the_next_update_restores_the_declared_size()
    {
        var (id, outputs, inputs) = await _volumes.CreateAsync(Inputs(("capacity", 4 * MiB)));
        using (var volume = pool.Libvirt.FindVolume(id)!)
            Command.Run(
                "virsh",
                "-c",
                TestPool.Uri,
                "vol-resize",
                "--pool",
                pool.Name,
                volume.Describe().Name,
                $"{8 * MiB}"
            );
        var refreshed = (await _volumes.ReadAsync(id, outputs, inputs))!;
        Assert.Equal(8 * MiB, Props.Number(refreshed.Inputs, "capacity"));
        // The refresh diff is Diff(refreshed outputs and inputs, the old inputs): the size changed outside shows.
        Assert.Equal(["capacity"], _volumes.Diff(id, refreshed.Outputs, refreshed.Inputs, inputs).Changed);
        // The next `pulumi up` compares the refreshed inputs with the program: back to 4 MiB, which for a volume
        // means a new one (shrinking replaces), shown as such in the preview.
        var program = (await _volumes.CheckAsync(Inputs(("capacity", 4 * MiB)), refreshed.Inputs)).Inputs;
        Assert.Equal(["capacity"], _volumes.Diff(id, refreshed.Outputs, refreshed.Inputs, program).Replaces);
        // A size that did not change outside is not drift, however libvirt rounded it.
        var again = (await _volumes.ReadAsync(id, refreshed.Outputs, refreshed.Inputs))!;
        Assert.Equal(8 * MiB, Props.Number(again.Inputs, "capacity"));
    }

    [Fact]
    public async Task A_replacement_deletes_first_only_when_it_takes_the_given_name_in_the_same_pool()
    {
        async Task<bool> DeletesFirst(ObjectValue program)
        {
            var olds = (await _volumes.CheckAsync(program)).Inputs;
            var news = (await _volumes.CheckAsync(program.With("format", Props.Value("raw")), olds)).Inputs;
            var diff = _volumes.Diff("x", olds, olds, news);
            Assert.Equal(["format"], diff.Replaces);
            return diff.DeleteBeforeReplace;
        }
        // An automatic name is kept on update, but the replacement's second Check makes a new one: no clash.
        Assert.False(await DeletesFirst(Inputs(("capacity", MiB))));
        Assert.True(await DeletesFirst(Inputs(("capacity", MiB), ("name", TestPool.UniqueName("given")))));
    }

    [Fact]
    public async Task Growing_a_volume_resizes_it_in_place_and_keeps_its_data()
    {
        var (id, outputs, inputs) = await _volumes.CreateAsync(Inputs(("capacity", 4 * MiB)));
        var path = Props.Text(outputs, "path");
        Command.WritePattern(path, "qcow2", 0xab, 0, MiB);

        var preview = await _volumes.UpdateAsync(
            id,
            outputs,
            inputs,
            inputs.With("capacity", Props.Value(12 * MiB)),
            preview: true
        );
        Assert.Equal(PropertyValue.Unknown, preview["capacity"]);
        Assert.Equal(id, Props.Text(preview, "key"));
        Assert.Equal(4 * MiB, (long)pool.Find(id)!.Capacity); // a preview changes nothing

        var updated = await _volumes.UpdateAsync(id, outputs, inputs, inputs.With("capacity", Props.Value(12 * MiB)));
        Assert.Equal(12 * MiB, Props.Number(updated, "capacity"));
        Assert.Equal(12 * MiB, (long)pool.Find(id)!.Capacity);
        Assert.Equal(path, pool.Find(id)!.Path);
        Assert.True(Command.HasPattern(path, "qcow2", 0xab, 0, MiB));
    }

    [Fact]
    public async Task Read_refreshes_outputs_sees_deletion_outside_and_imports_with_inputs()
    {
        var baseVolume = pool.CreateVolume("base", 2 * MiB);
        var (id, outputs, inputs) = await _volumes.CreateAsync(
            Inputs(("backingStore", Props.Object(("volume", baseVolume.Key))))
        );

        var imported = (await _volumes.ReadAsync(id))!;
        Assert.Equal(id, imported.Id);
        Assert.Equal(Props.Text(outputs, "name"), Props.Text(imported.Inputs, "name"));
        Assert.Equal(pool.Name, Props.Text(imported.Inputs, "pool"));
        Assert.Equal(2 * MiB, Props.Number(imported.Inputs, "capacity"));
        Assert.Equal(baseVolume.Path, Props.Text((ObjectValue)imported.Inputs["backingStore"]!, "volume"));

        using (var volume = pool.Libvirt.FindVolume(id))
            volume!.Delete();
        Assert.Null(await _volumes.ReadAsync(id, outputs, inputs));
    }

    [Fact]
    public async Task Deleting_a_base_is_refused_while_an_overlay_uses_it_and_a_gone_volume_deletes_quietly()
    {
        var (baseId, baseOutputs, _) = await _volumes.CreateAsync(Inputs(("capacity", 2 * MiB)), name: "base");
        var (overlayId, overlayOutputs, _) = await _volumes.CreateAsync(
            Inputs(("backingStore", Props.Object(("volume", baseId)))),
            name: "overlay"
        );

        var refused = await Assert.ThrowsAsync<ProviderException>(() => _volumes.DeleteAsync(baseId, baseOutputs));
        Assert.Equal(ErrorKind.FailedPrecondition, refused.Kind);
        Assert.Contains(Props.Text(overlayOutputs, "path"), refused.Message);
        Assert.NotNull(pool.Find(baseId));

        await _volumes.DeleteAsync(overlayId, overlayOutputs);
        await _volumes.DeleteAsync(baseId, baseOutputs);
        Assert.Null(pool.Find(baseId));
        await _volumes.DeleteAsync(baseId, baseOutputs);
    }

    [Fact]
    public async Task Deleting_a_base_is_refused_while_an_overlay_in_another_pool_uses_it()
    {
        using var otherPool = new TestPool();
        var (baseId, baseOutputs, _) = await _volumes.CreateAsync(Inputs(("capacity", 2 * MiB)), name: "base");
        var overlay = otherPool.CreateVolume(
            "overlay",
            2 * MiB,
            backingStore: new BackingStore(Props.Text(baseOutputs, "path"), "qcow2")
        );

        var refused = await Assert.ThrowsAsync<ProviderException>(() => _volumes.DeleteAsync(baseId, baseOutputs));
        Assert.Contains(overlay.Path, refused.Message);
        Assert.NotNull(pool.Find(baseId));
    }

    [Fact]
    public async Task A_name_already_taken_in_the_pool_is_an_error_and_the_existing_volume_is_untouched()
    {
        var existing = pool.CreateVolume("taken", MiB);
        Command.WritePattern(existing.Path, "qcow2", 0x5a, 0, 4096);
        var error = await Assert.ThrowsAsync<ProviderException>(() =>
            _volumes.CreateAsync(Inputs(("name", existing.Name), ("capacity", 2 * MiB)))
        );
        Assert.Equal(ErrorKind.FailedPrecondition, error.Kind);
        Assert.Contains("pulumi import", error.Message);
        Assert.Equal(MiB, (long)pool.Find(existing.Key)!.Capacity);
        Assert.True(Command.HasPattern(existing.Path, "qcow2", 0x5a, 0, 4096));
    }

    [Fact]
    public async Task A_secret_input_stays_secret_in_the_outputs()
    {
        var (_, outputs, inputs) = await _volumes.CreateAsync(
            Inputs(("name", Props.Secret(TestPool.UniqueName("secret"))), ("capacity", MiB))
        );
        Assert.True(inputs["name"]!.IsSecret);
        Assert.True(outputs["name"]!.IsSecret);
        Assert.False(outputs["key"]!.IsSecret);
    }

    [Fact]
    public async Task A_file_put_in_the_pool_outside_libvirt_is_found_as_a_base()
    {
        var path = Path.Combine(pool.Path, TestPool.UniqueName("outside") + ".img");
        Command.Run("qemu-img", "create", "-f", "raw", path, "1M");
        var check = await _volumes.CheckAsync(Inputs(("backingStore", Props.Object(("volume", path)))));
        Assert.Empty(check.Failures);
        Assert.Equal(MiB, Props.Number(check.Inputs, "capacity"));
    }
}
