using PulumiLibvirt.Framework;
using PulumiLibvirt.Resources;

namespace PulumiLibvirt.Tests.Support;

/// <summary>Drives one resource type in process, on property values, as the protocol host does.</summary>
public sealed class ResourceHarness : IDisposable
{
    private readonly LibvirtProvider _provider;

    public ResourceHarness(string token, string uri = TestPool.Uri, params (string Key, object? Value)[] config)
    {
        _provider = new LibvirtProvider(Log);
        _provider.Configure(Props.Object([("uri", uri), .. config]));
        Resource = _provider.Resource(token);
        Token = token;
    }

    public RecordingLog Log { get; } = new();
    public IResource Resource { get; }
    public string Token { get; }

    // A stack of its own: tests running side by side must not share URNs, which mark what a create makes as its own.
    private readonly string _stack = TestPool.UniqueName("stack");

    public string Urn(string name) => $"urn:pulumi:{_stack}::libvirt-tests::{Token}::{name}";

    public Task<CheckResult> CheckAsync(
        ObjectValue news,
        ObjectValue? olds = null,
        string name = "res",
        byte[]? seed = null
    ) =>
        Resource.CheckAsync(
            new CheckRequest(
                Urn(name),
                name,
                olds,
                news,
                seed ?? System.Security.Cryptography.RandomNumberGenerator.GetBytes(16)
            ),
            _provider.Context(Urn(name))
        );

    /// <summary>Check then create, as `pulumi up` does; returns the checked inputs too.</summary>
    public async Task<(string Id, ObjectValue Outputs, ObjectValue Inputs)> CreateAsync(
        ObjectValue news,
        string name = "res"
    )
    {
        var check = await CheckAsync(news, name: name);
        Assert.Empty(check.Failures);
        var created = await CreateCheckedAsync(check.Inputs, name);
        return (created.Id, created.Outputs, check.Inputs);
    }

    /// <summary>Create on inputs that Check already answered.</summary>
    public Task<CreateResult> CreateCheckedAsync(ObjectValue inputs, string name = "res") =>
        Resource.CreateAsync(new CreateRequest(Urn(name), inputs, Preview: false), _provider.Context(Urn(name)));

    public Task<CreateResult> PreviewCreateAsync(ObjectValue inputs) =>
        Resource.CreateAsync(new CreateRequest(Urn("res"), inputs, Preview: true), _provider.Context(Urn("res")));

    public ResourceDiff Diff(string id, ObjectValue oldOutputs, ObjectValue oldInputs, ObjectValue news) =>
        Resource.Diff(new DiffRequest(id, Urn("res"), oldOutputs, oldInputs, news, []));

    public Task<ObjectValue> UpdateAsync(
        string id,
        ObjectValue oldOutputs,
        ObjectValue oldInputs,
        ObjectValue news,
        bool preview = false
    ) =>
        Resource.UpdateAsync(
            new UpdateRequest(id, Urn("res"), oldOutputs, oldInputs, news, preview, []),
            _provider.Context(Urn("res"))
        );

    public Task<ReadResult?> ReadAsync(string id, ObjectValue? oldOutputs = null, ObjectValue? oldInputs = null) =>
        Resource.ReadAsync(new ReadRequest(id, Urn("res"), oldOutputs, oldInputs), _provider.Context(Urn("res")));

    public Task DeleteAsync(string id, ObjectValue oldOutputs) =>
        Resource.DeleteAsync(new DeleteRequest(id, Urn("res"), oldOutputs, null), _provider.Context(Urn("res")));

    /// <summary>The engine's Cancel: operations running now stop.</summary>
    public void Cancel() => _provider.Cancel();

    public void Dispose() => _provider.Dispose();
}
