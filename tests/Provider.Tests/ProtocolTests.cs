using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using PulumiLibvirt.Framework;
using PulumiLibvirt.Protocol;
using PulumiLibvirt.Tests.Support;
using static PulumiLibvirt.Tests.Support.Sizes;
using Rpc = Pulumirpc;
using Struct = Google.Protobuf.WellKnownTypes.Struct;

namespace PulumiLibvirt.Tests;

/// <summary>The built binary, driven over gRPC as the engine drives it, against the real libvirtd.</summary>
public sealed class ProtocolTests(TestPool pool) : IClassFixture<TestPool>, IAsyncLifetime
{
    private const string VolumeType = "libvirt:index:Volume";
    private EngineSession _engine = null!;

    // Unconfigured: some tests begin as an older engine does (no Handshake), or configure another URI.
    public async Task InitializeAsync() => _engine = await EngineSession.StartUnconfiguredAsync(VolumeType);

    public async Task DisposeAsync() => await _engine.DisposeAsync();

    private ProviderProcess Provider => _engine.Provider;

    private static Struct Wire(ObjectValue value) => PropertyStruct.Encode(value);

    private async Task ConfigureAsync()
    {
        var configure = await _engine.ConfigureAsync();
        Assert.True(configure.AcceptSecrets);
        Assert.True(configure.SupportsPreview);
        Assert.True(configure.AcceptResources);
    }

    [Fact]
    public async Task Plugin_info_schema_and_unimplemented_methods_answer_as_the_engine_expects()
    {
        var info = await Provider.Client.GetPluginInfoAsync(new Empty());
        Assert.Equal(typeof(Resources.LibvirtProvider).Assembly.GetName().Version!.ToString(3), info.Version);
        var schema = await Provider.Client.GetSchemaAsync(new Rpc.GetSchemaRequest());
        Assert.Equal(await File.ReadAllTextAsync(Repository.File("schema.json")), schema.Schema);
        // Construct is a method of Pulumi's service that this provider does not have (its proto leaves it out).
        using var channel = LocalChannel.Open($"127.0.0.1:{Provider.Port}");
        var empty = Marshallers.Create(message => message.ToByteArray(), Empty.Parser.ParseFrom);
        var construct = new Method<Empty, Empty>(
            MethodType.Unary,
            "pulumirpc.ResourceProvider",
            "Construct",
            empty,
            empty
        );
        var unimplemented = await Assert.ThrowsAsync<RpcException>(() =>
            channel.CreateCallInvoker().AsyncUnaryCall(construct, null, new CallOptions(), new Empty()).ResponseAsync
        );
        Assert.Equal(StatusCode.Unimplemented, unimplemented.StatusCode);
    }

