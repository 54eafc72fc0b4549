using System.Diagnostics;
using Google.Protobuf;
using PulumiLibvirt.Protocol;
using PulumiLibvirt.Tests.Support;
using static PulumiLibvirt.Tests.Support.Sizes;
using Rpc = Pulumirpc;

namespace PulumiLibvirt.Tests;

/// <summary>
/// The built binary on qemu+ssh URIs, in the environment a user's shell gives it: what OpenSSH would do there
/// (ask for a password, read ~/.ssh/config) decides how the provider behaves, so only a real process shows it.
/// </summary>
[Collection(OverSsh.Name)]
public sealed class RemoteProcessTests(SshHosts hosts) : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory($"{TestPool.RunPrefix}-sshenv-");

    public void Dispose() => _folder.Delete(recursive: true);

    /// <summary>The binary, configured for <paramref name="uri"/>, asked to Check a Volume: its first use of the connection.</summary>
    private static async Task<Rpc.CheckResponse> FirstCallAsync(string uri, IReadOnlyDictionary<string, string> environment, Func<string, Task<ProviderProcess>>? start = null)
    {
        await using var engine = await FakeEngine.StartAsync();
        await using var provider = await (start ?? (address => ProviderProcess.StartAsync(address, environment)))(engine.Address);
        await provider.CallAsync<Rpc.ProviderHandshakeResponse>("Handshake", new Rpc.ProviderHandshakeRequest { EngineAddress = engine.Address });
        await provider.CallAsync<Rpc.ConfigureResponse>("Configure", new Rpc.ConfigureRequest
        {
            Args = PropertyStruct.Encode(Props.Object(("uri", uri))), AcceptSecrets = true, AcceptResources = true, SendsOldInputs = true,
        });
        return await provider.CallAsync<Rpc.CheckResponse>("Check", new Rpc.CheckRequest
        {
            Urn = "urn:pulumi:dev::remote::libvirt:index:Volume::v", Type = "libvirt:index:Volume", Name = TestPool.UniqueName("v"),
            News = PropertyStruct.Encode(Props.Object(("capacity", MiB))), Olds = new Google.Protobuf.WellKnownTypes.Struct(),
            RandomSeed = ByteString.CopyFrom(new byte[32]),
        });
    }

    [Fact]
    public async Task A_host_that_asks_for_a_password_fails_the_first_call_quickly_saying_so_and_never_runs_an_askpass_program()
    {
        // What a desktop session gives a program: an askpass helper and a display. This one would never answer.
        var askpass = Path.Combine(_folder.FullName, "askpass");
        var asked = Path.Combine(_folder.FullName, "asked");
        File.WriteAllText(askpass, $"#!/bin/sh\ntouch {asked}\nsleep 600\n");
        Command.Run("chmod", "+x", askpass);
        var stranger = Path.Combine(_folder.FullName, "stranger");
        Command.Run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", stranger);
        var environment = new Dictionary<string, string> { ["SSH_ASKPASS"] = askpass, ["SSH_ASKPASS_REQUIRE"] = "force", ["DISPLAY"] = ":0" };

        var clock = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<RpcException>(() => FirstCallAsync(hosts.UriFor(hosts.PasswordPort, keyFile: stranger), environment));
        clock.Stop();

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"the first call failed after {clock.Elapsed}, not at once");
        Assert.Contains("Permission denied", error.Message);
        Assert.Contains("the provider logs in without a prompt (no password, no passphrase)", error.Message);
        Assert.False(File.Exists(asked), "ssh ran the askpass program");
    }
}
