using Grpc.Core;
using Grpc.Core.Interceptors;

namespace PulumiLibvirt.Protocol;

/// <summary>
/// An exception that is not a gRPC status (a bug) still answers INTERNAL with its message, which the engine shows the
/// user; the whole exception, with its stack, goes to <c>errors</c> (stderr) for whoever debugs the plugin.
/// </summary>
public sealed class UnexpectedErrorInterceptor(TextWriter errors) : Interceptor
{
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request,
        ServerCallContext context,
        UnaryServerMethod<TRequest, TResponse> continuation
    )
    {
        try
        {
            return await continuation(request, context);
        }
        catch (Exception e)
            when (e is not RpcException
                && !(e is OperationCanceledException && context.CancellationToken.IsCancellationRequested)
            )
        {
            // The caller that went away (a cancelled token) has no one to answer; everything else is answered.
            await errors.WriteLineAsync($"{context.Method}: {e}");
            await errors.FlushAsync();
            throw new RpcException(new Status(StatusCode.Internal, e.Message));
        }
    }
}
