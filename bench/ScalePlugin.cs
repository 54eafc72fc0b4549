using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using PulumiLibvirt.Framework;
using PulumiLibvirt.Protocol;
using PulumiLibvirt.Tests.Support;
using Rpc = Pulumirpc;

namespace PulumiLibvirt.Bench;

/// <summary>One clone as the engine knows it after `pulumi up`: its URN, checked inputs, id and outputs.</summary>
internal sealed record MadeClone(string Urn, Struct RawInputs, Struct Inputs, string Id, Struct Outputs);

/// <summary>
/// The built plugin driven as `pulumi up --parallel 10` drives it: Handshake and Configure once, then Check and Create
/// of each Clone (Delete at destroy) with <see cref="InFlight"/> requests at a time.
/// </summary>
internal sealed class ScalePlugin : IAsyncDisposable
{
    public const int InFlight = 10;
    private const string Type = "libvirt:index:Clone";

    private readonly FakeEngine _engine;
    private readonly ProviderProcess _process;

    private ScalePlugin(FakeEngine engine, ProviderProcess process)
    {
        _engine = engine;
        _process = process;
    }

    /// <summary>
    /// With BENCH_LIBVIRT_LOG=PATH the plugin's libvirt client logs its API entries and each RPC sent and answered
    /// there (bench/libvirt-calls.py counts and times them); the floor's virsh is left out, so it stays the floor.
    /// </summary>
    private static Dictionary<string, string>? LibvirtLogEnvironment()
    {
        var path = Environment.GetEnvironmentVariable("BENCH_LIBVIRT_LOG");
        if (string.IsNullOrEmpty(path))
            return null;
        return new Dictionary<string, string>
        {
            ["LIBVIRT_LOG_OUTPUTS"] = $"1:file:{path}",
            ["LIBVIRT_LOG_FILTERS"] = "1:rpc.netclient 1:libvirt.* 4:*",
        };
    }

    /// <summary>Marks where a phase of the bench starts in the libvirt log, for bench/libvirt-calls.py.</summary>
    public static void MarkLibvirtLog(string phase)
    {
        var path = Environment.GetEnvironmentVariable("BENCH_LIBVIRT_LOG");
        // One short append (the log is opened O_APPEND by libvirt too, so lines do not interleave).
        if (!string.IsNullOrEmpty(path))
            File.AppendAllText(path, $"bench-phase: {phase}\n");
    }

    public static async Task<ScalePlugin> StartAsync()
    {
        var engine = await FakeEngine.StartAsync();
        var process = await ProviderProcess.StartAsync(engine.Address, LibvirtLogEnvironment());
        var plugin = new ScalePlugin(engine, process);
        await process.Client.HandshakeAsync(new Rpc.ProviderHandshakeRequest { EngineAddress = engine.Address });
        await process.Client.ConfigureAsync(
            new Rpc.ConfigureRequest
            {
                Args = PropertyStruct.Encode(Props.Object(("uri", "qemu:///system"))),
                AcceptSecrets = true,
                AcceptResources = true,
            }
        );
        return plugin;
    }

    /// <summary>The plugin's resident set now (VmRSS), in bytes.</summary>
    public long ResidentBytes()
    {
        var line = File.ReadLines($"/proc/{_process.ProcessId}/status")
            .Single(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
    }

    private static string UrnOf(string name) => $"urn:pulumi:bench::bench::{Type}::{name}";

    private static ObjectValue Inputs(string name, string source, string mode, string? resetOn = null) =>
        Props.Object(("name", name), ("source", source), ("mode", mode), ("running", false), ("resetOn", resetOn));

    /// <summary>Check then Create of one clone, as `pulumi up` sends them for a new resource.</summary>
    public async Task<MadeClone> CreateAsync(string name, string source, string mode)
    {
        var urn = UrnOf(name);
        var raw = PropertyStruct.Encode(Inputs(name, source, mode));
        var check = await CheckAsync(urn, name, new Struct(), raw);
        var created = await _process.Client.CreateAsync(
            new Rpc.CreateRequest
            {
                Urn = urn,
                Name = name,
                Type = Type,
                Properties = check.Inputs,
            }
        );
        return new MadeClone(urn, raw, check.Inputs, created.Id, created.Properties);
    }

    /// <summary>Check then Update of a clone whose 'resetOn' the program changed, as `pulumi up` sends them.</summary>
    public async Task<MadeClone> ResetAsync(MadeClone clone, string source, string resetOn)
    {
        var name = clone.Urn[(clone.Urn.LastIndexOf(':') + 1)..];
        var raw = PropertyStruct.Encode(Inputs(name, source, "linked", resetOn));
        var check = await CheckAsync(clone.Urn, name, clone.Inputs, raw);
        var updated = await _process.Client.UpdateAsync(
            new Rpc.UpdateRequest
            {
                Id = clone.Id,
                Urn = clone.Urn,
                Type = Type,
                Olds = clone.Outputs,
                OldInputs = clone.Inputs,
                News = check.Inputs,
            }
        );
        return clone with { RawInputs = raw, Inputs = check.Inputs, Outputs = updated.Properties };
    }

    public Task DeleteAsync(MadeClone clone) =>
        _process
            .Client.DeleteAsync(
                new Rpc.DeleteRequest
                {
                    Id = clone.Id,
                    Urn = clone.Urn,
                    Type = Type,
                    Properties = clone.Outputs,
                    OldInputs = clone.Inputs,
                }
            )
            .ResponseAsync;

    /// <summary>The Check of an existing resource, as a preview sends it: old inputs and the program's.</summary>
    public Task<Rpc.CheckResponse> RecheckAsync(MadeClone clone) =>
        CheckAsync(clone.Urn, clone.Urn[(clone.Urn.LastIndexOf(':') + 1)..], clone.Inputs, clone.RawInputs);

    public async Task<Rpc.DiffResponse> DiffAsync(MadeClone clone)
    {
        var diff = await _process.Client.DiffAsync(
            new Rpc.DiffRequest
            {
                Id = clone.Id,
                Urn = clone.Urn,
                Type = Type,
                Olds = clone.Outputs,
                OldInputs = clone.Inputs,
                News = clone.Inputs,
            }
        );
        if (diff.Changes != Rpc.DiffResponse.Types.DiffChanges.DiffNone)
            throw new InvalidOperationException($"{clone.Urn}: an unchanged program shows changes: {diff}");
        return diff;
    }

    private async Task<Rpc.CheckResponse> CheckAsync(string urn, string name, Struct olds, Struct news)
    {
        var check = await _process.Client.CheckAsync(
            new Rpc.CheckRequest
            {
                Urn = urn,
                Name = name,
                Type = Type,
                Olds = olds,
                News = news,
                RandomSeed = ByteString.CopyFrom(RandomNumberGenerator.GetBytes(32)),
            }
        );
        if (check.Failures.Count > 0)
            throw new InvalidOperationException($"Check refused {urn}: {check.Failures}");
        return check;
    }

    /// <summary>
    /// Runs <paramref name="work"/> on every item, <see cref="InFlight"/> at a time, and answers how long all took.
    /// </summary>
    public static async Task<TimeSpan> InParallelAsync<T>(IEnumerable<T> items, Func<T, Task> work)
    {
        var clock = Stopwatch.StartNew();
        await Parallel.ForEachAsync(items, new ParallelOptions { MaxDegreeOfParallelism = InFlight }, async (item, _) =>
            await work(item)
        );
        return clock.Elapsed;
    }

    public async ValueTask DisposeAsync()
    {
        await _process.DisposeAsync();
        await _engine.DisposeAsync();
    }
}
