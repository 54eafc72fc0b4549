using System.Globalization;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using PulumiLibvirt.Framework;
using PulumiLibvirt.Tests.Support;
using static PulumiLibvirt.Tests.Support.Sizes;

namespace PulumiLibvirt.Tests;

/// <summary>
/// A Volume filled from its source, against the real libvirtd: a file of this machine and a URL of an in-process
/// HTTP server are streamed in, a file of the host is copied on the host. Contents are compared with the images.
/// </summary>
public sealed class VolumeSourceTests(TestPool pool, TestImages images, TestHttpServer server)
    : IClassFixture<TestPool>,
        IClassFixture<TestImages>,
        IClassFixture<TestHttpServer>,
        IDisposable
{
    private const string StallTimeoutSeconds = "2";
    private readonly ResourceHarness _volumes = new("libvirt:index:Volume", TestPool.Uri, ("downloadStallTimeout", 2));

    public void Dispose() => _volumes.Dispose();

    private ObjectValue Inputs(params (string Key, object? Value)[] more) =>
        Props.Object([("pool", pool.Name), .. more]);

    private static ObjectValue Source(string kind, string location) => Props.Object((kind, location));

    private string[] VolumeNames()
    {
        pool.Pool.Refresh();
        return
        [
            .. pool
                .Pool.ListVolumes()
                .Select(v =>
                {
                    using (v)
                        return v.Describe().Name;
                }),
        ];
    }

    private static string Sha256Of(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    /// <summary>Creates from <paramref name="inputs"/> and expects it to fail, leaving the pool as it was.</summary>
    private async Task<ProviderException> FailsLeavingNothingAsync(ObjectValue inputs)
    {
        var before = VolumeNames();
        var check = await _volumes.CheckAsync(inputs);
        Assert.Empty(check.Failures);
        var failure = await Assert.ThrowsAnyAsync<ProviderException>(() => _volumes.CreateCheckedAsync(check.Inputs));
        Assert.Equal(before, VolumeNames());
        return failure;
    }

    [Fact]
    public async Task A_qcow2_file_is_uploaded_with_its_format_and_virtual_size_detected_and_the_same_content()
    {
        var (id, outputs, inputs) = await _volumes.CreateAsync(Inputs(("source", Source("file", images.Qcow2))));
        var made = pool.Find(id)!;
        Assert.Equal("qcow2", Props.Text(outputs, "format"));
        Assert.Equal(TestImages.Qcow2Size, Props.Number(outputs, "capacity"));
        Assert.Null(inputs["capacity"]); // left to the image, so a later image of another size is no capacity change
        Assert.True(TestImages.SameContent(images.Qcow2, made.Path), "the volume's content differs from the image's");
        Assert.Null(outputs["sha256"]); // no digest asked: the image is not hashed
    }

    [Fact]
    public async Task A_sparse_raw_file_is_uploaded_byte_for_byte_and_keeps_its_holes()
    {
        var (id, outputs, _) = await _volumes.CreateAsync(Inputs(("source", Source("file", images.Raw))));
        var made = pool.Find(id)!;
        Assert.Equal("raw", Props.Text(outputs, "format"));
        Assert.Equal(TestImages.RawSize, Props.Number(outputs, "capacity"));
        Assert.Equal(File.ReadAllBytes(images.Raw), File.ReadAllBytes(made.Path));
        // 1.5 MiB of data in 32 MiB: the holes stay holes on the host.
        Assert.True(
            TestImages.Allocated(made.Path) < 4 * MiB,
            $"the volume occupies {TestImages.Allocated(made.Path)} bytes"
        );
    }

    [Fact]
    public async Task A_url_with_content_length_is_streamed_in_and_progress_is_logged_at_each_tenth()
    {
        var url = server.Serve("/sized.qcow2", new TestHttpServer.Route(File.ReadAllBytes(images.Qcow2)));
        var (id, outputs, _) = await _volumes.CreateAsync(Inputs(("source", Source("url", url.ToString()))));
        Assert.True(TestImages.SameContent(images.Qcow2, pool.Find(id)!.Path));
        Assert.Equal("qcow2", Props.Text(outputs, "format"));
        // One line in each tenth (the image comes in pieces of less than a tenth), with the total and a rate.
        var progress = _volumes
            .Log.Messages.Select(m => m.Message)
            .Where(m => m.Contains(url.ToString()) && m.Contains('%'))
            .ToList();
        var tenths = progress
            .Select(line =>
                int.Parse(Regex.Match(line, @"\((\d+)%\)").Groups[1].Value, CultureInfo.InvariantCulture) / 10
            )
            .ToHashSet();
        Assert.Superset(Enumerable.Range(1, 10).ToHashSet(), tenths);
        Assert.All(progress, line => Assert.Matches(@" of \d+\.\d MiB \(\d+%\) after .* s, .*/s$", line));
        Assert.Contains(_volumes.Log.Messages, m => m.Message.Contains(url.ToString()) && m.Message.Contains("done"));
    }

    [Fact]
    public async Task A_url_without_content_length_is_streamed_in_and_its_length_is_the_raw_capacity()
    {
        var url = server.Serve(
            "/chunked.raw",
            new TestHttpServer.Route(File.ReadAllBytes(images.Raw), ContentLength: false)
        );
        var (id, outputs, _) = await _volumes.CreateAsync(Inputs(("source", Source("url", url.ToString()))));
        Assert.Equal(File.ReadAllBytes(images.Raw), File.ReadAllBytes(pool.Find(id)!.Path));
        Assert.Equal(TestImages.RawSize, Props.Number(outputs, "capacity"));
    }

    [Fact]
    public async Task A_redirect_is_followed()
    {
        var target = server.Serve("/moved/here.qcow2", new TestHttpServer.Route(File.ReadAllBytes(images.Qcow2)));
        var url = server.Serve("/redirect.qcow2", new TestHttpServer.Route([], RedirectTo: target.ToString()));
        var (id, _, _) = await _volumes.CreateAsync(Inputs(("source", Source("url", url.ToString()))));
        Assert.True(TestImages.SameContent(images.Qcow2, pool.Find(id)!.Path));
        Assert.Equal(1, server.Requests("/moved/here.qcow2"));
    }

    [Fact]
    public async Task A_404_fails_the_create_with_the_status_and_the_url_and_leaves_nothing()
    {
        var url = server.Url("/missing.qcow2");
        var failure = await FailsLeavingNothingAsync(Inputs(("source", Source("url", url.ToString()))));
        Assert.Contains("404", failure.Message);
        Assert.Contains(url.ToString(), failure.Message);
    }

    [Fact]
    public async Task A_connection_cut_mid_body_fails_the_create_and_removes_the_half_made_volume()
    {
        var body = File.ReadAllBytes(images.Raw);
        var url = server.Serve("/cut.raw", new TestHttpServer.Route(body, CutAfter: body.Length / 2));
        var failure = await FailsLeavingNothingAsync(Inputs(("source", Source("url", url.ToString()))));
        Assert.Contains(url.ToString(), failure.Message);
        Assert.Contains("connection broke", failure.Message);
    }

    [Fact]
    public async Task A_server_that_stalls_longer_than_the_stall_timeout_fails_the_create_and_leaves_nothing()
    {
        var body = File.ReadAllBytes(images.Raw);
        var url = server.Serve("/stall.raw", new TestHttpServer.Route(body, StallAfter: 3 * MiB));
        var failure = await FailsLeavingNothingAsync(Inputs(("source", Source("url", url.ToString()))));
        Assert.Contains($"sent nothing for {StallTimeoutSeconds} s", failure.Message);
        Assert.Contains("downloadStallTimeout", failure.Message);
        Assert.Contains(url.ToString(), failure.Message);
    }

    [Fact]
    public async Task Cancel_during_an_upload_stops_it_and_removes_the_volume()
    {
        // The default stall timeout: only the cancel ends it.
        using var patient = new ResourceHarness("libvirt:index:Volume");
        var url = server.Serve(
            "/cancelled.raw",
            new TestHttpServer.Route(File.ReadAllBytes(images.Raw), StallAfter: 3 * MiB)
        );
        var before = VolumeNames();
        var check = await patient.CheckAsync(Inputs(("source", Source("url", url.ToString()))));
        var create = patient.CreateCheckedAsync(check.Inputs);
        await server.Stalled("/cancelled.raw").WaitAsync(TimeSpan.FromSeconds(30));
        patient.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => create.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(before, VolumeNames());
    }

    [Fact]
    public async Task An_upload_that_ends_while_another_runs_in_the_same_pool_has_its_format_and_size()
    {
        // libvirt does not refresh a pool while another upload into it runs: what it knows of the volume must not
        // depend on a refresh.
        using var patient = new ResourceHarness("libvirt:index:Volume");
        var url = server.Serve(
            "/meanwhile.raw",
            new TestHttpServer.Route(File.ReadAllBytes(images.Raw), StallAfter: 3 * MiB)
        );
        var running = patient.CreateCheckedAsync(
            (await patient.CheckAsync(Inputs(("source", Source("url", url.ToString()))))).Inputs
        );
        await server.Stalled("/meanwhile.raw").WaitAsync(TimeSpan.FromSeconds(30));
        try
        {
            var (_, outputs, _) = await _volumes.CreateAsync(Inputs(("source", Source("file", images.Qcow2))));
            Assert.Equal("qcow2", Props.Text(outputs, "format"));
            Assert.Equal(TestImages.Qcow2Size, Props.Number(outputs, "capacity"));
        }
        finally
        {
            patient.Cancel();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running.WaitAsync(TimeSpan.FromSeconds(30)));
        }
    }

    [Fact]
    public async Task A_matching_sha256_is_accepted_and_a_mismatch_fails_and_removes_the_volume()
    {
        var bytes = File.ReadAllBytes(images.Qcow2);
        var url = server.Serve("/digest.qcow2", new TestHttpServer.Route(bytes));
        var (_, outputs, _) = await _volumes.CreateAsync(
            Inputs(("source", Source("url", url.ToString())), ("sha256", Sha256Of(bytes).ToUpperInvariant()))
        );
        Assert.Equal(Sha256Of(bytes), Props.Text(outputs, "sha256"));

        var wrong = Sha256Of([1, 2, 3]);
        var failure = await FailsLeavingNothingAsync(
            Inputs(("source", Source("file", images.Qcow2)), ("sha256", wrong))
        );
        Assert.Contains($"not the expected {wrong}", failure.Message);
    }

    [Fact]
    public async Task Sha256Url_reads_the_digest_listed_for_the_files_name()
    {
        var bytes = File.ReadAllBytes(images.Raw);
        var url = server.Serve("/images/disk%201.raw", new TestHttpServer.Route(bytes));
        var sums = server.Serve(
            "/images/SHA256SUMS",
            new TestHttpServer.Route(
                System.Text.Encoding.ASCII.GetBytes($"{Sha256Of([9])}  other.raw\n{Sha256Of(bytes)} *disk 1.raw\n")
            )
        );
        var (_, outputs, _) = await _volumes.CreateAsync(
            Inputs(("source", Source("url", url.ToString())), ("sha256Url", sums.ToString()))
        );
        Assert.Equal(Sha256Of(bytes), Props.Text(outputs, "sha256"));

        var unlisted = server.Serve("/images/unlisted.raw", new TestHttpServer.Route(bytes));
        var failure = await FailsLeavingNothingAsync(
            Inputs(("source", Source("url", unlisted.ToString())), ("sha256Url", sums.ToString()))
        );
        Assert.Contains("lists no SHA-256 digest for 'unlisted.raw'", failure.Message);
        Assert.Equal(0, server.Requests("/images/unlisted.raw"));

        var mismatch = server.Serve("/images/other.raw", new TestHttpServer.Route(bytes));
        failure = await FailsLeavingNothingAsync(
            Inputs(("source", Source("url", mismatch.ToString())), ("sha256Url", sums.ToString()))
        );
        Assert.Contains($"not the expected {Sha256Of([9])}", failure.Message);
    }

    [Fact]
    public async Task A_host_path_of_a_pool_volume_is_copied_on_the_host()
    {
        var (baseId, _, _) = await _volumes.CreateAsync(Inputs(("source", Source("file", images.Qcow2))), "base");
        var basePath = pool.Find(baseId)!.Path;
        var (id, outputs, _) = await _volumes.CreateAsync(Inputs(("source", Source("hostPath", basePath))));
        Assert.True(TestImages.SameContent(images.Qcow2, pool.Find(id)!.Path));
        Assert.Equal("qcow2", Props.Text(outputs, "format"));
        Assert.Null(outputs["sha256"]);
        Assert.Contains(_volumes.Log.Messages, m =>
            m.Message.Contains($"copying '{basePath}'") && m.Message.Contains("on the host")
        );
    }

    [Fact]
    public async Task A_host_path_outside_any_pool_is_copied_on_the_host_and_a_sparse_image_stays_sparse()
    {
        var sparse = images.SparseRaw("outside.raw", 1024 * MiB);
        var (id, outputs, _) = await _volumes.CreateAsync(Inputs(("source", Source("hostPath", sparse))));
        var made = pool.Find(id)!;
        Assert.Equal(1024 * MiB, Props.Number(outputs, "capacity"));
        Assert.True(TestImages.SameContent(sparse, made.Path));
        Assert.True(
            TestImages.Allocated(made.Path) < 8 * MiB,
            $"the copy occupies {TestImages.Allocated(made.Path)} bytes"
        );
        // The folder was seen through a transient pool, gone again.
        Assert.DoesNotContain(
            "pulumi-folder-",
            Command.Run("virsh", "-c", TestPool.Uri, "pool-list", "--all", "--name")
        );
    }

    [Fact]
    public async Task A_larger_capacity_grows_the_volume_after_the_upload_and_says_the_filesystem_must_be_grown()
    {
        var (id, outputs, _) = await _volumes.CreateAsync(
            Inputs(("source", Source("file", images.Qcow2)), ("capacity", 2 * TestImages.Qcow2Size))
        );
        Assert.Equal(2 * TestImages.Qcow2Size, Props.Number(outputs, "capacity"));
        Assert.True(Command.HasPattern(pool.Find(id)!.Path, "qcow2", 0xcd, 40 * MiB, 1 * MiB));
        Assert.Contains(_volumes.Log.Messages, m => m.Message.Contains("filesystem must be grown"));
    }

    [Fact]
    public async Task A_capacity_below_a_local_image_fails_check_and_below_a_downloaded_one_fails_the_create()
    {
        var check = await _volumes.CheckAsync(
            Inputs(("source", Source("file", images.Qcow2)), ("capacity", TestImages.Qcow2Size / 2))
        );
        Assert.Equal("capacity", Assert.Single(check.Failures).Property);

        var url = server.Serve(
            "/small.raw",
            new TestHttpServer.Route(File.ReadAllBytes(images.Raw), ContentLength: false)
        );
        var failure = await FailsLeavingNothingAsync(
            Inputs(("source", Source("url", url.ToString())), ("capacity", TestImages.RawSize / 2))
        );
        Assert.Contains("'capacity'", failure.Message);
        Assert.Contains("smaller than the size", failure.Message);
    }

    [Fact]
    public async Task A_declared_format_contradicting_the_header_fails_check_for_files_and_the_create_for_urls()
    {
        var check = await _volumes.CheckAsync(Inputs(("source", Source("file", images.Qcow2)), ("format", "raw")));
        Assert.Equal("format", Assert.Single(check.Failures).Property);
        check = await _volumes.CheckAsync(Inputs(("source", Source("hostPath", images.Raw)), ("format", "qcow2")));
        Assert.Equal("format", Assert.Single(check.Failures).Property);

        var url = server.Serve("/declared-raw.qcow2", new TestHttpServer.Route(File.ReadAllBytes(images.Qcow2)));
        var failure = await FailsLeavingNothingAsync(
            Inputs(("source", Source("url", url.ToString())), ("format", "raw"))
        );
        Assert.Contains("'format' is raw", failure.Message);
        Assert.Contains("qcow2 image", failure.Message);
    }

    [Fact]
    public async Task Check_and_a_preview_fetch_nothing()
    {
        var url = server.Serve("/preview.qcow2", new TestHttpServer.Route(File.ReadAllBytes(images.Qcow2)));
        var sums = server.Serve("/preview.SHA256SUMS", new TestHttpServer.Route([]));
        var check = await _volumes.CheckAsync(
            Inputs(("source", Source("url", url.ToString())), ("sha256Url", sums.ToString()))
        );
        Assert.Empty(check.Failures);
        var preview = await _volumes.PreviewCreateAsync(check.Inputs);
        Assert.True(preview.Outputs["format"]!.ContainsUnknowns);
        Assert.True(preview.Outputs["sha256"]!.ContainsUnknowns);
        Assert.Equal(0, server.Requests("/preview.qcow2"));
        Assert.Equal(0, server.Requests("/preview.SHA256SUMS"));
    }

    [Theory]
    [InlineData("file", "/nonexistent/image.qcow2", "source.file", "cannot be read")]
    [InlineData("hostPath", "/nonexistent-folder/image.qcow2", "source.hostPath", "nonexistent-folder")]
    [InlineData("url", "ftp://example.com/image.qcow2", "source.url", "not an http:// or https:// URL")]
    [InlineData("url", "not a url", "source.url", "not an http:// or https:// URL")]
    public async Task A_source_that_cannot_be_used_is_a_check_failure_naming_it(
        string kind,
        string location,
        string property,
        string reason
    )
    {
        var check = await _volumes.CheckAsync(Inputs(("source", Source(kind, location))));
        var failure = Assert.Single(check.Failures);
        Assert.Equal(property, failure.Property);
        Assert.Contains(reason, failure.Reason);
    }

    [Fact]
    public async Task A_file_gone_between_check_and_create_fails_the_create_naming_it_and_leaves_nothing()
    {
        var file = Path.Combine(images.Folder, "vanishing.raw");
        File.Copy(images.Raw, file);
        var before = VolumeNames();
        var check = await _volumes.CheckAsync(Inputs(("source", Source("file", file))));
        Assert.Empty(check.Failures);
        File.Delete(file);
        var failure = await Assert.ThrowsAsync<ProviderException>(() => _volumes.CreateCheckedAsync(check.Inputs));
        Assert.Equal(ErrorKind.Failed, failure.Kind);
        Assert.Contains(file, failure.Message);
        Assert.Equal(before, VolumeNames());
    }

    [Fact]
    public async Task A_relative_host_path_is_a_check_failure_asking_for_an_absolute_one()
    {
        var check = await _volumes.CheckAsync(Inputs(("source", Source("hostPath", "images/base.qcow2"))));
        var failure = Assert.Single(check.Failures);
        Assert.Equal("source.hostPath", failure.Property);
        Assert.Contains("Give an absolute path", failure.Reason);
        Assert.DoesNotContain(
            "pulumi-folder-",
            Command.Run("virsh", "-c", TestPool.Uri, "pool-list", "--all", "--name")
        );
    }

    [Fact]
    public async Task A_missing_host_file_in_an_existing_folder_is_a_check_failure()
    {
        var check = await _volumes.CheckAsync(
            Inputs(("source", Source("hostPath", Path.Combine(images.Folder, "absent.raw"))))
        );
        var failure = Assert.Single(check.Failures);
        Assert.Equal("source.hostPath", failure.Property);
        Assert.Contains("no such file or volume", failure.Reason);
    }

    [Fact]
    public async Task A_compressed_file_is_refused_with_the_advice_to_decompress_it()
    {
        var check = await _volumes.CheckAsync(Inputs(("source", Source("file", images.Compressed))));
        var failure = Assert.Single(check.Failures);
        Assert.Equal("source.file", failure.Property);
        Assert.Contains("gzip-compressed", failure.Reason);
    }

    [Fact]
    public async Task Inconsistent_source_inputs_are_check_failures_on_the_property_at_fault()
    {
        async Task<List<string>> FailedProperties(params (string, object?)[] inputs) =>
            [.. (await _volumes.CheckAsync(Inputs(inputs))).Failures.Select(f => f.Property)];

        Assert.Equal(
            ["source"],
            await FailedProperties(("source", Props.Object(("file", images.Raw), ("url", "http://example.com/a.raw"))))
        );
        Assert.Equal(["source"], await FailedProperties(("source", Props.Object())));
        Assert.Equal(
            ["source"],
            await FailedProperties(
                ("source", Source("file", images.Raw)),
                ("backingStore", Props.Object(("volume", images.Raw)))
            )
        );
        Assert.Equal(["sha256"], await FailedProperties(("source", Source("file", images.Raw)), ("sha256", "abc")));
        Assert.Equal(
            ["sha256"],
            await FailedProperties(("source", Source("hostPath", images.Raw)), ("sha256", Sha256Of([1])))
        );
        Assert.Equal(
            ["sha256Url"],
            await FailedProperties(
                ("source", Source("file", images.Raw)),
                ("sha256", Sha256Of([1])),
                ("sha256Url", "http://example.com/SUMS")
            )
        );
        Assert.Equal(["sha256"], await FailedProperties(("capacity", MiB), ("sha256", Sha256Of([1]))));
    }

    [Fact]
    public async Task Changing_the_source_or_the_digest_replaces_the_volume()
    {
        var (id, outputs, inputs) = await _volumes.CreateAsync(Inputs(("source", Source("file", images.Raw))));
        var otherSource = _volumes.Diff(
            id,
            outputs,
            inputs,
            Props.With(inputs, ("source", Source("url", "http://example.com/a.raw")))
        );
        Assert.Contains("source", otherSource.Replaces);
        var digest = _volumes.Diff(id, outputs, inputs, Props.With(inputs, ("sha256", FileDigest.Sha256(images.Raw))));
        Assert.Contains("sha256", digest.Replaces);
        var same = _volumes.Diff(id, outputs, inputs, inputs);
        Assert.Empty(same.Replaces);
        Assert.False(same.HasChanges);
        // A digest's case is no change: Check writes it in lower case.
        var program = Inputs(("source", Source("file", images.Raw)));
        var lower = await _volumes.CheckAsync(
            Props.With(program, ("sha256", FileDigest.Sha256(images.Raw).ToLowerInvariant())),
            olds: inputs
        );
        var upper = await _volumes.CheckAsync(
            Props.With(program, ("sha256", FileDigest.Sha256(images.Raw))),
            olds: inputs
        );
        Assert.Empty(lower.Failures.Concat(upper.Failures).Select(f => $"{f.Property}: {f.Reason}"));
        Assert.Empty(_volumes.Diff(id, outputs, lower.Inputs, upper.Inputs).Detailed.Keys);
    }
}
