namespace PulumiLibvirt.Tests.Support;

/// <summary>
/// The real Debian 12 guest of tests/guest/build-debian.sh (systemd, cloud-init with the NoCloud datasource,
/// openssh-server, qemu-guest-agent), built once per machine into a folder qemu can read. <see cref="Image"/> boots
/// from itself (extlinux) as a published cloud image does, and is the base of overlays. Its first NIC is eth0.
/// </summary>
public sealed class DebianGuest
{
    public const string Folder = "/var/tmp/pulumi-libvirt-test-debian";

    private static readonly Lazy<DebianGuest> Built = new(() => new DebianGuest());

    /// <summary>The guest, built (or found up to date) once per test run, whichever test needs it first.</summary>
    public static DebianGuest Shared => Built.Value;

    private DebianGuest()
    {
        Command.Run("bash", Repository.File("tests/guest/build-debian.sh"), Folder);
        var env = File.ReadAllLines(Path.Combine(Folder, "guest.env"))
            .Select(line => line.Split('=', 2))
            .ToDictionary(pair => pair[0], pair => pair[1].Trim('\''));
        TemplateHostKeys =
        [
            .. env["HOSTKEY_FINGERPRINTS"]
                .Split(' ', StringSplitOptions.RemoveEmptyEntries)
                .Order(StringComparer.Ordinal),
        ];
    }

    // Instance members, reached through Shared: a path is handed out only once the guest is built.
    public string Image { get; } = Path.Combine(Folder, "debian.qcow2");

    /// <summary>
    /// SHA256 fingerprints ("SHA256:…", sorted) of the host keys in the image; cloud-init replaces them at a new
    /// instance-id.
    /// </summary>
    public IReadOnlyList<string> TemplateHostKeys { get; }
}
