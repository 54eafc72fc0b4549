using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using PulumiLibvirt.Framework;
using PulumiLibvirt.Protocol;
using PulumiLibvirt.Tests.Support;
using Rpc = Pulumirpc;

namespace PulumiLibvirt.Tests;

/// <summary>
/// The provider's gRPC host in this process, on loopback, serving the real ResourceProviderService over a provider
/// that fails on purpose: what the engine receives for large messages, bugs, failures and half-made resources.
/// </summary>
[Trait(Category.Name, Category.Unit)]
public sealed class GrpcHostTests : IAsyncLifetime
{
    private const string Broken = "test:index:Broken";
    private const string HalfMade = "test:index:HalfMade";

    private readonly StringWriter _errors = new();
    private readonly EngineLogClient _engineLog = new();
    private GrpcHost _host = null!;
    private Grpc.Net.Client.GrpcChannel _channel = null!;
    private Rpc.ResourceProvider.ResourceProviderClient _client = null!;

    public async Task InitializeAsync()
    {
        var service = new ResourceProviderService(new FailingProvider(), _engineLog, "1.2.3", "{}");
        _host = await GrpcHost.StartAsync(service, TextWriter.Synchronized(_errors));
        _channel = LocalChannel.Open($"127.0.0.1:{_host.Port}");
        _client = new Rpc.ResourceProvider.ResourceProviderClient(_channel);
    }

    public async Task DisposeAsync()
    {
        _channel.Dispose();
        await _host.DisposeAsync();
        _engineLog.Dispose();
    }

    private static Rpc.CheckRequest CheckOf(string type, ObjectValue news) =>
        new()
        {
            Urn = $"urn:pulumi:dev::p::{type}::x",
            Type = type,
            News = PropertyStruct.Encode(news),
        };

    [Fact]
    public async Task Messages_larger_than_grpcs_default_4_MB_go_both_ways()
    {
        // A 6 MiB userData reaches Check, and the checked inputs, as large, come back.
        var userData = new string('x', 6 * 1024 * 1024);
        var checkedConfig = await _client.CheckConfigAsync(
            CheckOf("pulumi:providers:test", Props.Object(("userData", userData)))
        );
        Assert.Equal(userData, checkedConfig.Inputs.Fields["userData"].StringValue);
    }

    [Fact]
    public async Task An_unexpected_exception_answers_internal_with_its_message_and_is_written_whole_to_errors()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() =>
            _client.CheckAsync(CheckOf(Broken, ObjectValue.Empty)).ResponseAsync
        );
        Assert.Equal(StatusCode.Internal, error.StatusCode);
        Assert.Equal(FailingProvider.BugMessage, error.Status.Detail);
        var written = _errors.ToString();
        Assert.Contains("/pulumirpc.ResourceProvider/Check", written, StringComparison.Ordinal);
        Assert.Contains(
            $"System.InvalidOperationException: {FailingProvider.BugMessage}",
            written,
            StringComparison.Ordinal
        );
        Assert.Contains(
            "at PulumiLibvirt.Tests.GrpcHostTests.FailingProvider.Resource(",
            written,
            StringComparison.Ordinal
        );
    }

    [Fact]
    public async Task A_failures_message_reaches_the_engine_as_written_in_any_script_and_with_its_status()
    {
        const string Message = "volume 'ä' is 100% used\nreally";
        var error = await Assert.ThrowsAsync<RpcException>(() =>
            _client.InvokeAsync(new Rpc.InvokeRequest { Tok = Message, Args = new Struct() }).ResponseAsync
        );
        Assert.Equal(StatusCode.NotFound, error.StatusCode);
        Assert.Equal(Message, error.Status.Detail);
        Assert.Equal("", _errors.ToString());
    }

    [Fact]
    public async Task A_half_made_resource_reaches_the_engine_as_an_ErrorResourceInitFailed_detail()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() =>
            _client
                .CreateAsync(
                    new Rpc.CreateRequest
                    {
                        Urn = $"urn:pulumi:dev::p::{HalfMade}::x",
                        Type = HalfMade,
                        Properties = new Struct(),
                    }
                )
                .ResponseAsync
        );
        // The engine reads google.rpc.Status from the grpc-status-details-bin trailer.
        Assert.Equal(StatusCode.Unknown, error.StatusCode);
        var status = error.GetRpcStatus();
        Assert.NotNull(status);
        Assert.Equal((int)StatusCode.Unknown, status.Code);
        Assert.Equal(FailingResource.Reason, status.Message);
        var initFailed = Assert.Single(status.Details).Unpack<Rpc.ErrorResourceInitFailed>();
        Assert.Equal("made-1", initFailed.Id);
        Assert.Equal("running", initFailed.Properties.Fields["state"].StringValue);
        Assert.Equal([FailingResource.Reason], initFailed.Reasons);
    }

    [Fact]
    public async Task A_method_the_service_does_not_have_answers_unimplemented()
    {
        var empty = Marshallers.Create(message => message.ToByteArray(), Empty.Parser.ParseFrom);
        var construct = new Method<Empty, Empty>(
            MethodType.Unary,
            "pulumirpc.ResourceProvider",
            "Construct",
            empty,
            empty
        );
        var error = await Assert.ThrowsAsync<RpcException>(() =>
            _channel.CreateCallInvoker().AsyncUnaryCall(construct, null, new CallOptions(), new Empty()).ResponseAsync
        );
        Assert.Equal(StatusCode.Unimplemented, error.StatusCode);
    }

    /// <summary>
    /// Accepts any configuration; its resources are a bug or half made, its functions are never found.
    /// </summary>
    private sealed class FailingProvider : IProvider
    {
        public const string BugMessage = "a bug in the provider";

        public IReadOnlyList<CheckFailure> CheckConfig(ObjectValue config) => [];

        public ResourceDiff DiffConfig(ObjectValue olds, ObjectValue news) => throw new NotSupportedException();

        public void Configure(ObjectValue config) { }

        public IResource Resource(string token) =>
            token == HalfMade ? new FailingResource() : throw new InvalidOperationException(BugMessage);

        public IFunction Function(string token) => throw new ProviderException(ErrorKind.NotFound, token);

        public ResourceContext Context(string urn, CancellationToken deadline = default) =>
            new(new RecordingLog(), urn, deadline);

        public void Cancel() { }
    }

    /// <summary>A resource whose create makes something that then fails to become healthy.</summary>
    private sealed class FailingResource : IResource
    {
        public const string Reason = "the machine started but never got an address";

        public string Token => HalfMade;
        public string? Description => null;
        public TypeShape Inputs => throw new NotSupportedException();
        public IReadOnlyList<PropertyShape> Outputs => [];

        public Task<CreateResult> CreateAsync(CreateRequest request, ResourceContext context) =>
            throw new ResourceInitFailedException("made-1", Props.Object(("state", "running")), Reason);

        public Task<CheckResult> CheckAsync(CheckRequest request, ResourceContext context) =>
            throw new NotSupportedException();

        public ResourceDiff Diff(DiffRequest request) => throw new NotSupportedException();

        public Task<ReadResult?> ReadAsync(ReadRequest request, ResourceContext context) =>
            throw new NotSupportedException();

        public Task<ObjectValue> UpdateAsync(UpdateRequest request, ResourceContext context) =>
            throw new NotSupportedException();

        public Task DeleteAsync(DeleteRequest request, ResourceContext context) => throw new NotSupportedException();
    }
}
