using PulumiLibvirt.Libvirt;
using PulumiLibvirt.Tests.Support;

namespace PulumiLibvirt.Tests;

/// <summary>What the provider reads from a qemu+ssh URI and what it gives libvirt and ssh.</summary>
[Trait(Category.Name, Category.Unit)]
public sealed class SshTargetTests
{
    [Fact]
    public void The_user_port_key_and_known_hosts_come_from_the_uri_and_the_rest_is_left_to_ssh_config()
    {
        Assert.Equal(
            new SshTarget("lab", "root", 2222, "/k/id", "/k/known hosts"),
            SshTarget.Of("qemu+ssh://root@lab:2222/system?keyfile=/k/id&known_hosts=/k/known%20hosts")
        );
        Assert.Equal(new SshTarget("lab-host", null, null, null, null), SshTarget.Of("qemu+ssh://lab-host/system"));
        Assert.Null(SshTarget.Of("qemu:///system"));
        Assert.Null(SshTarget.Of("qemu+tcp://lab/system"));
        Assert.Null(SshTarget.Of("qemu+libssh://lab/system"));
    }

    [Fact]
    public void Libvirt_gets_no_tty_so_that_ssh_never_prompts_and_a_command_that_reads_the_uris_known_hosts()
    {
        Assert.Equal("qemu+ssh://lab/system?no_tty=1", SshTarget.ForLibvirt("qemu+ssh://lab/system", null));
        Assert.Equal(
            "qemu+ssh://lab/system?keyfile=/k&no_tty=1&command=%2Ftmp%2Fssh",
            SshTarget.ForLibvirt("qemu+ssh://lab/system?keyfile=/k", "/tmp/ssh")
        );
        // A user who asked for prompts keeps them.
        Assert.Equal("qemu+ssh://lab/system?no_tty=0", SshTarget.ForLibvirt("qemu+ssh://lab/system?no_tty=0", null));
        Assert.Null(new SshTarget("lab", null, null, null, null).CommandScript());
        Assert.Equal(
            "#!/bin/sh\nexec ssh -o 'UserKnownHostsFile=/k/my hosts' \"$@\"\n",
            new SshTarget("lab", null, null, null, "/k/my hosts").CommandScript()
        );
    }

    [Fact]
    public void Commands_on_the_host_run_in_batch_mode_with_the_uris_login_and_quoted_words()
    {
        var target = new SshTarget("lab", "root", 2222, "/k/id", "/k/hosts");
        Assert.Equal(
            [
                "-T",
                "-o",
                "BatchMode=yes",
                "-o",
                "UserKnownHostsFile=/k/hosts",
                "-p",
                "2222",
                "-l",
                "root",
                "-i",
                "/k/id",
                "--",
                "lab",
                "virt-sysprep --hostname 'it'\\''s' -a /var/lib/x.qcow2",
            ],
            target.Arguments(["virt-sysprep", "--hostname", "it's", "-a", "/var/lib/x.qcow2"])
        );
        Assert.Equal(
            ["-T", "-o", "BatchMode=yes", "--", "lab", "true"],
            new SshTarget("lab", null, null, null, null).Arguments(["true"])
        );
    }

    [Fact]
    public void An_unknown_host_key_or_a_refused_login_is_explained()
    {
        var target = new SshTarget("lab", "root", 2222, null, null);
        Assert.Contains(
            "ssh-keyscan -p 2222 lab >> ~/.ssh/known_hosts",
            target.Explain("Cannot recv data: Host key verification failed.: Connection reset by peer")
        );
        Assert.Contains("ssh -p 2222 root@lab", target.Explain("Host key verification failed."));
        Assert.Contains("ssh-copy-id", target.Explain("root@lab: Permission denied (publickey,password)."));
        Assert.Null(target.Explain("Connection refused"));
    }
}
