using System.Security.Cryptography;
using PulumiLibvirt.Framework;
using PulumiLibvirt.Protocol;
using PulumiLibvirt.Resources;

namespace PulumiLibvirt.Tests.Support;

/// <summary>
/// Runs a resource's Check in process, as the protocol host does (the values encoded and decoded as on the wire),
/// against a host of facts: the connection is never opened, and a Check that tried would fail.
/// </summary>
public static class CheckOnFacts
{
    public static async Task<(IReadOnlyList<CheckFailure> Failures, RecordingLog Log)> RunAsync(
        FakeCheckHost host,
        string type,
        string name,
        ObjectValue news,
        ObjectValue? olds = null
    )
    {
        var urn = $"urn:pulumi:dev::check-on-facts::{type}::{name}";
        var log = new RecordingLog();
        var context = new LibvirtContext(
            _ => throw new InvalidOperationException("Check opened a libvirt connection"),
            new ProviderConfig(),
            log,
            urn,
            CancellationToken.None
        )
        {
            CheckHost = host,
        };
        var request = new CheckRequest(
            urn,
            name,
            olds is null ? ObjectValue.Empty : WireCopy(olds),
            WireCopy(news),
            RandomNumberGenerator.GetBytes(32)
        );
        var result = await new LibvirtProvider(log).Resource(type).CheckAsync(request, context);
        return (result.Failures, log);
    }

    /// <summary>The values as the protocol host decodes them from the engine's message.</summary>
    public static ObjectValue WireCopy(ObjectValue values) => PropertyStruct.Decode(PropertyStruct.Encode(values));
}
