using System.Diagnostics;
using Google.Protobuf;
using Grpc.Core;
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

    /// <summary>
    /// The binary, configured for <paramref name="uri"/>, asked to Check a Volume: its first use of the connection.
    /// </summary>
    private static async Task<Rpc.CheckResponse> FirstCallAsync(
        string uri,
        IReadOnlyDictionary<string, string> environment
    )
    {
        await using var engine = await FakeEngine.StartAsync();
        await using var provider = await ProviderProcess.StartAsync(engine.Address, environment);
        await provider.Client.HandshakeAsync(new Rpc.ProviderHandshakeRequest { EngineAddress = engine.Address });
        await provider.Client.ConfigureAsync(
            new Rpc.ConfigureRequest
            {
                Args = PropertyStruct.Encode(Props.Object(("uri", uri))),
                AcceptSecrets = true,
                AcceptResources = true,
                SendsOldInputs = true,
            }
        );
        return await provider.Client.CheckAsync(
            new Rpc.CheckRequest
            {
                Urn = "urn:pulumi:dev::remote::libvirt:index:Volume::v",
                Type = "libvirt:index:Volume",
                Name = TestPool.UniqueName("v"),
                News = PropertyStruct.Encode(Props.Object(("capacity", MiB))),
                Olds = new Google.Protobuf.WellKnownTypes.Struct(),
                RandomSeed = ByteString.CopyFrom(new byte[32]),
            }
        );
    }

    [Fact]
    public async Task A_host_that_asks_for_a_password_fails_the_first_call_quickly_saying_so_and_never_runs_askpass()
    {
        // What a desktop session gives a program: an askpass helper and a display. This one would never answer.
        var askpass = Path.Combine(_folder.FullName, "askpass");
        var asked = Path.Combine(_folder.FullName, "asked");
        File.WriteAllText(askpass, $"#!/bin/sh\ntouch {asked}\nsleep 600\n");
        Command.Run("chmod", "+x", askpass);
        var stranger = Path.Combine(_folder.FullName, "stranger");
        Command.Run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", stranger);
        var environment = new Dictionary<string, string>
        {
            ["SSH_ASKPASS"] = askpass,
            ["SSH_ASKPASS_REQUIRE"] = "force",
            ["DISPLAY"] = ":0",
        };

        var clock = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<RpcException>(() =>
            FirstCallAsync(hosts.UriFor(hosts.PasswordPort, keyFile: stranger), environment)
        );
        clock.Stop();

        Assert.True(
            clock.Elapsed < TimeSpan.FromSeconds(30),
            $"the first call failed after {clock.Elapsed}, not at once"
        );
        Assert.Contains("Permission denied", error.Status.Detail);
        Assert.Contains("the provider logs in without a prompt (no password, no passphrase)", error.Status.Detail);
        Assert.False(File.Exists(asked), "ssh ran the askpass program");
    }

    /// <summary>
    /// The hostname libvirt reports through the binary configured for <paramref name="uri"/> (getNodeInfo).
    /// </summary>
    private static async Task<string> HostnameAsync(string uri, IReadOnlyList<string>? launcher = null)
    {
        await using var engine = await FakeEngine.StartAsync();
        await using var provider = await ProviderProcess.StartAsync(engine.Address, launcher: launcher);
        await provider.Client.HandshakeAsync(new Rpc.ProviderHandshakeRequest { EngineAddress = engine.Address });
        await provider.Client.ConfigureAsync(
            new Rpc.ConfigureRequest
            {
                Args = PropertyStruct.Encode(Props.Object(("uri", uri))),
                AcceptSecrets = true,
                AcceptResources = true,
                SendsOldInputs = true,
            }
        );
        var info = await provider.Client.InvokeAsync(
            new Rpc.InvokeRequest
            {
                Tok = "libvirt:index:getNodeInfo",
                Args = new Google.Protobuf.WellKnownTypes.Struct(),
            }
        );
        Assert.True(info.Failures.Count == 0, $"getNodeInfo fails: {info.Failures}");
        return Props.Text(PropertyStruct.Decode(info.Return), "hostname");
    }

    [Fact]
    public async Task A_uri_with_a_host_alias_only_takes_the_address_port_user_key_and_known_hosts_from_the_ssh_config()
    {
        // OpenSSH reads ~/.ssh/config from the account's home in /etc/passwd, not from $HOME, and root's must stay
        // as it is (the tests run as root): the binary runs in a mount namespace of its own where /root is a folder of
        // the test's.
        var home = Directory.CreateDirectory(Path.Combine(_folder.FullName, "home"));
        var alias = TestPool.UniqueName("alias");
        Directory.CreateDirectory(Path.Combine(home.FullName, ".ssh"));
        File.WriteAllText(
            Path.Combine(home.FullName, ".ssh", "config"),
            $"""
            Host {alias}
                HostName 127.0.0.1
                Port {hosts.SystemPort}
                User root
                IdentityFile {hosts.KeyFile}
                IdentitiesOnly yes
                UserKnownHostsFile {hosts.KnownHosts}

            """
        );
        string[] withConfig =
        [
            "unshare",
            "--mount",
            "--propagation",
            "private",
            "--",
            "/bin/sh",
            "-c",
            $"mount --bind {home.FullName} /root && exec \"$0\" \"$@\"",
        ];
        var uri = $"qemu+ssh://{alias}/system";

        Assert.Equal(System.Net.Dns.GetHostName(), await HostnameAsync(uri, withConfig));
        // The same URI without that configuration names a host that does not exist.
        var error = await Assert.ThrowsAsync<RpcException>(() => HostnameAsync(uri));
        Assert.Contains(alias, error.Status.Detail);
    }
}
