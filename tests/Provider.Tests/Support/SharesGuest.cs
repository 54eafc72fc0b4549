namespace PulumiLibvirt.Tests.Support;

/// <summary>
/// The test guest with shared folders (tests/guest/build-shares.sh): the base guest's kernel, its initramfs with the
/// virtiofs and 9p modules, and an init that mounts each guest.share=TAG:TYPE, prints its 'hello' file and tries a
/// write, then powers off.
/// </summary>
public static class SharesGuest
{
    public const string Folder = "/var/tmp/pulumi-libvirt-test-shares";

    private static readonly Lazy<string> Built = new(() =>
    {
        _ = TestGuest.Shared;
        Command.Run("bash", Repository.File("tests/guest/build-shares.sh"), Folder, TestGuest.Folder);
        return Path.Combine(Folder, "initrd.img");
    });

    public static string Initrd => Built.Value;

    /// <summary>The kernel command line that mounts each of <paramref name="shares"/> (tag; virtiofs or 9p).</summary>
    public static string Cmdline(params (string Tag, string Driver)[] shares) =>
        "console=ttyS0 panic=-1 quiet rdinit=/shares-init "
        + string.Join(' ', shares.Select(s => $"guest.share={s.Tag}:{s.Driver}"));
}