    [Fact]
    public async Task A_volume_lives_through_preview_create_read_update_and_delete_with_its_secret_kept()
    {
        await ConfigureAsync();
        var name = TestPool.UniqueName("proto");
        var asked = Props.Object(("name", Props.Secret(name)), ("pool", pool.Name), ("capacity", 4 * MiB));

        // Preview: unknown capacity from another resource is accepted and nothing is created.
        var previewCheck = await _engine.CheckAsync("vol", asked.With("capacity", PropertyValue.Unknown));
        Assert.Empty(previewCheck.Failures);
        Assert.Equal(PropertyStruct.UnknownSentinel, previewCheck.Inputs.Fields["capacity"].StringValue);
        var preview = await _engine.CreateAsync("vol", previewCheck.Inputs, preview: true);
        Assert.Equal(PropertyStruct.UnknownSentinel, preview.Properties.Fields["key"].StringValue);
        Assert.Null(pool.Find(Path.Combine(pool.Path, name)));

        // Up.
        var check = await _engine.CheckAsync("vol", asked);
        Assert.Empty(check.Failures);
        var created = await _engine.CreateAsync("vol", check.Inputs);
        Assert.Equal(Path.Combine(pool.Path, name), pool.Find(created.Id)!.Path);
        Assert.True(EngineSession.Values(created.Properties)["name"]!.IsSecret);

        // Refresh.
        var read = await _engine.ReadAsync("vol", created.Id, created.Properties, check.Inputs);
        Assert.Equal(created.Id, read.Id);
        Assert.Equal(check.Inputs, read.Inputs);

        // Same program again: no change.
        var same = await _engine.DiffAsync("vol", created.Id, read.Properties, read.Inputs, check.Inputs);
        Assert.Equal(Rpc.DiffResponse.Types.DiffChanges.DiffNone, same.Changes);

        // A larger disk: an in-place update.
        var grown = await _engine.CheckAsync("vol", asked.With("capacity", Props.Value(8 * MiB)), check.Inputs);
        var diff = await _engine.DiffAsync("vol", created.Id, read.Properties, read.Inputs, grown.Inputs);
        Assert.Equal(Rpc.DiffResponse.Types.DiffChanges.DiffSome, diff.Changes);
        Assert.True(diff.HasDetailedDiff);
        Assert.Equal(Rpc.PropertyDiff.Types.Kind.Update, diff.DetailedDiff["capacity"].Kind);
        Assert.Empty(diff.Replaces);
        var updated = await _engine.UpdateAsync("vol", created.Id, read.Properties, read.Inputs, grown.Inputs);
        Assert.Equal(8 * MiB, (long)updated.Properties.Fields["capacity"].NumberValue);
        Assert.Equal(8 * MiB, (long)pool.Find(created.Id)!.Capacity);

        // Destroy, then refresh sees it gone.
        await _engine.DeleteAsync("vol", created.Id, updated.Properties, grown.Inputs);
        Assert.Null(pool.Find(created.Id));
        var gone = await _engine.ReadAsync("vol", created.Id, updated.Properties, grown.Inputs);
        Assert.Equal("", gone.Id);
        Assert.Equal("", Provider.LaterStdout);
    }

    [Fact]
    public async Task Bad_inputs_are_check_failures_and_failed_operations_carry_a_fitting_status()
    {
        await ConfigureAsync();
        var check = await _engine.CheckAsync(
            "bad",
            Props.Object(("pool", TestPool.UniqueName("missing")), ("capacity", MiB))
        );
        Assert.Contains(check.Failures, f => f.Property == "pool" && f.Reason.Contains("does not exist"));

        var unknownType = await Assert.ThrowsAsync<RpcException>(() =>
            Provider
                .Client.CheckAsync(
                    new Rpc.CheckRequest
                    {
                        Urn = "urn:pulumi:dev::p::libvirt:index:Nope::x",
                        Type = "libvirt:index:Nope",
                        News = new Struct(),
                    }
                )
                .ResponseAsync
        );
        Assert.Equal(StatusCode.InvalidArgument, unknownType.StatusCode);
        Assert.Contains("libvirt:index:Volume", unknownType.Status.Detail);

        var baseVolume = pool.CreateVolume("base", MiB);
        pool.CreateVolume("overlay", MiB, backingStore: new Libvirt.BackingStore(baseVolume.Path, "qcow2"));
        var refused = await Assert.ThrowsAsync<RpcException>(() =>
            Provider
                .Client.DeleteAsync(
                    new Rpc.DeleteRequest
                    {
                        Id = baseVolume.Key,
                        Urn = _engine.Urn("base"),
                        Type = VolumeType,
                        Properties = new Struct(),
                    }
                )
                .ResponseAsync
        );
        Assert.Equal(StatusCode.FailedPrecondition, refused.StatusCode);
        Assert.Contains("backing store", refused.Status.Detail);
    }

    [Fact]
    public async Task The_engine_log_receives_the_providers_warnings_for_the_resource()
    {
        await ConfigureAsync();
        var baseVolume = pool.CreateVolume("base", MiB);
        await _engine.CheckAsync(
            "big",
            Props.Object(
                ("pool", pool.Name),
                ("capacity", 4 * MiB),
                ("backingStore", Props.Object(("volume", baseVolume.Key)))
            )
        );
        var warning = Assert.Single(_engine.Engine.Logs, l => l.Urn == _engine.Urn("big"));
        Assert.Equal(Rpc.LogSeverity.Warning, warning.Severity);
        Assert.Contains("filesystem must be grown", warning.Message);
    }

