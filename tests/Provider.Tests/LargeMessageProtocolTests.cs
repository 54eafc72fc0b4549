using PulumiLibvirt.Tests.Support;
using static PulumiLibvirt.Tests.Support.Sizes;

namespace PulumiLibvirt.Tests;

/// <summary>
/// Large secrets through the built binary, as the engine sends them: gRPC's default 4 MB message cap and Kestrel's
/// 30 MB request body cap must not stand between a program and its resource. A Delete carries the inputs and the
/// outputs, so a userData of 20 MiB travels twice in one request.
/// </summary>
public sealed class LargeMessageProtocolTests(TestPool pool) : IClassFixture<TestPool>, IAsyncLifetime
{
    private EngineSession _engine = null!;

    public async Task InitializeAsync() => _engine = await EngineSession.StartAsync("libvirt:index:CloudInit");

    public async Task DisposeAsync() => await _engine.DisposeAsync();

    /// <summary>
    /// A shell script of about <paramref name="bytes"/> bytes: cloud-init takes it as it is, no YAML.
    /// </summary>
    private static string Script(long bytes) => "#!/bin/sh\n" + new string('#', (int)bytes - 11) + "\n";

    [Fact]
    public async Task A_6_MiB_userData_reaches_Check()
    {
        var userData = Script(6 * MiB);
        var check = await _engine.CheckAsync(
            "six",
            Props.Object(("pool", pool.Name), ("userData", Props.Secret(userData)))
        );
        Assert.Empty(check.Failures);
        Assert.Equal(userData, Props.Text(EngineSession.Values(check.Inputs), "userData"));
    }

    [Fact]
    public async Task A_CloudInit_with_a_20_MiB_userData_is_created_and_deleted()
    {
        var userData = Props.Secret(Script(20 * MiB));
        var check = await _engine.CheckAsync("twenty", Props.Object(("pool", pool.Name), ("userData", userData)));
        Assert.Empty(check.Failures);
        var created = await _engine.CreateAsync("twenty", check.Inputs);
        Assert.NotNull(pool.Find(created.Id));
        await _engine.DeleteAsync("twenty", created.Id, created.Properties, check.Inputs);
        Assert.Null(pool.Find(created.Id));
    }
}
