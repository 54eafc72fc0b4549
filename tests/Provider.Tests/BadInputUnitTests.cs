using System.Security.Cryptography;
using PulumiLibvirt.Framework;
using PulumiLibvirt.Protocol;
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
        Host = new BadInputHost(new BadInputPool(TestPool.UniqueName("pool"), files), TestPool.UniqueName("net"),
            TestPool.UniqueName("off"), TestPool.UniqueName("tmpl"));
        Facts = FakeCheckHost.For(Host);
    }

    public void Dispose()
    {
        Host.Dispose();
        Directory.Delete(Host.Pool.Path, recursive: true);
    }
}

/// <summary>
/// The bad inputs of <see cref="BadInputCases"/> judged in process by the provider's Check, as the protocol host hands
/// them over (encoded and decoded), against a host of facts (<see cref="FakeCheckHost"/>) instead of libvirtd: each is
/// a CheckFailure on its property that says what to do. The connection is never opened: a Check that asked libvirt
/// anything but the host of facts would fail.
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
        var news = WireCopy(bad.Inputs(fake.Host, tag));
        var failures = bad.Type == BadInputCases.Config
            ? new LibvirtProvider(new RecordingLog()).CheckConfig(news)
            : await CheckAsync(bad.Type, tag, news,
                bad.Olds is { } olds ? WireCopy(olds(fake.Host, tag)) : ObjectValue.Empty);

        var all = string.Join("; ", failures.Select(f => $"{f.Property}: {f.Reason}"));
        var failure = failures.FirstOrDefault(f => f.Property == bad.Property);
        Assert.True(failure is not null, $"no failure on '{bad.Property}'; failures: [{all}]");
        Assert.True(failure.Reason.Contains(bad.Says, StringComparison.Ordinal),
            $"the failure on '{bad.Property}' does not say \"{bad.Says}\": {failure.Reason}");
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

    private async Task<IReadOnlyList<CheckFailure>> CheckAsync(
        string type, string name, ObjectValue news, ObjectValue olds)
    {
        var urn = $"urn:pulumi:dev::bad-inputs::{type}::{name}";
        var context = new LibvirtContext(() => throw new InvalidOperationException("Check opened a libvirt connection"),
            new ProviderConfig(), new RecordingLog(), urn, CancellationToken.None)
        { CheckHost = fake.Facts };
        var provider = new LibvirtProvider(new RecordingLog());
        var request = new CheckRequest(urn, name, olds, news, RandomNumberGenerator.GetBytes(32));
        return (await provider.Resource(type).CheckAsync(request, context)).Failures;
    }

    /// <summary>The values as the protocol host decodes them from the engine's message.</summary>
    private static ObjectValue WireCopy(ObjectValue values) => PropertyStruct.Decode(PropertyStruct.Encode(values));
}
