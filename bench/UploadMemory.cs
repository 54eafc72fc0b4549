using System.Globalization;
using System.Security.Cryptography;
using Google.Protobuf;
using PulumiLibvirt.Protocol;
using PulumiLibvirt.Tests.Support;
using Rpc = Pulumirpc;

namespace PulumiLibvirt.Bench;

/// <summary>
/// The plugin's peak memory while it uploads a 4 GiB image: the issue asks for under 200 MiB, so that the size of an
/// image never decides what the machine running Pulumi needs. One measurement of the built binary (make build), driven
/// over gRPC as the engine drives it: Handshake, Configure, Check and Create of a Volume with source.file; then its
/// VmHWM (the peak resident set) from /proc.
/// </summary>
internal static class UploadMemory
{
    private const long ImageBytes = 4 * Workspace.GiB;
    private const long LimitBytes = 200 * Workspace.MiB;
    private const string Type = "libvirt:index:Volume";

    /// <summary>0 when the peak stays under the limit, 1 when it does not.</summary>
    public static async Task<int> RunAsync()
    {
        using var workspace = Workspace.Create("rss");
        var image = workspace.RandomImage("image.raw", ImageBytes);
        await using var engine = await FakeEngine.StartAsync();
        await using var plugin = await ProviderProcess.StartAsync(engine.Address);
        await plugin.Client.HandshakeAsync(new Rpc.ProviderHandshakeRequest { EngineAddress = engine.Address });
        await plugin.Client.ConfigureAsync(
            new Rpc.ConfigureRequest
            {
                Args = PropertyStruct.Encode(Props.Object(("uri", "qemu:///system"))),
                AcceptSecrets = true,
                AcceptResources = true,
            }
        );
        var name = workspace.NewVolumeName();
        var urn = $"urn:pulumi:bench::bench::{Type}::{name}";
        var news = Props.Object(("name", name), ("pool", workspace.Name), ("source", Props.Object(("file", image))));
        var check = await plugin.Client.CheckAsync(
            new Rpc.CheckRequest
            {
                Urn = urn,
                Name = name,
                Type = Type,
                News = PropertyStruct.Encode(news),
                RandomSeed = ByteString.CopyFrom(RandomNumberGenerator.GetBytes(16)),
            }
        );
        if (check.Failures.Count > 0)
            throw new InvalidOperationException($"Check refused the volume: {check.Failures}");
        var created = await plugin.Client.CreateAsync(
            new Rpc.CreateRequest
            {
                Urn = urn,
                Type = Type,
                Properties = check.Inputs,
            }
        );
        // The peak means something only if the whole image went through the plugin.
        var allocation = Props.Number(PropertyStruct.Decode(created.Properties), "allocation");
        if (allocation < ImageBytes)
            throw new InvalidOperationException(
                $"the volume holds {allocation} bytes, not the {ImageBytes} of the image."
            );

        var peak = PeakResidentBytes(plugin.ProcessId);
        var verdict = peak < LimitBytes ? "within" : "ABOVE";
        Console.WriteLine(
            $"// Plugin peak RSS (VmHWM) after uploading a {ImageBytes / Workspace.GiB} GiB image: "
                + $"{peak / (double)Workspace.MiB:0.0} MiB, {verdict} the limit of {LimitBytes / Workspace.MiB} MiB."
        );
        return peak < LimitBytes ? 0 : 1;
    }

    /// <summary>The process's VmHWM, which the kernel gives in kB.</summary>
    private static long PeakResidentBytes(int processId)
    {
        var line = File.ReadLines($"/proc/{processId}/status")
            .Single(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return long.Parse(line["VmHWM:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
    }
}
