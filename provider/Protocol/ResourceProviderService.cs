using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using PulumiLibvirt.Framework;
using Rpc = Pulumirpc;

namespace PulumiLibvirt.Protocol;

/// <summary>
/// Pulumi's ResourceProvider service: translates each request into property values for the provider, and the
/// provider's answers and errors back into Pulumi's messages and gRPC statuses. It knows nothing of libvirt.
/// </summary>
public sealed class ResourceProviderService(
    IProvider provider,
    EngineLogClient engineLog,
    string version,
    string schema
) : Rpc.ResourceProvider.ResourceProviderBase
{
    private volatile bool _engineAcceptsSecrets = true;

    public override Task<Rpc.ProviderHandshakeResponse> Handshake(
        Rpc.ProviderHandshakeRequest request,
        ServerCallContext context
    )
    {
        if (request.EngineAddress.Length > 0)
            engineLog.Connect(request.EngineAddress);
        return Task.FromResult(
            new Rpc.ProviderHandshakeResponse
            {
                AcceptSecrets = true,
                AcceptResources = true,
                AcceptOutputs = false,
                SupportsAutonamingConfiguration = true,
            }
        );
    }

    public override Task<Empty> Attach(Rpc.PluginAttach request, ServerCallContext context)
    {
        engineLog.Connect(request.Address);
        return Task.FromResult(new Empty());
    }

    public override Task<Rpc.PluginInfo> GetPluginInfo(Empty request, ServerCallContext context) =>
        Task.FromResult(new Rpc.PluginInfo { Version = version });

    public override Task<Rpc.GetSchemaResponse> GetSchema(Rpc.GetSchemaRequest request, ServerCallContext context) =>
        Task.FromResult(new Rpc.GetSchemaResponse { Schema = schema });

    public override Task<Rpc.CheckResponse> CheckConfig(Rpc.CheckRequest request, ServerCallContext context)
    {
        var news = PropertyStruct.Decode(request.News);
        return Task.FromResult(CheckResponse(new CheckResult(news, provider.CheckConfig(news))));
    }

    public override Task<Rpc.DiffResponse> DiffConfig(Rpc.DiffRequest request, ServerCallContext context) =>
        Task.FromResult(
            DiffResponse(
                provider.DiffConfig(
                    PropertyStruct.DecodeOptional(request.OldInputs) ?? PropertyStruct.Decode(request.Olds),
                    PropertyStruct.Decode(request.News)
                )
            )
        );

    public override Task<Rpc.ConfigureResponse> Configure(Rpc.ConfigureRequest request, ServerCallContext context) =>
        RunAsync(() =>
        {
            _engineAcceptsSecrets = request.AcceptSecrets;
            provider.Configure(
                request.Args is not null ? PropertyStruct.Decode(request.Args) : FromVariables(request.Variables)
            );
            return Task.FromResult(
                new Rpc.ConfigureResponse
                {
                    AcceptSecrets = true,
                    SupportsPreview = true,
                    AcceptResources = true,
                    AcceptOutputs = false,
                    SupportsAutonamingConfiguration = true,
                }
            );
        });

    /// <summary>Old engines send configuration as strings keyed <c>libvirt:config:uri</c>.</summary>
    private static ObjectValue FromVariables(IDictionary<string, string> variables) =>
        new(
            variables.Select(v =>
                KeyValuePair.Create(
                    v.Key[(v.Key.LastIndexOf(':') + 1)..],
                    (PropertyValue)new Framework.StringValue(v.Value)
                )
            )
        );

    /// <remarks>
    /// Arguments that are wrong go back as failures: the engine hands them to the program, whose SDK reports
    /// "Invoke of 'TOKEN' failed: REASON (PROPERTY)". Anything else (a missing object) is an error with its status; the
    /// engine fails the invoke with "invocation of TOKEN returned an error: MESSAGE".
    /// </remarks>
    public override Task<Rpc.InvokeResponse> Invoke(Rpc.InvokeRequest request, ServerCallContext context) =>
        RunAsync(async () =>
        {
            var result = await provider
                .Function(request.Tok)
                .InvokeAsync(PropertyStruct.Decode(request.Args), provider.Context(""));
            var response = new Rpc.InvokeResponse { Return = result.Return is { } returned ? Encode(returned) : null };
            response.Failures.Add(Failures(result.Failures));
            return response;
        });

    public override Task<Rpc.CheckResponse> Check(Rpc.CheckRequest request, ServerCallContext context) =>
        RunAsync(async () =>
        {
            var (resource, resourceContext) = Resolve(request.Type, request.Urn);
            var autonaming = request.Autonaming is { } a
                ? new Autonaming(a.ProposedName, (AutonamingMode)(int)a.Mode)
                : null;
            var result = await resource.CheckAsync(
                new CheckRequest(
                    request.Urn,
                    NameOf(request.Name, request.Urn),
                    PropertyStruct.DecodeOptional(request.Olds),
                    PropertyStruct.Decode(request.News),
                    request.RandomSeed.ToByteArray(),
                    autonaming
                ),
                resourceContext
            );
            return CheckResponse(result);
        });

    public override Task<Rpc.DiffResponse> Diff(Rpc.DiffRequest request, ServerCallContext context) =>
        RunAsync(() =>
        {
            var (resource, _) = Resolve(request.Type, request.Urn);
            return Task.FromResult(
                DiffResponse(
                    resource.Diff(
                        new DiffRequest(
                            request.Id,
                            request.Urn,
                            PropertyStruct.Decode(request.Olds),
                            PropertyStruct.DecodeOptional(request.OldInputs),
                            PropertyStruct.Decode(request.News),
                            request.IgnoreChanges
                        )
                    )
                )
            );
        });

    public override Task<Rpc.CreateResponse> Create(Rpc.CreateRequest request, ServerCallContext context) =>
        RunTimedAsync(request.Timeout, async deadline =>
        {
            var (resource, resourceContext) = Resolve(request.Type, request.Urn, deadline);
            var created = await resource.CreateAsync(
                new CreateRequest(request.Urn, PropertyStruct.Decode(request.Properties), request.Preview),
                resourceContext
            );
            return new Rpc.CreateResponse { Id = created.Id, Properties = Encode(created.Outputs) };
        });

    public override Task<Rpc.ReadResponse> Read(Rpc.ReadRequest request, ServerCallContext context) =>
        RunAsync(async () =>
        {
            var (resource, resourceContext) = Resolve(request.Type, request.Urn);
            var read = await resource.ReadAsync(
                new ReadRequest(
                    request.Id,
                    request.Urn,
                    PropertyStruct.DecodeOptional(request.Properties),
                    PropertyStruct.DecodeOptional(request.Inputs)
                ),
                resourceContext
            );
            // Gone: an empty id and no properties at all, which the engine takes as "does not exist" (an import then
            // fails).
            return read is null
                ? new Rpc.ReadResponse()
                : new Rpc.ReadResponse
                {
                    Id = read.Id,
                    Properties = Encode(read.Outputs),
                    Inputs = Encode(read.Inputs),
                };
        });

    public override Task<Rpc.UpdateResponse> Update(Rpc.UpdateRequest request, ServerCallContext context) =>
        RunTimedAsync(request.Timeout, async deadline =>
        {
            var (resource, resourceContext) = Resolve(request.Type, request.Urn, deadline);
            var outputs = await resource.UpdateAsync(
                new UpdateRequest(
                    request.Id,
                    request.Urn,
                    PropertyStruct.Decode(request.Olds),
                    PropertyStruct.DecodeOptional(request.OldInputs),
                    PropertyStruct.Decode(request.News),
                    request.Preview,
                    request.IgnoreChanges
                ),
                resourceContext
            );
            return new Rpc.UpdateResponse { Properties = Encode(outputs) };
        });

    public override Task<Empty> Delete(Rpc.DeleteRequest request, ServerCallContext context) =>
        RunTimedAsync(request.Timeout, async deadline =>
        {
            var (resource, resourceContext) = Resolve(request.Type, request.Urn, deadline);
            await resource.DeleteAsync(
                new DeleteRequest(
                    request.Id,
                    request.Urn,
                    PropertyStruct.Decode(request.Properties),
                    PropertyStruct.DecodeOptional(request.OldInputs)
                ),
                resourceContext
            );
            return new Empty();
        });

    public override Task<Empty> Cancel(Empty request, ServerCallContext context)
    {
        provider.Cancel();
        return Task.FromResult(new Empty());
    }

    private (IResource Resource, ResourceContext Context) Resolve(
        string type,
        string urn,
        CancellationToken deadline = default
    )
    {
        var resource = provider.Resource(type.Length > 0 ? type : TypeOf(urn));
        return (resource, provider.Context(urn, deadline));
    }

    // A URN is urn:pulumi:stack::project::parentType$type::name.
    private static string TypeOf(string urn)
    {
        var parts = urn.Split("::");
        return parts.Length >= 4 ? parts[2][(parts[2].LastIndexOf('$') + 1)..] : "";
    }

    private static string NameOf(string name, string urn) =>
        name.Length > 0 ? name : urn[(urn.LastIndexOf("::", StringComparison.Ordinal) + 2)..];

    private Struct Encode(ObjectValue properties) => PropertyStruct.Encode(properties, _engineAcceptsSecrets);

    private Rpc.CheckResponse CheckResponse(CheckResult result)
    {
        var response = new Rpc.CheckResponse { Inputs = Encode(result.Inputs) };
        response.Failures.Add(Failures(result.Failures));
        return response;
    }

    private static IEnumerable<Rpc.CheckFailure> Failures(IEnumerable<CheckFailure> failures) =>
        failures.Select(f => new Rpc.CheckFailure { Property = f.Property, Reason = f.Reason });

    private static Rpc.DiffResponse DiffResponse(ResourceDiff diff)
    {
        var response = new Rpc.DiffResponse
        {
            Changes = diff.HasChanges
                ? Rpc.DiffResponse.Types.DiffChanges.DiffSome
                : Rpc.DiffResponse.Types.DiffChanges.DiffNone,
            DeleteBeforeReplace = diff.DeleteBeforeReplace,
            HasDetailedDiff = true,
        };
        response.Diffs.Add(diff.Changed);
        response.Replaces.Add(diff.Replaces);
        foreach (var (path, kind) in diff.Detailed)
            response.DetailedDiff[path] = new Rpc.PropertyDiff
            {
                Kind = (Rpc.PropertyDiff.Types.Kind)(int)kind,
                InputDiff = true,
            };
        return response;
    }

    /// <summary>
    /// <see cref="RunAsync"/> within the engine's timeout for the operation (the program's customTimeouts), when it
    /// sends one: the operation is cancelled then, undoes what it made, and answers DEADLINE_EXCEEDED.
    /// </summary>
    private async Task<T> RunTimedAsync<T>(double seconds, Func<CancellationToken, Task<T>> operation)
    {
        using var deadline = seconds > 0 ? new CancellationTokenSource(TimeSpan.FromSeconds(seconds)) : null;
        try
        {
            return await RunAsync(() => operation(deadline?.Token ?? CancellationToken.None));
        }
        catch (RpcException e)
            when (e.StatusCode == StatusCode.Cancelled && deadline is { IsCancellationRequested: true })
        {
            var timeout = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            throw Error(
                StatusCode.DeadlineExceeded,
                $"the operation did not finish within its timeout of {timeout} s "
                    + "(the resource's customTimeouts) and was stopped; raise the timeout to give it longer."
            );
        }
    }

    /// <summary>Turns the provider's errors into gRPC statuses, keeping the message the user acts on.</summary>
    private async Task<T> RunAsync<T>(Func<Task<T>> operation)
    {
        try
        {
            return await operation();
        }
        catch (ResourceInitFailedException e)
        {
            var details = new Google.Rpc.Status { Code = (int)StatusCode.Unknown, Message = e.Message };
            var initFailed = new Rpc.ErrorResourceInitFailed { Id = e.Id, Properties = Encode(e.Outputs) };
            initFailed.Reasons.Add(e.Message);
            details.Details.Add(Any.Pack(initFailed));
            // In the grpc-status-details-bin trailer, where the engine looks for what was made.
            throw details.ToRpcException();
        }
        catch (ProviderException e)
        {
            throw Error(StatusOf(e.Kind), e.Message);
        }
        catch (OperationCanceledException)
        {
            throw Error(StatusCode.Cancelled, "the operation was cancelled");
        }
    }

    private static RpcException Error(StatusCode code, string message) => new(new Status(code, message));

    private static StatusCode StatusOf(ErrorKind kind) =>
        kind switch
        {
            ErrorKind.InvalidArgument => StatusCode.InvalidArgument,
            ErrorKind.NotFound => StatusCode.NotFound,
            ErrorKind.FailedPrecondition => StatusCode.FailedPrecondition,
            ErrorKind.Unavailable => StatusCode.Unavailable,
            ErrorKind.Failed => StatusCode.Aborted,
            _ => StatusCode.Internal,
        };
}