    [Fact]
    public async Task An_unreachable_libvirt_is_unavailable_with_the_uri_and_what_to_check()
    {
        await Provider.Client.ConfigureAsync(
            new Rpc.ConfigureRequest
            {
                Variables = { ["libvirt:config:uri"] = "qemu+unix:///system?socket=/nonexistent/libvirt-sock" },
                AcceptSecrets = true,
            }
        );
        var error = await Assert.ThrowsAsync<RpcException>(() =>
            _engine.CheckAsync("x", Props.Object(("capacity", MiB)))
        );
        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
        Assert.Contains("/nonexistent/libvirt-sock", error.Status.Detail);
        Assert.Contains("libvirt:uri", error.Status.Detail);
    }

    [Fact]
    public async Task Provider_configuration_is_checked_and_a_new_uri_replaces_the_provider()
    {
        var bad = await Provider.Client.CheckConfigAsync(
            new Rpc.CheckRequest
            {
                Urn = "urn:pulumi:dev::p::pulumi:providers:libvirt::default",
                News = Wire(Props.Object(("uri", 5))),
            }
        );
        Assert.Equal("uri", Assert.Single(bad.Failures).Property);

        var olds = Wire(Props.Object(("uri", "qemu:///system")));
        var same = await Provider.Client.DiffConfigAsync(
            new Rpc.DiffRequest
            {
                Olds = olds,
                OldInputs = olds,
                News = olds,
            }
        );
        Assert.Equal(Rpc.DiffResponse.Types.DiffChanges.DiffNone, same.Changes);
        var moved = await Provider.Client.DiffConfigAsync(
            new Rpc.DiffRequest
            {
                Olds = olds,
                OldInputs = olds,
                News = Wire(Props.Object(("uri", "qemu+ssh://lab/system"))),
            }
        );
        Assert.Equal(["uri"], moved.Replaces);
        Assert.Equal(Rpc.PropertyDiff.Types.Kind.UpdateReplace, moved.DetailedDiff["uri"].Kind);
    }

    [Fact]
    public async Task Cancel_stops_what_is_in_flight_and_later_requests_are_served()
    {
        await ConfigureAsync();
        using var names = new TestDomains();
        // A guest without an operating system ignores the shutdown request: deleting it waits for shutdownTimeout.
        var name = names.Name("deaf");
        string uuid;
        using (
            var domain = pool.Libvirt.DefineDomain(
                $"<domain type='qemu'><name>{name}</name><memory "
                    + "unit='MiB'>32</memory><os><type>hvm</type></os></domain>"
            )
        )
        {
            domain.Start();
            uuid = domain.Uuid;
        }
        const string DomainType = "libvirt:index:Domain";
        var deleting = Provider
            .Client.DeleteAsync(
                new Rpc.DeleteRequest
                {
                    Id = uuid,
                    Urn = $"urn:pulumi:dev::protocol-tests::{DomainType}::deaf",
                    Type = DomainType,
                    Properties = Wire(Props.Object(("uuid", uuid), ("name", name), ("shutdownTimeout", 600))),
                }
            )
            .ResponseAsync;
        await WaitForAsync(() => _engine.Engine.Logs.Any(l => l.Message.Contains($"Shutting down domain '{name}'")));
        await Provider.Client.CancelAsync(new Empty());
        var cancelled = await Assert.ThrowsAsync<RpcException>(() => deleting.WaitAsync(TimeSpan.FromMinutes(2)));
        Assert.Equal(StatusCode.Cancelled, cancelled.StatusCode);
        using (var stillThere = pool.Libvirt.FindDomain(uuid))
            Assert.NotNull(stillThere);

        // The engine sends Cancel at the end of every deployment; an attached provider serves the next one.
        var check = await _engine.CheckAsync("later", Props.Object(("pool", pool.Name), ("capacity", MiB)));
        var created = await _engine.CreateAsync("later", check.Inputs);
        Assert.NotNull(pool.Find(created.Id));
    }

