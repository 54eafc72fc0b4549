using System.Security.Cryptography;
using Google.Protobuf;
using PulumiLibvirt.Framework;
using PulumiLibvirt.Protocol;
using Rpc = Pulumirpc;
using Struct = Google.Protobuf.WellKnownTypes.Struct;

namespace PulumiLibvirt.Tests.Support;

/// <summary>
/// The built provider binary with a fake engine, driven for one resource type the way the engine drives it:
/// each step is one gRPC call with the messages the engine sends, and answers what the engine would keep.
/// </summary>
public sealed class EngineSession : IAsyncDisposable
{
    private EngineSession(FakeEngine engine, ProviderProcess provider, string type, string? stack)
    {
        (Engine, Provider, Type) = (engine, provider, type);
        Stack = stack ?? TestPool.UniqueName("stack");
    }

    /// <summary>
    /// The stack in the URNs: one of its own unless given, since tests running side by side must not share URNs (they
    /// mark what a create makes as its own). A later session of the same stack is the next `pulumi up`.
    /// </summary>
    public string Stack { get; }

    public FakeEngine Engine { get; }
    public ProviderProcess Provider { get; }
    public string Type { get; }

    /// <summary>Starts the binary, shakes hands and configures it for <see cref="TestPool.Uri"/>.</summary>
    /// <param name="environment">Variables set for the binary: a PATH that must not find some tools, a proxy…</param>
    public static async Task<EngineSession> StartAsync(
        string type,
        IReadOnlyDictionary<string, string>? environment = null,
        string? stack = null
    )
    {
        var session = await StartUnconfiguredAsync(type, environment, stack);
        await session.ConfigureAsync();
        return session;
    }

    /// <summary>
    /// Starts the binary and calls nothing yet: the test decides how the engine begins (or that it is an older one).
    /// </summary>
    public static async Task<EngineSession> StartUnconfiguredAsync(
        string type,
        IReadOnlyDictionary<string, string>? environment = null,
        string? stack = null
    )
    {
        var engine = await FakeEngine.StartAsync();
        var provider = await ProviderProcess.StartAsync(engine.Address, environment);
        return new EngineSession(engine, provider, type, stack);
    }

    /// <summary>Handshake, then Configure for <see cref="TestPool.Uri"/>, as a recent engine begins.</summary>
    public async Task<Rpc.ConfigureResponse> ConfigureAsync()
    {
        await Provider.Client.HandshakeAsync(new Rpc.ProviderHandshakeRequest { EngineAddress = Engine.Address });
        return await Provider.Client.ConfigureAsync(
            new Rpc.ConfigureRequest
            {
                Args = PropertyStruct.Encode(Props.Object(("uri", TestPool.Uri))),
                AcceptSecrets = true,
                AcceptResources = true,
                SendsOldInputs = true,
            }
        );
    }

    public string Urn(string name) => $"urn:pulumi:{Stack}::protocol-tests::{Type}::{name}";

    public static ObjectValue Values(Struct value) => PropertyStruct.Decode(value);

    /// <summary>
    /// The engine's Invoke of a function (a program's invoke): it belongs to no resource, so it has no URN.
    /// </summary>
    public Task<Rpc.InvokeResponse> InvokeAsync(string token, ObjectValue args) =>
        Provider
            .Client.InvokeAsync(new Rpc.InvokeRequest { Tok = token, Args = PropertyStruct.Encode(args) })
            .ResponseAsync;

    public Task<Rpc.CheckResponse> CheckAsync(string name, ObjectValue news, Struct? olds = null) =>
        Provider
            .Client.CheckAsync(
                new Rpc.CheckRequest
                {
                    Urn = Urn(name),
                    Name = name,
                    Type = Type,
                    News = PropertyStruct.Encode(news),
                    Olds = olds,
                    RandomSeed = ByteString.CopyFrom(RandomNumberGenerator.GetBytes(16)),
                }
            )
            .ResponseAsync;

    public Task<Rpc.CreateResponse> CreateAsync(string name, Struct inputs, bool preview = false) =>
        Provider
            .Client.CreateAsync(
                new Rpc.CreateRequest
                {
                    Urn = Urn(name),
                    Type = Type,
                    Properties = inputs,
                    Preview = preview,
                }
            )
            .ResponseAsync;

    public Task<Rpc.DiffResponse> DiffAsync(string name, string id, Struct oldOutputs, Struct oldInputs, Struct news) =>
        Provider
            .Client.DiffAsync(
                new Rpc.DiffRequest
                {
                    Id = id,
                    Urn = Urn(name),
                    Type = Type,
                    Olds = oldOutputs,
                    OldInputs = oldInputs,
                    News = news,
                }
            )
            .ResponseAsync;

    public Task<Rpc.UpdateResponse> UpdateAsync(
        string name,
        string id,
        Struct oldOutputs,
        Struct oldInputs,
        Struct news,
        bool preview = false
    ) =>
        Provider
            .Client.UpdateAsync(
                new Rpc.UpdateRequest
                {
                    Id = id,
                    Urn = Urn(name),
                    Type = Type,
                    Olds = oldOutputs,
                    OldInputs = oldInputs,
                    News = news,
                    Preview = preview,
                }
            )
            .ResponseAsync;

    public Task<Rpc.ReadResponse> ReadAsync(string name, string id, Struct? outputs = null, Struct? inputs = null) =>
        Provider
            .Client.ReadAsync(
                new Rpc.ReadRequest
                {
                    Id = id,
                    Urn = Urn(name),
                    Type = Type,
                    Properties = outputs,
                    Inputs = inputs,
                }
            )
            .ResponseAsync;

    public Task DeleteAsync(string name, string id, Struct outputs, Struct inputs) =>
        Provider
            .Client.DeleteAsync(
                new Rpc.DeleteRequest
                {
                    Id = id,
                    Urn = Urn(name),
                    Type = Type,
                    Properties = outputs,
                    OldInputs = inputs,
                }
            )
            .ResponseAsync;

    public async ValueTask DisposeAsync()
    {
        await Provider.DisposeAsync();
        await Engine.DisposeAsync();
    }
}
