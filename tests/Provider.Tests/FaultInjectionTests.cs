using System.Diagnostics;
using PulumiLibvirt.Framework;
using PulumiLibvirt.Libvirt;
using PulumiLibvirt.Protocol;
using PulumiLibvirt.Tests.Support;
using Xunit.Abstractions;
using static PulumiLibvirt.Tests.Support.Sizes;

namespace PulumiLibvirt.Tests;

/// <summary>The fault-injection tests run alone: they kill and freeze the libvirtd every other test needs.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class FaultInjection
{
    public const string Name = "Fault injection";
}

/// <summary>
/// The host failing under the provider: libvirtd killed and restarted (during a full clone, 20 parallel volume creates,
/// a delete) or frozen, and the provider process killed half-way through a create that a fresh provider then retries.
/// Each trial checks the answer's status and time, that the retry succeeds, and that nothing is left that the caller
/// was not told about. Kills land at random moments and each is repeated, to catch timing windows; the counts are
/// written to the test output. libvirtd is restored in finally blocks, whatever happens.
/// </summary>
[Collection(FaultInjection.Name)]
public sealed class FaultInjectionTests(ITestOutputHelper output) : IDisposable
{
    private const int Trials = 5;
    private const string CloneToken = "libvirt:index:Clone";
    private const string VolumeToken = "libvirt:index:Volume";
    private readonly FaultPool _pool = new();
    private readonly TestDomains _names = new();

    public void Dispose()
    {
        Libvirtd.Restore();
        _names.Dispose();
        _pool.Dispose();
    }

