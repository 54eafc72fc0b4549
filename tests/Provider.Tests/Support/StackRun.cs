using System.Collections.Concurrent;
using System.Security.Cryptography;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using PulumiLibvirt.Protocol;
using PulumiLibvirt.Resources.Framework;
using Rpc = Pulumirpc;

namespace PulumiLibvirt.Tests.Support;

/// <summary>One resource of a stack as the engine keeps it.</summary>
public sealed record StackResource(string Name, string Type, string Urn, string Id, Struct Inputs, ObjectValue Outputs);

/// <summary>
/// The engine's steps for a whole program, on one provider process. Like the engine, it works on the resources whose
/// dependencies are done all at once, and deletes dependents before what they depend on.
/// </summary>
public sealed class StackRun(ProviderProcess provider, ExampleProgram program, string stack)
{
    private readonly List<List<StackResource>> _created = [];

    /// <summary>The outputs of every resource made so far, by name.</summary>
    public IReadOnlyDictionary<string, StackResource> Created => _created.SelectMany(wave => wave).ToDictionary(r => r.Name);

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
                foreach (var state in states) outputs[state.Name] = state.Outputs;
                made.AddRange(states);
                if (!preview) _created.Add([.. states, .. _initFailed]);
                _initFailed.Clear();
            }
        }
        return made;
    }

    private readonly ConcurrentBag<StackResource> _initFailed = [];

    private async Task<StackResource> CreateAsync(ExampleResource resource, IReadOnlyDictionary<string, ObjectValue> outputs, bool preview)
    {
        var urn = $"urn:pulumi:{stack}::{program.Project}::{resource.Type}::{stack}-{resource.Name}";
        var news = PropertyStruct.Encode(program.Inputs(resource, outputs));
        var check = await provider.CallAsync<Rpc.CheckResponse>("Check", new Rpc.CheckRequest
        {
            Urn = urn, Type = resource.Type, Name = $"{stack}-{resource.Name}", News = news, Olds = new Struct(),
            RandomSeed = ByteString.CopyFrom(RandomNumberGenerator.GetBytes(32)),
        });
        Assert.True(check.Failures.Count == 0, $"{resource.Name} fails Check ({(preview ? "preview" : "up")}): {check.Failures}");
        Rpc.CreateResponse create;
        try
        {
            create = await provider.CallAsync<Rpc.CreateResponse>("Create", new Rpc.CreateRequest
            {
                Urn = urn, Type = resource.Type, Properties = check.Inputs, Preview = preview,
            });
        }
        catch (RpcException failure) when (failure.Details?.Details.SingleOrDefault()?.TryUnpack<Rpc.ErrorResourceInitFailed>(out var made) == true)
        {
            _initFailed.Add(new StackResource(resource.Name, resource.Type, urn, made.Id, check.Inputs, PropertyStruct.Decode(made.Properties)));
            throw;
        }
        return new StackResource(resource.Name, resource.Type, urn, create.Id, check.Inputs, PropertyStruct.Decode(create.Properties));
    }

    /// <summary>The second `pulumi up` with the same program: Check with the old inputs, then Diff, for each.</summary>
    public async Task<IReadOnlyList<(string Resource, Rpc.DiffResponse Diff)>> DiffAsync()
    {
        var created = _created.SelectMany(wave => wave).ToList();
        var outputs = created.ToDictionary(r => r.Name, r => r.Outputs);
        var diffs = new List<(string, Rpc.DiffResponse)>();
        foreach (var resource in created)
        {
            var news = PropertyStruct.Encode(program.Inputs(program.Resources[resource.Name], outputs));
            var check = await provider.CallAsync<Rpc.CheckResponse>("Check", new Rpc.CheckRequest
            {
                Urn = resource.Urn, Type = resource.Type, Name = $"{stack}-{resource.Name}", News = news, Olds = resource.Inputs,
                RandomSeed = ByteString.CopyFrom(RandomNumberGenerator.GetBytes(32)),
            });
            Assert.True(check.Failures.Count == 0, $"{resource.Name} fails Check on the second up: {check.Failures}");
            diffs.Add((resource.Name, await provider.CallAsync<Rpc.DiffResponse>("Diff", new Rpc.DiffRequest
            {
                Id = resource.Id, Urn = resource.Urn, Type = resource.Type, Olds = PropertyStruct.Encode(resource.Outputs),
                OldInputs = resource.Inputs, News = check.Inputs,
            })));
        }
        return diffs;
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
            try { await DeleteAsync(resource); }
            catch (RpcException) { }
        }
    }

    private Task DeleteAsync(StackResource resource) => provider.CallAsync<Empty>("Delete", new Rpc.DeleteRequest
    {
        Id = resource.Id, Urn = resource.Urn, Type = resource.Type, Properties = PropertyStruct.Encode(resource.Outputs),
        OldInputs = resource.Inputs,
    });
}
