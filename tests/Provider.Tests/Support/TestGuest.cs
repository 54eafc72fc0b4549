namespace PulumiLibvirt.Tests.Support;

/// <summary>
/// The tiny bootable guest of tests/guest (a Debian kernel, a busybox initramfs, an ext4 root that libguestfs
/// recognises), built once per machine into a folder qemu can read. At boot it prints its hostname, machine-id,
/// a digest of its SSH host public keys and its MAC on the serial console as "GUEST key=value" lines, then powers off.
/// </summary>
public sealed class TestGuest
{
    public const string Folder = "/var/tmp/pulumi-libvirt-test-guest";

    private static readonly Lazy<TestGuest> Built = new(() => new TestGuest());

    /// <summary>The guest, built (or found up to date) once per test run, whichever test needs it first.</summary>
    public static TestGuest Shared => Built.Value;

    private TestGuest()
    {
        Command.Run("bash", Repository.File("tests/guest/build-guest.sh"), Folder);
        Cmdline = File.ReadAllText(Path.Combine(Folder, "cmdline")).Trim();
    }

    // Instance members, reached through Shared: a path is handed out only once the guest is built.
    public string Kernel { get; } = Path.Combine(Folder, "vmlinuz");
    public string Initrd { get; } = Path.Combine(Folder, "initrd.img");
    public string RootImage { get; } = Path.Combine(Folder, "root.img");
    public string Cmdline { get; }

    /// <summary>
    /// A copy of the guest's root disk in <paramref name="pool"/>, as a template's own disk (a volume of the pool).
    /// </summary>
    public string CopyRootInto(TestPool pool, string templateName)
    {
        var path = Path.Combine(pool.Path, $"{templateName}-root.img");
        File.Copy(RootImage, path);
        pool.Pool.Refresh();
        return path;
    }

    /// <summary>The GUEST lines of a console log, as key → value.</summary>
    public static Dictionary<string, string> Report(string consoleLog) =>
        File.ReadAllLines(consoleLog)
            .Where(line => line.StartsWith("GUEST ", StringComparison.Ordinal) && line.Contains('='))
            .Select(line => line["GUEST ".Length..].Split('=', 2))
            .ToDictionary(pair => pair[0], pair => pair[1].Trim());
}
