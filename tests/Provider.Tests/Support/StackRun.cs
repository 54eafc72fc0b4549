using System.Collections.Concurrent;
using System.Security.Cryptography;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using PulumiLibvirt.Framework;
using PulumiLibvirt.Protocol;
using Rpc = Pulumirpc;

namespace PulumiLibvirt.Tests.Support;

/// <summary>One resource of a stack as the engine keeps it.</summary>
public sealed record StackResource(string Name, string Type, string Urn, string Id, Struct Inputs, ObjectValue Outputs);

/// <summary>
/// The engine's steps for a whole program. Like the engine, it works on the resources whose dependencies are done all
/// at once, and deletes dependents before what they depend on. Resources without <c>options.provider</c> go to the
/// session's (default) provider; each explicit <c>pulumi:providers:libvirt</c> resource gets a provider process of its
/// own, checked and configured with that resource's inputs (CheckConfig, Configure), and serves the resources that
/// name it. Disposing it stops the processes it started.
/// </summary>
public sealed class StackRun(EngineSession session, ExampleProgram program, string stack) : IAsyncDisposable
{
    public const string ProviderType = "pulumi:providers:libvirt";

    private readonly List<List<StackResource>> _created = [];
    private readonly ConcurrentDictionary<string, Lazy<Task<ProviderProcess>>> _providers = new();

    /// <summary>
    /// The process of the explicit provider resource <paramref name="name"/>, started (and handshaken) once.
    /// </summary>
    public Task<ProviderProcess> ProviderOf(string name) =>
        _providers
            .GetOrAdd(name, _ => new(async () =>
                {
                    var process = await ProviderProcess.StartAsync(session.Engine.Address);
                    await process.Client.HandshakeAsync(
                        new Rpc.ProviderHandshakeRequest { EngineAddress = session.Engine.Address }
                    );
                    return process;
                }))
            .Value;

    private async Task<ProviderProcess> ProviderFor(ExampleResource resource) =>
        resource.Provider is { } name ? await ProviderOf(name) : session.Provider;

    /// <summary>The outputs of every resource made so far, by name.</summary>
    public IReadOnlyDictionary<string, StackResource> Created =>
        _created.SelectMany(wave => wave).ToDictionary(r => r.Name);

    /// <summary>Check then Create (a preview's or a real one) of every resource, in dependency order.</summary>
    public async Task<IReadOnlyList<StackResource>> UpAsync(bool preview)
    {
        var outputs = new Dictionary<string, ObjectValue>();
        var made = new List<StackResource>();
        foreach (var wave in program.InDependencyWaves())
        {
            var creates = wave.Select(resource => CreateAsync(resource, outputs, preview)).ToList();
            try
            {
                await Task.WhenAll(creates);
            }
            finally
            {
                // What a failed wave made is still cleaned up: the creates that succeeded, and the ones the provider
                // reported as made but not initialised.
                var states = creates.Where(c => c.IsCompletedSuccessfully).Select(c => c.Result).ToList();
                foreach (var state in states)
                    outputs[state.Name] = state.Outputs;
                made.AddRange(states);
                if (!preview)
                    _created.Add([.. states, .. _initFailed]);
                _initFailed.Clear();
            }
        }
        return made;
    }

    private readonly ConcurrentBag<StackResource> _initFailed = [];

    private string Urn(ExampleResource resource) =>
        $"urn:pulumi:{stack}::{program.Project}::{resource.Type}::{stack}-{resource.Name}";

    private async Task<StackResource> CreateAsync(
        ExampleResource resource,
        IReadOnlyDictionary<string, ObjectValue> outputs,
        bool preview
    )
    {
        var urn = Urn(resource);
        var news = PropertyStruct.Encode(program.Inputs(resource, outputs));
        if (resource.Type == ProviderType)
            return await ConfigureAsync(resource, urn, news, preview);
        var provider = await ProviderFor(resource);
        var check = await provider.Client.CheckAsync(
            new Rpc.CheckRequest
            {
                Urn = urn,
                Type = resource.Type,
                Name = $"{stack}-{resource.Name}",
                News = news,
                Olds = new Struct(),
                RandomSeed = ByteString.CopyFrom(RandomNumberGenerator.GetBytes(32)),
            }
        );
        Assert.True(
            check.Failures.Count == 0,
            $"{resource.Name} fails Check ({(preview ? "preview" : "up")}): {check.Failures}"
        );
        Rpc.CreateResponse create;
        try
        {
            create = await provider.Client.CreateAsync(
                new Rpc.CreateRequest
                {
                    Urn = urn,
                    Type = resource.Type,
                    Properties = check.Inputs,
                    Preview = preview,
                }
            );
        }
        catch (RpcException failure)
            when (failure
                    .GetRpcStatus()
                    ?.Details.SingleOrDefault()
                    ?.TryUnpack<Rpc.ErrorResourceInitFailed>(out var made) == true
            )
        {
            _initFailed.Add(
                new StackResource(
                    resource.Name,
                    resource.Type,
                    urn,
                    made.Id,
                    check.Inputs,
                    PropertyStruct.Decode(made.Properties)
                )
            );
            throw;
        }
        return new StackResource(
            resource.Name,
            resource.Type,
            urn,
            create.Id,
            check.Inputs,
            PropertyStruct.Decode(create.Properties)
        );
    }