    [Fact]
    public async Task Libvirtd_restarted_the_next_request_connects_again_and_one_made_while_down_answers_unavailable()
    {
        using var harness = new ResourceHarness(VolumeToken);
        var reconnected = 0;
        for (var trial = 0; trial < Trials; trial++)
        {
            var (id, outputs, _) = await harness.CreateAsync(
                Props.Object(("name", TestPool.UniqueName("rs")), ("pool", _pool.Name), ("capacity", MiB)),
                name: $"v{trial}"
            );
            try
            {
                Libvirtd.Kill();
                var clock = Stopwatch.StartNew();
                var down = await Assert.ThrowsAsync<ProviderException>(() => harness.ReadAsync(id, outputs));
                output.WriteLine(
                    $"trial {trial}: while libvirtd is down, Read answers {down.Kind} in {clock.ElapsedMilliseconds} "
                        + $"ms: {down.Message}"
                );
                Assert.Equal(ErrorKind.Unavailable, down.Kind);
                Assert.Contains(TestPool.Uri, down.Message, StringComparison.Ordinal);
                Assert.Contains("not answering", down.Message, StringComparison.Ordinal);
                Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5));
            }
            finally
            {
                Libvirtd.Restore();
            }
            // The same provider: no restart of its own, and what it made is still its to delete.
            Assert.NotNull(await harness.ReadAsync(id, outputs));
            await harness.DeleteAsync(id, outputs);
            reconnected++;
        }
        output.WriteLine($"reconnected in {reconnected} of {Trials} trials");
        Assert.Empty(_pool.VolumeNames());
    }

    [Fact]
    public async Task Libvirtd_killed_during_a_full_clone_leaves_nothing_and_the_retry_succeeds()
    {
        var template = _pool.BigTemplate(_names);
        // An uninterrupted clone first: how long one takes, so that the kills land during the copy.
        var copyTime = await TimeOneCloneAsync(template);
        using var harness = new ResourceHarness(CloneToken);

        var counts = new Counts();
        for (var trial = 0; trial < Trials; trial++)
        {
            var name = _names.Name($"fc{trial}");
            var check = await harness.CheckAsync(CloneProgram(template, name), name: name);
            var clock = Stopwatch.StartNew();
            var create = Task.Run(() => harness.CreateCheckedAsync(check.Inputs, name));
            await Task.Delay(copyTime * (0.2 + (0.5 * Random.Shared.NextDouble())));
            try
            {
                Libvirtd.Kill();
            }
            finally
            {
                Libvirtd.Restore();
            }
            var outcome = await Outcome(create);
            counts.Record(trial, outcome, clock.Elapsed, outcome.Error is null ? [] : Leftovers(name), output);
            if (outcome.Error is not null)
                counts.Retried(outcome = await Outcome(harness.CreateCheckedAsync(check.Inputs, name)));
            await harness.DeleteAsync(outcome.Created!.Id, outcome.Created.Outputs);
            Assert.Empty(Leftovers(name));
        }
        counts.Report("libvirtd killed during a full clone", output);
    }

    [Fact]
    public async Task Libvirtd_killed_during_twenty_parallel_volume_creates_leaves_only_what_was_answered()
    {
        using var harness = new ResourceHarness(VolumeToken);
        var counts = new Counts();
        for (var trial = 0; trial < Trials; trial++)
        {
            var names = Enumerable.Range(0, 20).Select(i => $"{TestPool.RunPrefix}-t{trial}v{i}").ToList();
            var checks = new List<ObjectValue>();
            foreach (var name in names)
                checks.Add(
                    (
                        await harness.CheckAsync(
                            Props.Object(
                                ("name", name),
                                ("pool", _pool.Name),
                                ("capacity", 64 * MiB),
                                ("format", "qcow2")
                            ),
                            name: name
                        )
                    ).Inputs
                );
            var clock = Stopwatch.StartNew();
            var creates = names
                .Select(
                    (name, i) =>
                        Task.Run(async () =>
                            (Outcome: await Outcome(harness.CreateCheckedAsync(checks[i], name)), Took: clock.Elapsed)
                        )
                )
                .ToList();
            await Task.Delay(Random.Shared.Next(10, 120));
            try
            {
                Libvirtd.Kill();
            }
            finally
            {
                Libvirtd.Restore();
            }
            await Task.WhenAll(creates);
            for (var i = 0; i < names.Count; i++)
            {
                var (outcome, took) = await creates[i];
                // A failed create leaves neither its volume nor its marker; a finished one leaves no marker.
                var left = _pool
                    .VolumeNames()
                    .Where(v =>
                        v.StartsWith(names[i] + ".", StringComparison.Ordinal)
                        || (outcome.Error is not null && v == names[i])
                    )
                    .ToList();
                counts.Record(trial, outcome, took, left, output, quiet: outcome.Error is null);
                if (outcome.Error is not null)
                    counts.Retried(outcome = await Outcome(harness.CreateCheckedAsync(checks[i], names[i])));
                await harness.DeleteAsync(outcome.Created!.Id, outcome.Created.Outputs);
            }
            Assert.Empty(_pool.VolumeNames());
        }
        counts.Report("libvirtd killed during 20 parallel volume creates", output);
    }

    [Fact]
    public async Task Libvirtd_killed_during_a_delete_answers_and_the_retried_delete_removes_everything()
    {
        var template = _pool.BigTemplate(_names);
        using var harness = new ResourceHarness(CloneToken);
        var failed = 0;
        for (var trial = 0; trial < Trials; trial++)
        {
            var name = _names.Name($"del{trial}");
            var (id, outputs, _) = await harness.CreateAsync(CloneProgram(template, name, "linked"), name: name);
            var clock = Stopwatch.StartNew();
            var delete = Task.Run(() => harness.DeleteAsync(id, outputs));
            await Task.Delay(Random.Shared.Next(0, 30));
            try
            {
                Libvirtd.Kill();
            }
            finally
            {
                Libvirtd.Restore();
            }
            var error = await Record(delete);
            output.WriteLine(
                $"trial {trial}: delete answered {(error is null ? "OK" : $"{error.Kind}: {error.Message}")} in "
                    + $"{clock.ElapsedMilliseconds} ms"
            );
            if (error is not null)
            {
                failed++;
                Assert.Equal(ErrorKind.Unavailable, error.Kind);
                await harness.DeleteAsync(id, outputs);
            }
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60));
            Assert.Empty(Leftovers(name));
        }
        output.WriteLine(
            $"libvirtd killed during a delete: {failed} of {Trials} deletes interrupted, every retried delete "
                + "succeeded, 0 leftovers"
        );
    }

    [Fact]
    public async Task A_frozen_libvirtd_fails_a_delete_within_the_keepalive_bound_and_the_retry_succeeds()
    {
        using var harness = new ResourceHarness(VolumeToken);
        var (id, outputs, _) = await harness.CreateAsync(
            Props.Object(("name", TestPool.UniqueName("frozen")), ("pool", _pool.Name), ("capacity", MiB)),
            name: "frozen"
        );
        var clock = Stopwatch.StartNew();
        ProviderException? error;
        try
        {
            Libvirtd.Freeze();
            error = await Record(Task.Run(() => harness.DeleteAsync(id, outputs)));
        }
        finally
        {
            Libvirtd.Restore();
        }
        output.WriteLine(
            $"delete on a frozen libvirtd answered {error?.Kind} in {clock.ElapsedMilliseconds} ms: {error?.Message}"
        );
        Assert.Equal(ErrorKind.Unavailable, error?.Kind);
        // Keepalive: a probe every 5 s, the connection closed after 3 unanswered ones.
        Assert.True(
            clock.Elapsed < TimeSpan.FromSeconds(Connection.KeepAliveInterval * (Connection.KeepAliveCount + 1) + 10)
        );
        await harness.DeleteAsync(id, outputs);
        Assert.Empty(_pool.VolumeNames());
    }

    [Fact]
    public async Task Provider_killed_during_a_full_clone_the_same_create_from_a_fresh_one_succeeds_without_orphan()
    {
        var template = _pool.BigTemplate(_names);
        var copyTime = await TimeOneCloneAsync(template);
        var counts = new Counts();
        for (var trial = 0; counts.Interrupted < Trials && trial < 3 * Trials; trial++)
        {
            var name = _names.Name($"pk{trial}");
            var program = CloneProgram(template, name);
            if (
                !await KillDuringCreateAsync(
                    CloneToken,
                    name,
                    program,
                    copyTime * (0.2 + (0.5 * Random.Shared.NextDouble()))
                )
            )
                continue;
            var orphaned = Leftovers(name);
            counts.Orphaned(orphaned.Count > 0);
            await RetryFromFreshProviderAsync(CloneToken, name, program, counts, () => Leftovers(name));
        }
        counts.Report("provider killed during a full clone", output);
        Assert.Equal(Trials, counts.Interrupted);
    }

    [Fact]
    public async Task Provider_killed_during_a_domain_create_the_same_create_from_a_fresh_one_leaves_no_running_orphan()
    {
        var disk = _pool.CreateVolume("dk", 4 * MiB);
        var counts = new Counts();
        for (var trial = 0; counts.Interrupted < Trials && trial < 3 * Trials; trial++)
        {
            var name = _names.Name($"dk{trial}");
            var program = Props.Object(
                ("name", name),
                ("type", "qemu"),
                ("memory", 64),
                ("shutdownTimeout", 1),
                ("disks", Props.Array(Props.Object(("volume", disk))))
            );
            if (
                !await KillDuringCreateAsync(
                    "libvirt:index:Domain",
                    name,
                    program,
                    TimeSpan.FromMilliseconds(Random.Shared.Next(20, 400))
                )
            )
                continue;
            counts.Orphaned(Leftovers(name).Count > 0);
            await RetryFromFreshProviderAsync("libvirt:index:Domain", name, program, counts, () => Leftovers(name));
        }
        counts.Report("provider killed during a Domain create", output);
        Assert.Equal(Trials, counts.Interrupted);
    }

    [Fact]
    public async Task The_provider_exits_within_seconds_of_its_parent_s_death()
    {
        var binary = Repository.File("bin", "pulumi-resource-libvirt");
        // A shell starts the plugin as the engine would and is then killed: the plugin is orphaned.
        var shell = Process.Start(
            new ProcessStartInfo("bash", ["-c", "\"$0\" 127.0.0.1:1 >/dev/null 2>&1 & echo $!; wait", binary])
            {
                RedirectStandardOutput = true,
            }
        )!;
        var plugin = int.Parse(
            (await shell.StandardOutput.ReadLineAsync())!,
            System.Globalization.CultureInfo.InvariantCulture
        );
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(2));
            Assert.True(Directory.Exists($"/proc/{plugin}"), "the plugin runs while its parent does");
            shell.Kill();
            var clock = Stopwatch.StartNew();
            while (Directory.Exists($"/proc/{plugin}") && clock.Elapsed < TimeSpan.FromSeconds(15))
                await Task.Delay(100);
            output.WriteLine($"the plugin exited {clock.ElapsedMilliseconds} ms after its parent died");
            Assert.False(Directory.Exists($"/proc/{plugin}"), "the plugin outlived its parent by 15 s");
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5));
        }
        finally
        {
            if (Directory.Exists($"/proc/{plugin}"))
                Process.GetProcessById(plugin).Kill();
            shell.Dispose();
        }
    }

    [Fact]
    public async Task The_provider_exits_when_the_engine_s_address_stops_answering()
    {
        var engine = await FakeEngine.StartAsync();
        var plugin = await ProviderProcess.StartAsync(engine.Address);
        try
        {
            await Task.Delay(EngineWatch.AddressInterval + TimeSpan.FromSeconds(2));
            Assert.True(Directory.Exists($"/proc/{plugin.ProcessId}"), "the plugin runs while its engine answers");
            await engine.DisposeAsync();
            var clock = Stopwatch.StartNew();
            while (Directory.Exists($"/proc/{plugin.ProcessId}") && clock.Elapsed < TimeSpan.FromSeconds(20))
                await Task.Delay(100);
            output.WriteLine($"the plugin exited {clock.ElapsedMilliseconds} ms after its engine stopped answering");
            Assert.True(clock.Elapsed < EngineWatch.AddressInterval * 2 + TimeSpan.FromSeconds(3));
        }
        finally
        {
            await plugin.DisposeAsync();
        }
    }

    private static ObjectValue CloneProgram(BigTemplate template, string name, string mode = "full") =>
        Props.Object(
            ("name", name),
            ("source", template.Name),
            ("mode", mode),
            ("running", false),
            ("pool", template.Pool)
        );

    /// <summary>
    /// Every object a create of <paramref name="name"/> can leave: the domain and the volumes named after it.
    /// </summary>
    private List<string> Leftovers(string name)
    {
        using var libvirt = Connection.Open(TestPool.Uri);
        using var domain = libvirt.FindDomain(name);
        return
        [
            .. _pool
                .VolumeNames()
                .Where(v =>
                    v.StartsWith(name + "-", StringComparison.Ordinal)
                    || v.StartsWith(name + ".", StringComparison.Ordinal)
                ),
            .. domain is null ? [] : new[] { $"domain {name} ({domain.State})" },
        ];
    }

    private async Task<TimeSpan> TimeOneCloneAsync(BigTemplate template)
    {
        using var harness = new ResourceHarness(CloneToken);
        var clock = Stopwatch.StartNew();
        var (id, outputs, _) = await harness.CreateAsync(CloneProgram(template, _names.Name("time")), name: "time");
        var took = clock.Elapsed;
        await harness.DeleteAsync(id, outputs);
        output.WriteLine($"an uninterrupted full clone takes {took.TotalMilliseconds:0} ms");
        return took;
    }

    /// <summary>
    /// Starts the create through the binary, then kills the binary (SIGKILL) after <paramref name="delay"/>.
    /// </summary>
    /// <returns>False when the create answered before the kill: the engine recorded it, and it is deleted
    /// here.</returns>
    private async Task<bool> KillDuringCreateAsync(string token, string name, ObjectValue program, TimeSpan delay)
    {
        await using var session = await EngineSession.StartAsync(token, stack: name);
        var check = await session.CheckAsync(name, program);
        Assert.Empty(check.Failures);
        var create = session.CreateAsync(name, check.Inputs);
        if (await Task.WhenAny(create, Task.Delay(delay)) == create)
        {
            output.WriteLine($"{name}: the create answered before the kill");
            var created = await create;
            await session.DeleteAsync(name, created.Id, created.Properties, check.Inputs);
            return false;
        }
        Process.GetProcessById(session.Provider.ProcessId).Kill();
        try
        {
            await create;
        }
        catch (Exception e)
        {
            output.WriteLine($"{name}: the engine saw {e.GetType().Name} after {delay.TotalMilliseconds:0} ms");
        }
        return true;
    }

    /// <summary>
    /// The engine's next `pulumi up`: a fresh provider, Check and Create again (the create never finished), then
    /// destroy.
    /// </summary>
    private async Task RetryFromFreshProviderAsync(
        string token,
        string name,
        ObjectValue program,
        Counts counts,
        Func<List<string>> leftovers
    )
    {
        await using var session = await EngineSession.StartAsync(token, stack: name);
        var check = await session.CheckAsync(name, program);
        Assert.Empty(check.Failures);
        var clock = Stopwatch.StartNew();
        var created = await session.CreateAsync(name, check.Inputs);
        output.WriteLine($"{name}: the retried create succeeded in {clock.ElapsedMilliseconds} ms");
        counts.Retried(new Result(new CreateResult(created.Id, EngineSession.Values(created.Properties)), null));
        using (var libvirt = Connection.Open(TestPool.Uri))
        {
            using var domain = libvirt.FindDomain(created.Id);
            Assert.NotNull(domain);
            // One domain of the name (the answered one), and no volume of the name beyond the ones it reports.
            var reported = created.Properties.Fields.TryGetValue("volumes", out var volumes)
                ? volumes
                    .ListValue.Values.Select(v => Path.GetFileName(v.StructValue.Fields["path"].StringValue))
                    .ToHashSet()
                : [];
            Assert.DoesNotContain(leftovers(), l =>
                !l.StartsWith("domain ", StringComparison.Ordinal) && !reported.Contains(l)
            );
        }
        await session.DeleteAsync(name, created.Id, created.Properties, check.Inputs);
        Assert.Empty(leftovers());
    }

    private sealed record Result(CreateResult? Created, ProviderException? Error);

    private static async Task<Result> Outcome(Task<CreateResult> create)
    {
        try
        {
            return new Result(await create, null);
        }
        catch (ProviderException e)
        {
            return new Result(null, e);
        }
    }

    private static async Task<ProviderException?> Record(Task operation)
    {
        try
        {
            await operation;
            return null;
        }
        catch (ProviderException e)
        {
            return e;
        }
    }

    /// <summary>
    /// Per scenario: creates interrupted, orphans found, retries that succeeded, and the slowest answer.
    /// </summary>
    private sealed class Counts
    {
        private int _total,
            _interrupted,
            _orphaned,
            _retries,
            _retriesOk;

        public int Interrupted => _interrupted;
        private TimeSpan _slowest;

        public void Record(
            int trial,
            Result outcome,
            TimeSpan took,
            List<string> left,
            ITestOutputHelper output,
            bool quiet = false
        )
        {
            _total++;
            _slowest = took > _slowest ? took : _slowest;
            if (!quiet)
                output.WriteLine(
                    $"trial {trial}: "
                        + $"{(outcome.Error is null ? "created" : $"{outcome.Error.Kind}: {outcome.Error.Message}")} "
                        + $"in {took.TotalMilliseconds:0} ms"
                );
            if (outcome.Error is not null)
            {
                _interrupted++;
                Assert.Equal(ErrorKind.Unavailable, outcome.Error.Kind);
                Assert.Contains(TestPool.Uri, outcome.Error.Message, StringComparison.Ordinal);
            }
            Assert.True(took < TimeSpan.FromSeconds(60), $"answered after {took}");
            // What the provider saw fail it removed: nothing of the create is left once it answered.
            if (left.Count > 0)
                _orphaned++;
            Assert.Empty(left);
        }

        public void Orphaned(bool orphaned)
        {
            _total++;
            _interrupted++;
            if (orphaned)
                _orphaned++;
        }

        public void Retried(Result outcome)
        {
            Assert.Null(outcome.Error);
            _retries++;
            _retriesOk++;
        }

        public void Report(string scenario, ITestOutputHelper output) =>
            output.WriteLine(
                $"{scenario}: {_total} creates, {_interrupted} interrupted, {_orphaned} left something before the "
                    + $"retry, {_retriesOk} of {_retries} retries succeeded (0 orphans after them), slowest answer "
                    + $"{_slowest.TotalMilliseconds:0} ms"
            );
    }

    /// <summary>
    /// A shut-off qemu domain with one raw disk full of data: a full clone of it copies for a second or more.
    /// </summary>
    private sealed record BigTemplate(string Name, string Pool);

    /// <summary>
    /// This class's directory pool. Unlike <see cref="TestPool"/> it keeps no connection open: libvirtd is restarted
    /// under it, so every use opens a fresh one.
    /// </summary>
    private sealed class FaultPool : IDisposable
    {
        public FaultPool()
        {
            Name = TestPool.UniqueName("faults");
            Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), Name);
            using var libvirt = Connection.Open(TestPool.Uri);
            using var _ = libvirt.CreateDirectoryPool(Name, Path);
        }

        public string Name { get; }
        public string Path { get; }

        public List<string> VolumeNames()
        {
            using var libvirt = Connection.Open(TestPool.Uri);
            using var pool = libvirt.LookupPool(Name);
            pool.RefreshIfIdle();
            var volumes = pool.ListVolumes();
            try
            {
                return
                [
                    .. volumes
                        .Select(v => v.Name)
                        .Where(n => n.StartsWith(TestPool.RunPrefix, StringComparison.Ordinal)),
                ];
            }
            finally
            {
                foreach (var v in volumes)
                    v.Dispose();
            }
        }

        /// <summary>A volume for a test, by key.</summary>
        public string CreateVolume(string hint, ulong capacity)
        {
            using var libvirt = Connection.Open(TestPool.Uri);
            using var pool = libvirt.LookupPool(Name);
            using var volume = pool.CreateVolume(new VolumeDefinition(TestPool.UniqueName(hint), capacity, "qcow2"));
            return volume.Key;
        }

        public BigTemplate BigTemplate(TestDomains names)
        {
            var name = names.Name("big");
            string disk;
            using (var libvirt = Connection.Open(TestPool.Uri))
            using (var pool = libvirt.LookupPool(Name))
            using (
                var volume = pool.CreateVolume(new VolumeDefinition(TestPool.UniqueName("bigdisk"), 768 * MiB, "raw"))
            )
                disk = volume.Path;
            Command.WritePattern(disk, "raw", 0x5a, 0, 768 * MiB);
            using (var libvirt = Connection.Open(TestPool.Uri))
            using (
                libvirt.DefineDomain(
                    $"""
                    <domain type='qemu'>
                      <name>{name}</name>
                      <memory unit='MiB'>64</memory>
                      <os><type arch='x86_64'>hvm</type></os>
                      <devices>
                        <disk type='file' device='disk'><driver name='qemu' type='raw'/><source file='{disk}'/>
                          <target dev='vda' bus='virtio'/></disk>
                      </devices>
                    </domain>
                    """
                )
            ) { }
            return new BigTemplate(name, Name);
        }

        public void Dispose()
        {
            using var libvirt = Connection.Open(TestPool.Uri);
            using var pool = libvirt.FindPool(Name);
            if (pool is not null)
            {
                pool.Refresh();
                foreach (var volume in pool.ListVolumes())
                {
                    using (volume)
                        volume.Delete();
                }
                pool.DestroyAndUndefine();
            }
            if (Directory.Exists(Path))
                Directory.Delete(Path, recursive: true);
        }
    }
}