    [Fact]
    public async Task Nothing_in_the_working_directory_changes_the_plugins_port_or_makes_it_watch_files()
    {
        // The engine runs the plugin in the project's folder: settings a web host would read there, and a tree to
        // watch.
        var project = Directory.CreateTempSubdirectory("plt-project-");
        try
        {
            var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
            listener.Start();
            var taken = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
            listener.Stop();
            File.WriteAllText(
                Path.Combine(project.FullName, "appsettings.json"),
                $$"""
                { "Kestrel": { "Endpoints": { "Http": { "Url": "http://127.0.0.1:{{taken}}" } } },
                  "urls": "http://127.0.0.1:{{taken}}" }
                """
            );
            File.WriteAllText(
                Path.Combine(project.FullName, "appsettings.Production.json"),
                """{ "Logging": { "Console": { "LogLevel": { "Default": "Trace" } } } }"""
            );
            for (var i = 0; i < 50; i++)
                Directory.CreateDirectory(Path.Combine(project.FullName, "node_modules", $"m{i}", "lib"));

            await using var plugin = await ProviderProcess.StartAsync(
                _engine.Engine.Address,
                workingDirectory: project.FullName
            );
            Assert.NotEqual(taken, plugin.Port);
            var info = await plugin.Client.GetPluginInfoAsync(new Empty());
            Assert.NotEmpty(info.Version);
            Assert.Equal(0, InotifyWatches(plugin.ProcessId));
            Assert.Equal("", plugin.LaterStdout);
        }
        finally
        {
            project.Delete(recursive: true);
        }
    }

    /// <summary>How many inotify watches a process holds (each fdinfo line "inotify wd:…" is one).</summary>
    private static int InotifyWatches(int pid) =>
        Directory
            .GetFiles($"/proc/{pid}/fdinfo")
            .Sum(file =>
            {
                try
                {
                    return File.ReadLines(file).Count(line => line.StartsWith("inotify wd:", StringComparison.Ordinal));
                }
                catch (IOException)
                {
                    return 0;
                }
            });

    [Fact]
    public async Task A_capacity_above_2_to_the_40_bytes_goes_through_the_binary_exactly()
    {
        await ConfigureAsync();
        const long TwoTiB = 1L << 41;
        var check = await _engine.CheckAsync("huge", Props.Object(("pool", pool.Name), ("capacity", TwoTiB)));
        Assert.Empty(check.Failures);
        var created = await _engine.CreateAsync("huge", check.Inputs);
        Assert.Equal(TwoTiB, (long)created.Properties.Fields["capacity"].NumberValue);
        Assert.Equal((ulong)TwoTiB, pool.Find(created.Id)!.Capacity);
        var read = await _engine.ReadAsync("huge", created.Id, created.Properties, check.Inputs);
        Assert.Equal(TwoTiB, (long)read.Properties.Fields["capacity"].NumberValue);
        Assert.Equal(TwoTiB, (long)read.Inputs.Fields["capacity"].NumberValue);
    }

    [Fact]
    public async Task Read_of_a_missing_id_answers_no_properties_and_empty_inputs_count_as_an_import()
    {
        await ConfigureAsync();
        // pulumi import of a mistyped id: no inputs, no properties; "does not exist" is an answer without properties.
        var missing = await _engine.ReadAsync("typo", Path.Combine(pool.Path, "no-such-volume"));
        Assert.Equal("", missing.Id);
        Assert.Null(missing.Properties);
        Assert.Null(missing.Inputs);

        var volume = pool.CreateVolume("adopt", MiB);
        var imported = await _engine.ReadAsync("adopt", volume.Key, new Struct(), new Struct());
        Assert.Equal(volume.Key, imported.Id);
        Assert.Equal(volume.Name, imported.Inputs.Fields["name"].StringValue);
        Assert.Equal(pool.Name, imported.Inputs.Fields["pool"].StringValue);
        Assert.Equal(MiB, imported.Inputs.Fields["capacity"].NumberValue);
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        for (var i = 0; i < 600 && !condition(); i++)
            await Task.Delay(100);
        Assert.True(condition(), "the condition was not met within a minute");
    }
}