    /// <summary>
    /// An explicit provider as the engine makes one: CheckConfig and Configure on its own process. Its outputs are its
    /// inputs, its id the engine's own (none in a preview).
    /// </summary>
    private async Task<StackResource> ConfigureAsync(ExampleResource resource, string urn, Struct news, bool preview)
    {
        var provider = await ProviderOf(resource.Name);
        var check = await provider.Client.CheckConfigAsync(
            new Rpc.CheckRequest
            {
                Urn = urn,
                Type = resource.Type,
                Name = $"{stack}-{resource.Name}",
                News = news,
                Olds = new Struct(),
            }
        );
        Assert.True(
            check.Failures.Count == 0,
            $"{resource.Name} fails CheckConfig ({(preview ? "preview" : "up")}): {check.Failures}"
        );
        await provider.Client.ConfigureAsync(
            new Rpc.ConfigureRequest
            {
                Args = check.Inputs,
                AcceptSecrets = true,
                AcceptResources = true,
                SendsOldInputs = true,
            }
        );
        return new StackResource(
            resource.Name,
            resource.Type,
            urn,
            preview ? "" : Guid.NewGuid().ToString(),
            check.Inputs,
            PropertyStruct.Decode(check.Inputs)
        );
    }

    /// <summary>The second `pulumi up` with the same program: Check with the old inputs, then Diff, for each.</summary>
    public async Task<IReadOnlyList<(string Resource, Rpc.DiffResponse Diff)>> DiffAsync()
    {
        var created = _created.SelectMany(wave => wave).ToList();
        var outputs = created.ToDictionary(r => r.Name, r => r.Outputs);
        var diffs = new List<(string, Rpc.DiffResponse)>();
        foreach (var resource in created)
        {
            var declared = program.Resources[resource.Name];
            var news = PropertyStruct.Encode(program.Inputs(declared, outputs));
            if (resource.Type == ProviderType)
            {
                diffs.Add((resource.Name, await DiffConfigAsync(resource, news)));
                continue;
            }
            var provider = await ProviderFor(declared);
            var check = await provider.Client.CheckAsync(
                new Rpc.CheckRequest
                {
                    Urn = resource.Urn,
                    Type = resource.Type,
                    Name = $"{stack}-{resource.Name}",
                    News = news,
                    Olds = resource.Inputs,
                    RandomSeed = ByteString.CopyFrom(RandomNumberGenerator.GetBytes(32)),
                }
            );
            Assert.True(check.Failures.Count == 0, $"{resource.Name} fails Check on the second up: {check.Failures}");
            diffs.Add(
                (
                    resource.Name,
                    await provider.Client.DiffAsync(
                        new Rpc.DiffRequest
                        {
                            Id = resource.Id,
                            Urn = resource.Urn,
                            Type = resource.Type,
                            Olds = PropertyStruct.Encode(resource.Outputs),
                            OldInputs = resource.Inputs,
                            News = check.Inputs,
                        }
                    )
                )
            );
        }
        return diffs;
    }

    /// <summary>
    /// An explicit provider on the second up: CheckConfig with the old inputs, DiffConfig, then Configure again.
    /// </summary>
    private async Task<Rpc.DiffResponse> DiffConfigAsync(StackResource resource, Struct news)
    {
        var provider = await ProviderOf(resource.Name);
        var check = await provider.Client.CheckConfigAsync(
            new Rpc.CheckRequest
            {
                Urn = resource.Urn,
                Type = resource.Type,
                Name = $"{stack}-{resource.Name}",
                News = news,
                Olds = resource.Inputs,
            }
        );
        Assert.True(check.Failures.Count == 0, $"{resource.Name} fails CheckConfig on the second up: {check.Failures}");
        var diff = await provider.Client.DiffConfigAsync(
            new Rpc.DiffRequest
            {
                Id = resource.Id,
                Urn = resource.Urn,
                Type = resource.Type,
                Olds = resource.Inputs,
                OldInputs = resource.Inputs,
                News = check.Inputs,
            }
        );
        await provider.Client.ConfigureAsync(
            new Rpc.ConfigureRequest
            {
                Args = check.Inputs,
                AcceptSecrets = true,
                AcceptResources = true,
                SendsOldInputs = true,
            }
        );
        return diff;
    }

    /// <summary>Delete of every created resource, dependents first.</summary>
    public async Task DestroyAsync()
    {
        while (_created.Count > 0)
        {
            await Task.WhenAll(_created[^1].Select(DeleteAsync));
            _created.RemoveAt(_created.Count - 1);
        }
    }

    /// <summary>After a failed test: deletes what is left, each as far as it goes.</summary>
    public async Task CleanUpAsync()
    {
        foreach (var resource in Enumerable.Reverse(_created).SelectMany(wave => wave))
        {
            try
            {
                await DeleteAsync(resource);
            }
            catch (RpcException) { }
        }
    }

    /// <summary>
    /// A resource's Delete on its provider's process; an explicit provider itself is only forgotten, as the engine
    /// does.
    /// </summary>
    private async Task DeleteAsync(StackResource resource)
    {
        if (resource.Type == ProviderType)
            return;
        var provider = await ProviderFor(program.Resources[resource.Name]);
        await provider.Client.DeleteAsync(
            new Rpc.DeleteRequest
            {
                Id = resource.Id,
                Urn = resource.Urn,
                Type = resource.Type,
                Properties = PropertyStruct.Encode(resource.Outputs),
                OldInputs = resource.Inputs,
            }
        );
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var provider in _providers.Values.Where(p => p.IsValueCreated && p.Value.IsCompletedSuccessfully))
            await (await provider.Value).DisposeAsync();
    }
}
