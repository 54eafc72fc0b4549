using PulumiLibvirt.Resources;
using PulumiLibvirt.Tests.Support;

namespace PulumiLibvirt.Tests;

/// <summary>The bad-input cases' host without a daemon: its files on this machine, its objects as facts.</summary>
public sealed class FakeBadInputHost : IDisposable
{
    public BadInputHost Host { get; }
    public FakeCheckHost Facts { get; }

    public FakeBadInputHost()
    {
        var files = Path.Combine(Path.GetTempPath(), TestPool.UniqueName("pool"));
        Directory.CreateDirectory(files);
        string Disk(string hint) => Path.Combine(files, TestPool.UniqueName(hint));
        var template = new BadInputTemplate(TestPool.UniqueName("tmpl"), Disk("sys"), Disk("data"), Disk("iso"));
        Host = new BadInputHost(
            new BadInputPool(TestPool.UniqueName("pool"), files),
            TestPool.UniqueName("net"),
            "52:54:00:fe:ed:01",
            TestPool.UniqueName("off"),
            template
        );
        // Check reads a local disk file itself: the template's disks are real images (raw zeros) here too.
        foreach (var disk in new[] { template.SystemDisk, template.DataDisk, template.Iso })
            File.WriteAllBytes(disk, new byte[Sizes.MiB]);
        Facts = FakeCheckHost.For(Host);
    }

    public void Dispose()
    {
        Host.Dispose();
        Directory.Delete(Host.Pool.Path, recursive: true);
    }
}

/// <summary>
/// The bad inputs of <see cref="BadInputCases"/> judged in process by the provider's Check against a host of facts
/// (<see cref="CheckOnFacts"/>, <see cref="FakeCheckHost"/>) instead of libvirtd: each is a CheckFailure on its
/// property that says what to do.
/// </summary>
[Trait(Category.Name, Category.Unit)]
public sealed class BadInputUnitTests(FakeBadInputHost fake) : IClassFixture<FakeBadInputHost>
{
    public static IEnumerable<object[]> Cases => BadInputCases.UnitRows;

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Is_refused_at_check_on_its_property(string id)
    {
        var bad = BadInputCases.All[id];
        var tag = TestPool.UniqueName("bad");
        var news = bad.Inputs(fake.Host, tag);
        var failures =
            bad.Type == BadInputCases.Config
                ? new LibvirtProvider(new RecordingLog()).CheckConfig(CheckOnFacts.WireCopy(news))
                : (
                    await CheckOnFacts.RunAsync(fake.Facts, bad.Type, tag, news, bad.Olds?.Invoke(fake.Host, tag))
                ).Failures;

        var all = string.Join("; ", failures.Select(f => $"{f.Property}: {f.Reason}"));
        var failure = failures.FirstOrDefault(f => f.Property == bad.Property);
        Assert.True(failure is not null, $"no failure on '{bad.Property}'; failures: [{all}]");
        Assert.True(
            failure.Reason.Contains(bad.Says, StringComparison.Ordinal),
            $"the failure on '{bad.Property}' does not say \"{bad.Says}\": {failure.Reason}"
        );
    }

    [Fact]
    public void Most_cases_run_here_and_a_representative_set_on_the_daemon()
    {
        var unit = BadInputCases.UnitRows.Count();
        Assert.True(unit >= BadInputCases.All.Count * 9 / 10, $"{unit} of {BadInputCases.All.Count} cases");
        Assert.Empty(BadInputCases.NeedsDaemon.Concat(BadInputCases.Representative).Except(BadInputCases.All.Keys));
        var onDaemon = BadInputCases.DaemonRows.Select(row => BadInputCases.All[(string)row[0]].Type).ToHashSet();
        Assert.Equal(BadInputCases.All.Values.Select(c => c.Type).ToHashSet(), onDaemon);
    }
}
