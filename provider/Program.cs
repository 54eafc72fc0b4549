using PulumiLibvirt.Protocol;
using PulumiLibvirt.Resources;

// The Pulumi engine starts the plugin with its own gRPC address as the one positional argument, plus flags such as
// --logtostderr, -v=9 or --tracing ADDR, and reads our port from the first line of stdout.
var engineAddress = EngineAddress(args);
using var engineLog = new EngineLogClient();
if (engineAddress is not null)
    engineLog.Connect(engineAddress);

using var provider = new LibvirtProvider(engineLog);
var service = new ResourceProviderService(provider, engineLog, LibvirtProvider.Version, EmbeddedSchema());
await using var server = await GrpcHost.StartAsync(service, Console.Error);

Console.Out.WriteLine(server.Port);
Console.Out.Flush();
using var stopWatching = new CancellationTokenSource();
var gone = EngineWatch.GoneAsync(engineAddress, stopWatching.Token);
if (await Task.WhenAny(server.WaitForShutdownAsync(), gone) == gone)
{
    // No one is left to answer: what runs is cancelled (and undoes what it made), then the server stops.
    Console.Error.WriteLine($"pulumi-resource-libvirt: exiting, {await gone}.");
    provider.Cancel();
}
await stopWatching.CancelAsync();

static string? EngineAddress(string[] args)
{
    // Flags that take a separate value; every other flag is a single token (-v=9, --logtostderr).
    string[] withValue = ["--tracing", "--root", "--logflow"];
    for (var i = 0; i < args.Length; i++)
    {
        if (withValue.Contains(args[i]))
        {
            i++;
            continue;
        }
        if (!args[i].StartsWith('-'))
            return args[i];
    }
    return null;
}

static string EmbeddedSchema()
{
    using var stream = typeof(LibvirtProvider).Assembly.GetManifestResourceStream("schema.json")!;
    return new StreamReader(stream).ReadToEnd();
}
