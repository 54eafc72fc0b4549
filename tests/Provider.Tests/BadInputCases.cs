using PulumiLibvirt.Framework;
using PulumiLibvirt.Tests.Support;
using static PulumiLibvirt.Tests.Support.Sizes;

namespace PulumiLibvirt.Tests;

/// <summary>
/// One bad input: the resource type (or <see cref="BadInputCases.Config"/> for the provider's configuration), the
/// inputs (made from the host's objects and the case's run-prefixed tag, which every name starts with), the property
/// the failure must name and words of what it must say. <see cref="Olds"/> makes it an update's Check.
/// </summary>
public sealed record BadInput(string Type, Func<BadInputHost, string, ObjectValue> Inputs, string Property, string Says)
{
    public Func<BadInputHost, string, ObjectValue>? Olds { get; init; }
}

/// <summary>The table of bad inputs the provider must refuse at Check, each on its property.</summary>
public static partial class BadInputCases
{
    public const string Config = "pulumi:providers:libvirt";
    private const string Volume = "libvirt:index:Volume";
    private const string Domain = "libvirt:index:Domain";
    private const string Clone = "libvirt:index:Clone";
    private const string Pool = "libvirt:index:Pool";
    private const string Network = "libvirt:index:Network";
    private const string CloudInit = "libvirt:index:CloudInit";

    private const string Nul = "a\0b";
    private const string NulSays = "contains a NUL character";
    private const string ControlSays = "control character";

    private static readonly Dictionary<string, BadInput> Table = [];

    public static IReadOnlyDictionary<string, BadInput> All => Table;

    public static IEnumerable<object[]> Rows => Table.Keys.Select(id => new object[] { id });

    /// <summary>The cases run as unit tests (<see cref="FakeCheckHost"/>): all but <see cref="NeedsDaemon"/>.</summary>
    public static IEnumerable<object[]> UnitRows =>
        Table.Keys.Where(id => !NeedsDaemon.Contains(id)).Select(id => new object[] { id });

    /// <summary>The cases the binary judges on the real daemon: those that need it, and a representative set.</summary>
    public static IEnumerable<object[]> DaemonRows =>
        Table
            .Keys.Where(id => NeedsDaemon.Contains(id) || Representative.Contains(id))
            .Select(id => new object[] { id });

    /// <summary>
    /// Cases whose answer is the machine's, not facts a fake holds: what /etc/shadow holds (only root reads it), the
    /// host's disk /dev/vda, a compressed file libvirt's package installs, virt-sysprep being installed.
    /// </summary>
    public static readonly IReadOnlySet<string> NeedsDaemon = new HashSet<string>
    {
        "Domain: disk file /etc/shadow",
        "Domain: disk file /etc/shadow as CD-ROM",
        "Domain: kernel /etc/shadow",
        "Domain: initrd /etc/shadow",
        "Domain: disk file /dev/vda",
        "Domain: disk file /dev/vda with blockDevice",
        "Domain: kernel /dev/vda",
        "Domain: console file /dev/vda",
        "Volume: source.file compressed",
        "Clone: identity.hostname with a trailing newline",
        "Domain: xslt whose result libvirt refuses",
    };

    /// <summary>
    /// One case or a few of each kind of rule, for each resource and the configuration, that also run through the
    /// binary on the real daemon: what the wire, the daemon's own answers (its pools, volumes, networks, domains and
    /// limits, a file probed through a transient pool) and this machine's files make of them.
    /// </summary>
    public static readonly IReadOnlySet<string> Representative = new HashSet<string>
    {
        "libvirt: NUL in uri",
        "libvirt: downloadStallTimeout 2^63",
        "Volume: NUL in name",
        "Volume: missing pool",
        "Volume: capacity 2^63",
        "Volume: raw capacity 1 PB",
        "Volume: grown to 2^53+1 on update",
        "Volume: missing base",
        "Volume: base whose own backing file is missing",
        "Volume: base that is a link to /etc/shadow",
        "Volume: base format that is not the base's",
        "Volume: source.hostPath missing",
        "Volume: sha256 for a hostPath copy",
        "Volume: misspelt property",
        "Domain: name of 241 bytes",
        "Domain: description of 5 MB",
        "Domain: disk file a link to /etc/shadow",
        "Domain: disk volume linked to /etc/shadow",
        "Domain: disk file missing",
        "Domain: disk volume missing",
        "Domain: two disks on one target",
        "Domain: one MAC twice",
        "Domain: inactive network, running",
        "Domain: missing network",
        "Domain: graphics.listen a host name",
        "Domain: console file over an existing file",
        "Domain: memory beyond the host",
        "Domain: vcpus 100000",
        "Domain: kernel a folder",
        "Domain: secureBoot without efi",
        "Domain: cpu.mode host-passthrough without KVM",
        "Domain: cpu.model unknown",
        "Domain: tpm-crb with TPM 1.2",
        "Clone: cpu.mode host-model without KVM",
        "Clone: NUL in name",
        "Clone: missing source",
        "Clone: disk the source lacks",
        "Clone: macs of the wrong count",
        "Clone: memory 0",
        "Clone: missing pool",
        "Clone: missing cloudInit",
        "Domain: filesystem source /etc read-only",
        "Domain: xslt not a stylesheet",
        "Clone: filesystem source missing",
        "Pool: newline in name",
        "Pool: path a file",
        "Pool: path of another pool by '..'",
        "Network: empty name",
        "Network: mtu 0",
        "Network: address not a CIDR",
        "Network: DHCP host with a multicast MAC",
        "CloudInit: NUL in userData",
        "CloudInit: missing pool",
        "CloudInit: metaData not YAML",
        // Issue 27's hostile inputs: each point at least once through the binary.
        "Pool: path /etc",
        "Pool: path a link to /etc",
        "Pool: path above another pool",
        "Pool: path with a newline",
        "Volume: source.url of 100000 characters",
        "Volume: source.url with a newline",
        "Network: multicast subnet",
        "Network: loopback subnet",
        "Network: v4-mapped IPv6 subnet",
        "Network: DHCP host on the gateway",
        "Network: DHCP range that includes the gateway",
        "Domain: MAC of the host's bridge",
        "Domain: graphics.listen not the host's",
        "Domain: bridge that does not exist",
        "Domain: the template's disk file",
        "Domain: the template's disk volume",
        "Domain: right-to-left override in name",
        "Pool: zero-width space in name",
        "Volume: source.hostPath /dev/zero",
        "Volume: source.file a folder",
        "Volume: negative capacity",
        "CloudInit: networkConfig version 3",
    };

    private static void Add(
        string id,
        string type,
        Func<BadInputHost, string, ObjectValue> inputs,
        string property,
        string says
    ) => Table.Add($"{type[(type.LastIndexOf(':') + 1)..]}: {id}", new BadInput(type, inputs, property, says));

    private static void AddUpdate(
        string id,
        string type,
        Func<BadInputHost, string, ObjectValue> olds,
        Func<BadInputHost, string, ObjectValue> inputs,
        string property,
        string says
    ) =>
        Table.Add(
            $"{type[(type.LastIndexOf(':') + 1)..]}: {id}",
            new BadInput(type, inputs, property, says) { Olds = olds }
        );

    private static ObjectValue With(this ObjectValue values, params (string Key, object? Value)[] properties) =>
        Props.With(values, properties);

    private static string Long(int bytes) => new('n', bytes);

    static BadInputCases()
    {
        ConfigCases();
        VolumeCases();
        DomainCases();
        CloneCases();
        FilesystemAndXsltCases();
        PoolCases();
        NetworkCases();
        CloudInitCases();
        HostileCases();
        TextBoundCases();
    }

    /// <summary>The same bad names for every resource that has one.</summary>
    private static void NameCases(string type, Func<BadInputHost, string, ObjectValue> valid, int maxBytes)
    {
        Add("NUL in name", type, (h, t) => valid(h, t).With(("name", t + Nul)), "name", NulSays);
        Add("newline in name", type, (h, t) => valid(h, t).With(("name", t + "\nx")), "name", ControlSays);
        Add("tab in name", type, (h, t) => valid(h, t).With(("name", t + "\tx")), "name", ControlSays);
        Add("carriage return in name", type, (h, t) => valid(h, t).With(("name", t + "\r")), "name", ControlSays);
        Add(
            "escape character in name",
            type,
            (h, t) => valid(h, t).With(("name", t + "\u001b[31m")),
            "name",
            ControlSays
        );
        Add("slash in name", type, (h, t) => valid(h, t).With(("name", t + "/x")), "name", "'/'");
        Add("empty name", type, (h, t) => valid(h, t).With(("name", "")), "name", "is empty");
        Add("blank name", type, (h, t) => valid(h, t).With(("name", "   ")), "name", "is empty");
        Add(
            $"name of {maxBytes + 1} bytes",
            type,
            (h, t) => valid(h, t).With(("name", t + Long(maxBytes + 1 - t.Length))),
            "name",
            $"at most {maxBytes}"
        );
        Add(
            "name of multibyte characters past the limit",
            type,
            (h, t) => valid(h, t).With(("name", t + new string('é', maxBytes / 2))),
            "name",
            $"at most {maxBytes}"
        );
        Add("name that is a number", type, (h, t) => valid(h, t).With(("name", 5)), "name", "must be a string");
    }

    private static void ConfigCases()
    {
        Add("NUL in uri", Config, (_, _) => Props.Object(("uri", "qemu:///system\0x")), "uri", NulSays);
        Add(
            "newline in uri",
            Config,
            (_, _) => Props.Object(("uri", "qemu:///system\n")),
            "uri",
            "not a libvirt connection URI"
        );
        Add(
            "tab in uri",
            Config,
            (_, _) => Props.Object(("uri", "qemu:///sys\ttem")),
            "uri",
            "not a libvirt connection URI"
        );
        Add(
            "space in uri",
            Config,
            (_, _) => Props.Object(("uri", " qemu:///system")),
            "uri",
            "not a libvirt connection URI"
        );
        Add(
            "uri that is no URI",
            Config,
            (_, _) => Props.Object(("uri", "localhost")),
            "uri",
            "not a libvirt connection URI"
        );
        Add("uri that is a number", Config, (_, _) => Props.Object(("uri", 5)), "uri", "must be a string");
        Add(
            "NUL in guestfsBackendSettings",
            Config,
            (_, _) => Props.Object(("guestfsBackendSettings", "force_tcg\0")),
            "guestfsBackendSettings",
            NulSays
        );
        Add(
            "newline in guestfsBackendSettings",
            Config,
            (_, _) => Props.Object(("guestfsBackendSettings", "force_tcg\nx")),
            "guestfsBackendSettings",
            ControlSays
        );
        Add(
            "downloadStallTimeout 0",
            Config,
            (_, _) => Props.Object(("downloadStallTimeout", 0)),
            "downloadStallTimeout",
            "between 1 and 86400"
        );
        Add(
            "downloadStallTimeout -1",
            Config,
            (_, _) => Props.Object(("downloadStallTimeout", -1)),
            "downloadStallTimeout",
            "between 1 and 86400"
        );
        Add(
            "downloadStallTimeout past a day",
            Config,
            (_, _) => Props.Object(("downloadStallTimeout", 86401)),
            "downloadStallTimeout",
            "between 1 and 86400"
        );
        Add(
            "downloadStallTimeout 2^31",
            Config,
            (_, _) => Props.Object(("downloadStallTimeout", 2147483648.0)),
            "downloadStallTimeout",
            "whole number"
        );
        Add(
            "downloadStallTimeout 2^63",
            Config,
            (_, _) => Props.Object(("downloadStallTimeout", 9223372036854775808.0)),
            "downloadStallTimeout",
            "whole number"
        );
        Add(
            "downloadStallTimeout 1.5",
            Config,
            (_, _) => Props.Object(("downloadStallTimeout", 1.5)),
            "downloadStallTimeout",
            "whole number"
        );
        Add(
            "downloadStallTimeout as text",
            Config,
            (_, _) => Props.Object(("downloadStallTimeout", "soon")),
            "downloadStallTimeout",
            "whole number"
        );
        Add(
            "downloadStallTimeout as text of 2^63",
            Config,
            (_, _) => Props.Object(("downloadStallTimeout", "9223372036854775808")),
            "downloadStallTimeout",
            "whole number"
        );
    }

    private static ObjectValue ValidVolume(BadInputHost h, string tag) =>
        Props.Object(("name", tag), ("pool", h.Pool.Name), ("capacity", MiB));

    private static void VolumeCases()
    {
        NameCases(Volume, ValidVolume, 255);
        Add("'..' in name", Volume, (h, t) => ValidVolume(h, t).With(("name", "..")), "name", "'..'");
        Add("NUL in pool", Volume, (h, t) => ValidVolume(h, t).With(("pool", h.Pool.Name + "\0")), "pool", NulSays);
        Add(
            "NUL in source.file",
            Volume,
            (h, t) => ValidVolume(h, t).With(("source", Props.Object(("file", h.RawImage + "\0.txt")))),
            "source.file",
            NulSays
        );
        Add(
            "NUL in source.url",
            Volume,
            (h, t) => ValidVolume(h, t).With(("source", Props.Object(("url", "http://example.com/a\0.img")))),
            "source.url",
            NulSays
        );
        Add(
            "NUL in source.hostPath",
            Volume,
            (h, t) => ValidVolume(h, t).With(("source", Props.Object(("hostPath", h.RawImage + "\0x")))),
            "source.hostPath",
            NulSays
        );
        Add(
            "NUL in sha256",
            Volume,
            (h, t) =>
                ValidVolume(h, t)
                    .With(("source", Props.Object(("file", h.RawImage))), ("sha256", new string('a', 63) + "\0")),
            "sha256",
            NulSays
        );
        Add(
            "NUL in sha256Url",
            Volume,
            (h, t) =>
                ValidVolume(h, t)
                    .With(("source", Props.Object(("file", h.RawImage))), ("sha256Url", "http://example.com/SUMS\0")),
            "sha256Url",
            NulSays
        );
        Add(
            "NUL in backingStore.volume",
            Volume,
            (h, t) => ValidVolume(h, t).With(("backingStore", Props.Object(("volume", h.Base + "\0x")))),
            "backingStore.volume",
            NulSays
        );
        Add("NUL in format", Volume, (h, t) => ValidVolume(h, t).With(("format", "qcow2\0")), "format", NulSays);
        Add(
            "missing pool",
            Volume,
            (h, t) => ValidVolume(h, t).With(("pool", t + "-nopool")),
            "pool",
            "does not exist"
        );
        Add("unknown format", Volume, (h, t) => ValidVolume(h, t).With(("format", "vmdk")), "format", "one of");
        Add("format in capitals", Volume, (h, t) => ValidVolume(h, t).With(("format", "QCOW2")), "format", "one of");
        Add("misspelt property", Volume, (h, t) => ValidVolume(h, t).With(("capcity", 5)), "capcity", "not a property");
        Add(
            "capacity as text",
            Volume,
            (h, t) => ValidVolume(h, t).With(("capacity", "10G")),
            "capacity",
            "whole number"
        );
        Add("capacity true", Volume, (h, t) => ValidVolume(h, t).With(("capacity", true)), "capacity", "whole number");
        Add("capacity 1.5", Volume, (h, t) => ValidVolume(h, t).With(("capacity", 1.5)), "capacity", "whole number");
        Add("capacity 0", Volume, (h, t) => ValidVolume(h, t).With(("capacity", 0)), "capacity", "more than 0");
        Add("capacity -1", Volume, (h, t) => ValidVolume(h, t).With(("capacity", -1)), "capacity", "more than 0");
        Add(
            "capacity missing",
            Volume,
            (h, t) => Props.Object(("name", t), ("pool", h.Pool.Name)),
            "capacity",
            "is required"
        );
        Add(
            "capacity 2^63",
            Volume,
            (h, t) => ValidVolume(h, t).With(("capacity", 9223372036854775808.0)),
            "capacity",
            "whole number"
        );
        Add(
            "capacity -2^63-1",
            Volume,
            (h, t) => ValidVolume(h, t).With(("capacity", -9223372036854777856.0)),
            "capacity",
            "whole number"
        );
        Add(
            "capacity 1e300",
            Volume,
            (h, t) => ValidVolume(h, t).With(("capacity", 1e300)),
            "capacity",
            "whole number"
        );
        Add(
            "capacity 2^62",
            Volume,
            (h, t) => ValidVolume(h, t).With(("capacity", 4611686018427387904.0)),
            "capacity",
            "2^53"
        );
        Add(
            "capacity 2^53+1",
            Volume,
            (h, t) => ValidVolume(h, t).With(("capacity", 9007199254740993.0)),
            "capacity",
            "2 PiB"
        );
        Add(
            "capacity 2^53+2",
            Volume,
            (h, t) => ValidVolume(h, t).With(("capacity", 9007199254740994.0)),
            "capacity",
            "2^53"
        );
        Add(
            "qcow2 capacity 2^51+1",
            Volume,
            (h, t) => ValidVolume(h, t).With(("capacity", 2251799813685249.0)),
            "capacity",
            "2 PiB"
        );
        Add(
            "qcow2 capacity 4 PiB",
            Volume,
            (h, t) => ValidVolume(h, t).With(("capacity", 4.0 * (1L << 50))),
            "capacity",
            "2 PiB"
        );
        Add(
            "raw capacity 1 PB",
            Volume,
            (h, t) => ValidVolume(h, t).With(("format", "raw"), ("capacity", 1e15)),
            "capacity",
            "16 TiB"
        );
        Add(
            "raw capacity 17 TiB",
            Volume,
            (h, t) => ValidVolume(h, t).With(("format", "raw"), ("capacity", 17.0 * (1L << 40))),
            "capacity",
            "16 TiB"
        );
        Add(
            "raw capacity 2^53",
            Volume,
            (h, t) => ValidVolume(h, t).With(("format", "raw"), ("capacity", 9007199254740992.0)),
            "capacity",
            "16 TiB"
        );
        AddUpdate(
            "grown to 2^53+1 on update",
            Volume,
            ValidVolume,
            (h, t) => ValidVolume(h, t).With(("capacity", 9007199254740993.0)),
            "capacity",
            "2 PiB"
        );
        AddUpdate(
            "grown to 2^63 on update",
            Volume,
            ValidVolume,
            (h, t) => ValidVolume(h, t).With(("capacity", 9223372036854775808.0)),
            "capacity",
            "whole number"
        );
        AddUpdate(
            "raw grown to 1 PB on update",
            Volume,
            (h, t) => ValidVolume(h, t).With(("format", "raw")),
            (h, t) => ValidVolume(h, t).With(("format", "raw"), ("capacity", 1e15)),
            "capacity",
            "16 TiB"
        );
        Add(
            "missing base",
            Volume,
            (h, t) =>
                ValidVolume(h, t)
                    .With(("backingStore", Props.Object(("volume", h.Pool.Path + "/" + t + "-none.qcow2")))),
            "backingStore.volume",
            "Create the base first"
        );
        Add(
            "base whose own backing file is missing",
            Volume,
            (h, t) => ValidVolume(h, t).With(("backingStore", Props.Object(("volume", h.Orphan)))),
            "backingStore.volume",
            "does not exist"
        );
        Add(
            "base that is a link to /etc/shadow",
            Volume,
            (h, t) => ValidVolume(h, t).With(("backingStore", Props.Object(("volume", h.PoolShadowLink)))),
            "backingStore.volume",
            "/etc/shadow"
        );
        Add(
            "raw overlay",
            Volume,
            (h, t) => ValidVolume(h, t).With(("format", "raw"), ("backingStore", Props.Object(("volume", h.Base)))),
            "format",
            "must be 'qcow2'"
        );
        Add(
            "base format that is not the base's",
            Volume,
            (h, t) => ValidVolume(h, t).With(("backingStore", Props.Object(("volume", h.Base), ("format", "raw")))),
            "backingStore.format",
            "Remove 'backingStore.format'"
        );
        Add(
            "overlay smaller than its base",
            Volume,
            (h, t) => ValidVolume(h, t).With(("capacity", 4096), ("backingStore", Props.Object(("volume", h.Base)))),
            "capacity",
            "smaller than the base"
        );
        Add(
            "overlay of 2^53+1",
            Volume,
            (h, t) =>
                ValidVolume(h, t)
                    .With(("capacity", 9007199254740993.0), ("backingStore", Props.Object(("volume", h.Base)))),
            "capacity",
            "2 PiB"
        );
        Add(
            "backingStore without volume",
            Volume,
            (h, t) => ValidVolume(h, t).With(("backingStore", Props.Object(("format", "qcow2")))),
            "backingStore.volume",
            "is required"
        );
        Add(
            "source and backingStore",
            Volume,
            (h, t) =>
                ValidVolume(h, t)
                    .With(
                        ("source", Props.Object(("file", h.RawImage))),
                        ("backingStore", Props.Object(("volume", h.Base)))
                    ),
            "source",
            "not both"
        );
        Add(
            "empty source",
            Volume,
            (h, t) => ValidVolume(h, t).With(("source", Props.Object())),
            "source",
            "exactly one of"
        );
        Add(
            "source with file and url",
            Volume,
            (h, t) =>
                ValidVolume(h, t)
                    .With(("source", Props.Object(("file", h.RawImage), ("url", "http://example.com/a.img")))),
            "source",
            "exactly one of"
        );
        Add(
            "source.url of ftp",
            Volume,
            (h, t) => ValidVolume(h, t).With(("source", Props.Object(("url", "ftp://example.com/a.img")))),
            "source.url",
            "not an http"
        );
        Add(
            "source.url that is no URL",
            Volume,
            (h, t) => ValidVolume(h, t).With(("source", Props.Object(("url", "example.com/a.img")))),
            "source.url",
            "not an http"
        );
        Add(
            "source.file missing",
            Volume,
            (h, t) => ValidVolume(h, t).With(("source", Props.Object(("file", h.Files + "/none.img")))),
            "source.file",
            "cannot be read"
        );
        Add(
            "source.file compressed",
            Volume,
            (h, t) =>
                ValidVolume(h, t)
                    .With(("source", Props.Object(("file", "/usr/share/doc/libvirt0/changelog.Debian.gz")))),
            "source.file",
            "compressed"
        );
        Add(
            "source.hostPath missing",
            Volume,
            (h, t) => ValidVolume(h, t).With(("source", Props.Object(("hostPath", h.Files + "/none.img")))),
            "source.hostPath",
            "no such file"
        );
        Add(
            "source as text",
            Volume,
            (h, t) => ValidVolume(h, t).With(("source", h.RawImage)),
            "source",
            "must be an object"
        );
        Add(
            "sha256 not hex",
            Volume,
            (h, t) => ValidVolume(h, t).With(("source", Props.Object(("file", h.RawImage))), ("sha256", "xyz")),
            "sha256",
            "64 hexadecimal"
        );
        Add(
            "sha256 with a trailing newline",
            Volume,
            (h, t) =>
                ValidVolume(h, t)
                    .With(("source", Props.Object(("file", h.RawImage))), ("sha256", new string('a', 64) + "\n")),
            "sha256",
            "64 hexadecimal"
        );
        Add(
            "sha256 without source",
            Volume,
            (h, t) => ValidVolume(h, t).With(("sha256", new string('a', 64))),
            "sha256",
            "no 'source'"
        );
        Add(
            "sha256 and sha256Url",
            Volume,
            (h, t) =>
                ValidVolume(h, t)
                    .With(
                        ("source", Props.Object(("file", h.RawImage))),
                        ("sha256", new string('a', 64)),
                        ("sha256Url", "http://example.com/SUMS")
                    ),
            "sha256Url",
            "not both"
        );
        Add(
            "sha256Url of ftp",
            Volume,
            (h, t) =>
                ValidVolume(h, t)
                    .With(("source", Props.Object(("file", h.RawImage))), ("sha256Url", "ftp://example.com/SUMS")),
            "sha256Url",
            "not an http"
        );
        Add(
            "sha256 for a hostPath copy",
            Volume,
            (h, t) =>
                ValidVolume(h, t).With(("source", Props.Object(("hostPath", h.Base))), ("sha256", new string('a', 64))),
            "sha256",
            "Remove it"
        );
    }

    /// <summary>The TPM and CPU inputs a Domain and a Clone share; both machines are qemu (software-emulated) ones.
    /// </summary>
    private static void MachineHardwareCases(string type, Func<BadInputHost, string, ObjectValue> valid)
    {
        ObjectValue Tpm(BadInputHost h, string t, params (string, object?)[] tpm) =>
            valid(h, t).With(("tpm", Props.Object(tpm)));
        ObjectValue Cpu(BadInputHost h, string t, params (string, object?)[] cpu) =>
            valid(h, t).With(("cpu", Props.Object(cpu)));
        Add("tpm.version 3.0", type, (h, t) => Tpm(h, t, ("version", "3.0")), "tpm.version", "2.0 or 1.2");
        Add("tpm-crb with TPM 1.2", type, (h, t) => Tpm(h, t, ("version", "1.2")), "tpm.model", "use tpm-tis");
        Add(
            "tpm.model tpm-spapr",
            type,
            (h, t) => Tpm(h, t, ("model", "tpm-spapr")),
            "tpm.model",
            "tpm-crb or tpm-tis"
        );
        Add(
            "cpu.mode host-passthrough without KVM",
            type,
            (h, t) => Cpu(h, t, ("mode", "host-passthrough")),
            "cpu.mode",
            "cpu.mode: maximum"
        );
        Add(
            "cpu.mode host-model without KVM",
            type,
            (h, t) => Cpu(h, t, ("mode", "host-model")),
            "cpu.mode",
            "cpu.mode: maximum"
        );
        Add(
            "cpu.mode passthrough",
            type,
            (h, t) => Cpu(h, t, ("mode", "passthrough")),
            "cpu.mode",
            "host-passthrough, host-model"
        );
        Add(
            "cpu.model with maximum",
            type,
            (h, t) => Cpu(h, t, ("mode", "maximum"), ("model", "qemu64")),
            "cpu.model",
            "only used with"
        );
        Add(
            "cpu custom without model",
            type,
            (h, t) => Cpu(h, t, ("mode", "custom")),
            "cpu.model",
            "needs 'cpu.model'"
        );
        Add(
            "cpu.model unknown",
            type,
            (h, t) => Cpu(h, t, ("mode", "custom"), ("model", "Pentium9")),
            "cpu.model",
            "not a CPU model"
        );
        Add("cpu without mode", type, (h, t) => Cpu(h, t, ("model", "qemu64")), "cpu.mode", "mode");
    }

    private static ObjectValue ValidDomain(BadInputHost h, string tag) =>
        Props.Object(("name", tag), ("type", "qemu"), ("memory", 64), ("running", false));

    private static ObjectValue OneDisk(BadInputHost h, string tag, params (string, object?)[] disk) =>
        ValidDomain(h, tag).With(("disks", Props.Array(Props.Object(disk))));

    private static ObjectValue OneNic(BadInputHost h, string tag, params (string, object?)[] nic) =>
        ValidDomain(h, tag).With(("networkInterfaces", Props.Array(Props.Object(nic))));

    private static void DomainCases()
    {
        NameCases(Domain, ValidDomain, 240);
        Add(
            "NUL in description",
            Domain,
            (h, t) => ValidDomain(h, t).With(("description", Nul)),
            "description",
            NulSays
        );
        Add(
            "description of 70000 bytes",
            Domain,
            (h, t) => ValidDomain(h, t).With(("description", Long(70000))),
            "description",
            "at most 65536"
        );
        Add(
            "description of 5 MB",
            Domain,
            (h, t) => ValidDomain(h, t).With(("description", Long(5_000_000))),
            "description",
            "at most 65536"
        );
        Add(
            "NUL in disks[0].volume",
            Domain,
            (h, t) => OneDisk(h, t, ("volume", h.Base + "\0")),
            "disks[0].volume",
            NulSays
        );
        Add(
            "NUL in disks[0].file",
            Domain,
            (h, t) => OneDisk(h, t, ("file", h.RawImage + "\0.iso")),
            "disks[0].file",
            NulSays
        );
        Add(
            "NUL in disks[0].target",
            Domain,
            (h, t) => OneDisk(h, t, ("volume", h.Base), ("target", "vda\0")),
            "disks[0].target",
            NulSays
        );
        Add(
            "NUL in disks[0].bus",
            Domain,
            (h, t) => OneDisk(h, t, ("volume", h.Base), ("bus", "virtio\0")),
            "disks[0].bus",
            NulSays
        );
        Add(
            "NUL in networkInterfaces[0].network",
            Domain,
            (h, t) => OneNic(h, t, ("network", h.Network.Name + "\0")),
            "networkInterfaces[0].network",
            NulSays
        );
        Add(
            "NUL in networkInterfaces[0].bridge",
            Domain,
            (h, t) => OneNic(h, t, ("bridge", "br0\0")),
            "networkInterfaces[0].bridge",
            NulSays
        );
        Add(
            "NUL in networkInterfaces[0].mac",
            Domain,
            (h, t) => OneNic(h, t, ("network", h.Network.Name), ("mac", "52:54:00:00:00:01\0")),
            "networkInterfaces[0].mac",
            NulSays
        );
        Add(
            "NUL in networkInterfaces[0].model",
            Domain,
            (h, t) => OneNic(h, t, ("network", h.Network.Name), ("model", "virtio\0")),
            "networkInterfaces[0].model",
            NulSays
        );
        Add(
            "NUL in networkInterfaces[0].ip",
            Domain,
            (h, t) => OneNic(h, t, ("network", h.Network.Name), ("ip", "10.0.0.5\0")),
            "networkInterfaces[0].ip",
            NulSays
        );
        Add(
            "NUL in networkInterfaces[0].hostname",
            Domain,
            (h, t) => OneNic(h, t, ("network", h.Network.Name), ("hostname", "vm\0")),
            "networkInterfaces[0].hostname",
            NulSays
        );
        Add(
            "NUL in kernel",
            Domain,
            (h, t) => ValidDomain(h, t).With(("kernel", "/boot/vmlinuz\0")),
            "kernel",
            NulSays
        );
        Add(
            "NUL in initrd",
            Domain,
            (h, t) => ValidDomain(h, t).With(("kernel", h.RawImage), ("initrd", "/boot/initrd\0")),
            "initrd",
            NulSays
        );
        Add(
            "NUL in cmdline",
            Domain,
            (h, t) => ValidDomain(h, t).With(("kernel", h.RawImage), ("cmdline", "console=ttyS0\0")),
            "cmdline",
            NulSays
        );
        Add(
            "NUL in console.path",
            Domain,
            (h, t) =>
                ValidDomain(h, t).With(("console", Props.Object(("type", "file"), ("path", h.Files + "/c.log\0")))),
            "console.path",
            NulSays
        );
        Add(
            "NUL in graphics.listen",
            Domain,
            (h, t) => ValidDomain(h, t).With(("graphics", Props.Object(("type", "vnc"), ("listen", "127.0.0.1\0")))),
            "graphics.listen",
            NulSays
        );
        Add(
            "NUL in tpm.model",
            Domain,
            (h, t) => ValidDomain(h, t).With(("tpm", Props.Object(("model", "tpm-tis\0")))),
            "tpm.model",
            NulSays
        );
        Add(
            "NUL in waitForIp.source",
            Domain,
            (h, t) => ValidDomain(h, t).With(("waitForIp", Props.Object(("source", "any\0")))),
            "waitForIp.source",
            NulSays
        );

        MachineHardwareCases(Domain, ValidDomain);
        Add(
            "secureBoot without efi",
            Domain,
            (h, t) => ValidDomain(h, t).With(("secureBoot", true)),
            "secureBoot",
            "firmware: efi"
        );
        Add(
            "video.model cirrus",
            Domain,
            (h, t) => ValidDomain(h, t).With(("video", Props.Object(("model", "cirrus")))),
            "video.model",
            "virtio, qxl"
        );

        // Host files as disks.
        Add(
            "disk file /etc/shadow",
            Domain,
            (h, t) => OneDisk(h, t, ("file", "/etc/shadow")),
            "disks[0].file",
            "not a disk image"
        );
        Add(
            "disk file /etc/passwd",
            Domain,
            (h, t) => OneDisk(h, t, ("file", "/etc/passwd")),
            "disks[0].file",
            "not a disk image"
        );
        Add(
            "disk file of text, whole sectors",
            Domain,
            (h, t) => OneDisk(h, t, ("file", h.TextFile)),
            "disks[0].file",
            "text file"
        );
        Add("disk file empty", Domain, (h, t) => OneDisk(h, t, ("file", h.EmptyFile)), "disks[0].file", "is empty");
        Add(
            "disk file not whole sectors",
            Domain,
            (h, t) => OneDisk(h, t, ("file", h.OddFile)),
            "disks[0].file",
            "512-byte sectors"
        );
        Add(
            "disk file /dev/vda",
            Domain,
            (h, t) => OneDisk(h, t, ("file", "/dev/vda")),
            "disks[0].file",
            "blockDevice: true"
        );
        Add(
            "disk file /dev/vda with blockDevice",
            Domain,
            (h, t) => OneDisk(h, t, ("file", "/dev/vda"), ("blockDevice", true)),
            "disks[0].file",
            "host itself uses"
        );
        Add(
            "disk file /dev/null",
            Domain,
            (h, t) => OneDisk(h, t, ("file", "/dev/null")),
            "disks[0].file",
            "character device"
        );
        Add(
            "disk file /dev/zero as CD-ROM",
            Domain,
            (h, t) => OneDisk(h, t, ("file", "/dev/zero"), ("device", "cdrom")),
            "disks[0].file",
            "character device"
        );
        Add("disk file a folder", Domain, (h, t) => OneDisk(h, t, ("file", h.Files)), "disks[0].file", "a folder");
        Add(
            "disk file '..' out of a pool",
            Domain,
            (h, t) => OneDisk(h, t, ("file", h.Pool.Path + "/../../../../../../etc/shadow")),
            "disks[0].file",
            "resolves to '/etc/shadow'"
        );
        Add(
            "disk file a link to /etc/shadow",
            Domain,
            (h, t) => OneDisk(h, t, ("file", h.ShadowLink)),
            "disks[0].file",
            "resolves to '/etc/shadow'"
        );
        Add(
            "disk file a pool volume linked to /etc/shadow",
            Domain,
            (h, t) => OneDisk(h, t, ("file", h.PoolShadowLink)),
            "disks[0].file",
            "resolves to '/etc/shadow'"
        );
        Add(
            "disk volume linked to /etc/shadow",
            Domain,
            (h, t) => OneDisk(h, t, ("volume", h.PoolShadowLink)),
            "disks[0].volume",
            "/etc/shadow"
        );
        Add(
            "disk file /etc/shadow as CD-ROM",
            Domain,
            (h, t) => OneDisk(h, t, ("file", "/etc/shadow"), ("device", "cdrom")),
            "disks[0].file",
            "not a disk image"
        );
        Add(
            "blockDevice on an image file",
            Domain,
            (h, t) => OneDisk(h, t, ("file", h.RawImage), ("blockDevice", true)),
            "disks[0].blockDevice",
            "not a block device"
        );
        Add(
            "blockDevice on /etc/shadow",
            Domain,
            (h, t) => OneDisk(h, t, ("file", "/etc/shadow"), ("blockDevice", true)),
            "disks[0].blockDevice",
            "not a block device"
        );
        Add(
            "blockDevice on a volume",
            Domain,
            (h, t) => OneDisk(h, t, ("volume", h.Base), ("blockDevice", true)),
            "disks[0].blockDevice",
            "Remove it"
        );
        Add(
            "disk file relative",
            Domain,
            (h, t) => OneDisk(h, t, ("file", "disk.img")),
            "disks[0].file",
            "absolute path"
        );
        Add(
            "disk file missing",
            Domain,
            (h, t) => OneDisk(h, t, ("file", h.Files + "/none.img")),
            "disks[0].file",
            "does not exist"
        );
        Add(
            "disk volume missing",
            Domain,
            (h, t) => OneDisk(h, t, ("volume", h.Pool.Path + "/" + t + ".qcow2")),
            "disks[0].volume",
            "Create it first"
        );
        Add(
            "disk with neither volume nor file",
            Domain,
            (h, t) => OneDisk(h, t, ("device", "disk")),
            "disks[0]",
            "exactly one of"
        );
        Add(
            "disk with volume and file",
            Domain,
            (h, t) => OneDisk(h, t, ("volume", h.Base), ("file", h.RawImage)),
            "disks[0]",
            "exactly one of"
        );
        Add(
            "CD-ROM on virtio",
            Domain,
            (h, t) => OneDisk(h, t, ("file", h.RawImage), ("device", "cdrom"), ("bus", "virtio")),
            "disks[0].bus",
            "sata, scsi or ide"
        );
        Add(
            "disk target of another bus",
            Domain,
            (h, t) => OneDisk(h, t, ("volume", h.Base), ("target", "sda")),
            "disks[0].target",
            "does not name a disk"
        );
        Add(
            "disk target with a quote",
            Domain,
            (h, t) => OneDisk(h, t, ("volume", h.Base), ("target", "vd'a")),
            "disks[0].target",
            "does not name a disk"
        );
        Add(
            "disk bus usb",
            Domain,
            (h, t) => OneDisk(h, t, ("volume", h.Base), ("bus", "usb")),
            "disks[0].bus",
            "one of"
        );
        Add(
            "disk device floppy",
            Domain,
            (h, t) => OneDisk(h, t, ("volume", h.Base), ("device", "floppy")),
            "disks[0].device",
            "one of"
        );
        Add(
            "two disks on one target",
            Domain,
            (h, t) =>
                ValidDomain(h, t)
                    .With(
                        (
                            "disks",
                            Props.Array(
                                Props.Object(("volume", h.Base), ("target", "vdb")),
                                Props.Object(("file", h.RawImage), ("target", "vdb"))
                            )
                        )
                    ),
            "disks[1].target",
            "share a target"
        );
        Add(
            "disks as an object",
            Domain,
            (h, t) => ValidDomain(h, t).With(("disks", Props.Object(("volume", h.Base)))),
            "disks",
            "must be a list"
        );

        // Network interfaces.
        Add(
            "NIC model with a quote",
            Domain,
            (h, t) => OneNic(h, t, ("network", h.Network.Name), ("model", "virtio'/>")),
            "networkInterfaces[0].model",
            "not a NIC model"
        );
        Add(
            "NIC model with a double quote",
            Domain,
            (h, t) => OneNic(h, t, ("network", h.Network.Name), ("model", "e1000\" x=\"")),
            "networkInterfaces[0].model",
            "not a NIC model"
        );
        Add(
            "unknown NIC model",
            Domain,
            (h, t) => OneNic(h, t, ("network", h.Network.Name), ("model", "nonexistent")),
            "networkInterfaces[0].model",
            "not a NIC model"
        );
        Add(
            "empty NIC model",
            Domain,
            (h, t) => OneNic(h, t, ("network", h.Network.Name), ("model", "")),
            "networkInterfaces[0].model",
            "not a NIC model"
        );
        Add(
            "NIC model with a newline",
            Domain,
            (h, t) => OneNic(h, t, ("network", h.Network.Name), ("model", "virtio\n")),
            "networkInterfaces[0].model",
            "not a NIC model"
        );
        Add(
            "MAC 00:00:00:00:00:00",
            Domain,
            (h, t) => OneNic(h, t, ("network", h.Network.Name), ("mac", "00:00:00:00:00:00")),
            "networkInterfaces[0].mac",
            "null address"
        );
        Add(
            "multicast MAC 01:00:5e:00:00:01",
            Domain,
            (h, t) => OneNic(h, t, ("network", h.Network.Name), ("mac", "01:00:5e:00:00:01")),
            "networkInterfaces[0].mac",
            "multicast"
        );
        Add(
            "multicast MAC 33:33:00:00:00:01",
            Domain,
            (h, t) => OneNic(h, t, ("network", h.Network.Name), ("mac", "33:33:00:00:00:01")),
            "networkInterfaces[0].mac",
            "multicast"
        );
        Add(
            "broadcast MAC",
            Domain,
            (h, t) => OneNic(h, t, ("network", h.Network.Name), ("mac", "ff:ff:ff:ff:ff:ff")),
            "networkInterfaces[0].mac",
            "multicast"
        );
        Add(
            "MAC of five octets",
            Domain,
            (h, t) => OneNic(h, t, ("network", h.Network.Name), ("mac", "52:54:00:00:01")),
            "networkInterfaces[0].mac",
            "not a MAC address"
        );
        Add(
            "MAC with a trailing newline",
            Domain,
            (h, t) => OneNic(h, t, ("network", h.Network.Name), ("mac", "52:54:00:00:00:01\n")),
            "networkInterfaces[0].mac",
            "not a MAC address"
        );
        Add(
            "one MAC twice",
            Domain,
            (h, t) =>
                ValidDomain(h, t)
                    .With(
                        (
                            "networkInterfaces",
                            Props.Array(
                                Props.Object(("network", h.Network.Name), ("mac", "52:54:00:9a:9b:9c")),
                                Props.Object(("network", h.Network.Name), ("mac", "52:54:00:9A:9B:9C"))
                            )
                        )
                    ),
            "networkInterfaces[1].mac",
            "also given"
        );
        Add(
            "inactive network, not running",
            Domain,
            (h, t) => OneNic(h, t, ("network", h.InactiveNetwork)),
            "networkInterfaces[0].network",
            "not active"
        );
        Add(
            "inactive network, running",
            Domain,
            (h, t) => OneNic(h, t, ("network", h.InactiveNetwork)).With(("running", true)),
            "networkInterfaces[0].network",
            "not active"
        );
        Add(
            "missing network",
            Domain,
            (h, t) => OneNic(h, t, ("network", t + "-nonet")),
            "networkInterfaces[0].network",
            "no libvirt network"
        );
        Add(
            "NIC with neither network nor bridge",
            Domain,
            (h, t) => OneNic(h, t, ("model", "virtio")),
            "networkInterfaces[0]",
            "exactly one of"
        );
        Add(
            "NIC with network and bridge",
            Domain,
            (h, t) => OneNic(h, t, ("network", h.Network.Name), ("bridge", "br0")),
            "networkInterfaces[0]",
            "exactly one of"
        );

        // Graphics.
        Add(
            "graphics.listen not an address",
            Domain,
            (h, t) => ValidDomain(h, t).With(("graphics", Props.Object(("type", "vnc"), ("listen", "not-an-address")))),
            "graphics.listen",
            "not an IP address"
        );
        Add(
            "graphics.listen with a quote",
            Domain,
            (h, t) => ValidDomain(h, t).With(("graphics", Props.Object(("type", "vnc"), ("listen", "127.0.0.1'")))),
            "graphics.listen",
            "not an IP address"
        );
        Add(
            "graphics.listen with a double quote",
            Domain,
            (h, t) =>
                ValidDomain(h, t)
                    .With(("graphics", Props.Object(("type", "spice"), ("listen", "0.0.0.0\" autoport=\"no")))),
            "graphics.listen",
            "not an IP address"
        );
        Add(
            "graphics.listen a host name",
            Domain,
            (h, t) => ValidDomain(h, t).With(("graphics", Props.Object(("type", "vnc"), ("listen", "localhost")))),
            "graphics.listen",
            "not an IP address"
        );
        Add(
            "graphics.listen a bare number",
            Domain,
            (h, t) => ValidDomain(h, t).With(("graphics", Props.Object(("type", "vnc"), ("listen", "1")))),
            "graphics.listen",
            "not an IP address"
        );
        Add(
            "graphics.listen empty",
            Domain,
            (h, t) => ValidDomain(h, t).With(("graphics", Props.Object(("type", "vnc"), ("listen", "")))),
            "graphics.listen",
            "not an IP address"
        );
        Add(
            "graphics without type",
            Domain,
            (h, t) => ValidDomain(h, t).With(("graphics", Props.Object(("listen", "127.0.0.1")))),
            "graphics.type",
            "is required"
        );
        Add(
            "graphics type rdp",
            Domain,
            (h, t) => ValidDomain(h, t).With(("graphics", Props.Object(("type", "rdp")))),
            "graphics.type",
            "one of"
        );

        // Direct kernel boot.
        Add(
            "kernel /etc/shadow",
            Domain,
            (h, t) => ValidDomain(h, t).With(("kernel", "/etc/shadow")),
            "kernel",
            "text file"
        );
        Add(
            "kernel /etc/passwd",
            Domain,
            (h, t) => ValidDomain(h, t).With(("kernel", "/etc/passwd")),
            "kernel",
            "text file"
        );
        Add(
            "kernel a link to /etc/shadow",
            Domain,
            (h, t) => ValidDomain(h, t).With(("kernel", h.ShadowLink)),
            "kernel",
            "resolves to '/etc/shadow'"
        );
        Add(
            "kernel /dev/null",
            Domain,
            (h, t) => ValidDomain(h, t).With(("kernel", "/dev/null")),
            "kernel",
            "not a regular file"
        );
        Add(
            "kernel /dev/vda",
            Domain,
            (h, t) => ValidDomain(h, t).With(("kernel", "/dev/vda")),
            "kernel",
            "not a regular file"
        );
        Add(
            "kernel a folder",
            Domain,
            (h, t) => ValidDomain(h, t).With(("kernel", "/boot")),
            "kernel",
            "not a regular file"
        );
        Add(
            "kernel relative",
            Domain,
            (h, t) => ValidDomain(h, t).With(("kernel", "vmlinuz")),
            "kernel",
            "absolute path"
        );
        Add(
            "kernel missing",
            Domain,
            (h, t) => ValidDomain(h, t).With(("kernel", h.Files + "/vmlinuz")),
            "kernel",
            "does not exist"
        );
        Add(
            "initrd /etc/shadow",
            Domain,
            (h, t) => ValidDomain(h, t).With(("kernel", h.RawImage), ("initrd", "/etc/shadow")),
            "initrd",
            "text file"
        );
        Add(
            "initrd '..' to /etc/passwd",
            Domain,
            (h, t) =>
                ValidDomain(h, t).With(("kernel", h.RawImage), ("initrd", h.Files + "/../../../../../etc/passwd")),
            "initrd",
            "resolves to '/etc/passwd'"
        );
        Add(
            "initrd without kernel",
            Domain,
            (h, t) => ValidDomain(h, t).With(("initrd", h.RawImage)),
            "initrd",
            "give 'kernel' too"
        );
        Add(
            "cmdline without kernel",
            Domain,
            (h, t) => ValidDomain(h, t).With(("cmdline", "console=ttyS0")),
            "cmdline",
            "give 'kernel' too"
        );

        // Console.
        Add(
            "console file /etc/passwd",
            Domain,
            (h, t) => ValidDomain(h, t).With(("console", Props.Object(("type", "file"), ("path", "/etc/passwd")))),
            "console.path",
            "already exists"
        );
        Add(
            "console file a link to /etc/shadow",
            Domain,
            (h, t) => ValidDomain(h, t).With(("console", Props.Object(("type", "file"), ("path", h.ShadowLink)))),
            "console.path",
            "resolves to '/etc/shadow'"
        );
        Add(
            "console file over an existing file",
            Domain,
            (h, t) => ValidDomain(h, t).With(("console", Props.Object(("type", "file"), ("path", h.TextFile)))),
            "console.path",
            "already exists"
        );
        Add(
            "console file over a disk image",
            Domain,
            (h, t) => ValidDomain(h, t).With(("console", Props.Object(("type", "file"), ("path", h.RawImage)))),
            "console.path",
            "already exists"
        );
        Add(
            "console file /dev/vda",
            Domain,
            (h, t) => ValidDomain(h, t).With(("console", Props.Object(("type", "file"), ("path", "/dev/vda")))),
            "console.path",
            "already exists"
        );
        Add(
            "console file in a missing folder",
            Domain,
            (h, t) =>
                ValidDomain(h, t).With(("console", Props.Object(("type", "file"), ("path", h.Files + "/none/c.log")))),
            "console.path",
            "does not exist"
        );
        Add(
            "console file relative",
            Domain,
            (h, t) => ValidDomain(h, t).With(("console", Props.Object(("type", "file"), ("path", "c.log")))),
            "console.path",
            "absolute path"
        );
        Add(
            "console file without path",
            Domain,
            (h, t) => ValidDomain(h, t).With(("console", Props.Object(("type", "file")))),
            "console.path",
            "needs 'console.path'"
        );
        Add(
            "console pty with path",
            Domain,
            (h, t) => ValidDomain(h, t).With(("console", Props.Object(("type", "pty"), ("path", h.Files + "/c.log")))),
            "console.path",
            "only used with type file"
        );

        // Sizes and words.
        Add("memory 0", Domain, (h, t) => ValidDomain(h, t).With(("memory", 0)), "memory", "must be between 1");
        Add("memory -1", Domain, (h, t) => ValidDomain(h, t).With(("memory", -1)), "memory", "must be between 1");
        Add(
            "memory beyond the host",
            Domain,
            (h, t) => ValidDomain(h, t).With(("memory", int.MaxValue)),
            "memory",
            "must be between 1"
        );
        Add(
            "memory 2^31",
            Domain,
            (h, t) => ValidDomain(h, t).With(("memory", 2147483648.0)),
            "memory",
            "whole number"
        );
        Add(
            "memory 2^63",
            Domain,
            (h, t) => ValidDomain(h, t).With(("memory", 9223372036854775808.0)),
            "memory",
            "whole number"
        );
        Add("vcpus 0", Domain, (h, t) => ValidDomain(h, t).With(("vcpus", 0)), "vcpus", "must be between 1");
        Add("vcpus 100000", Domain, (h, t) => ValidDomain(h, t).With(("vcpus", 100000)), "vcpus", "must be between 1");
        Add(
            "shutdownTimeout -1",
            Domain,
            (h, t) => ValidDomain(h, t).With(("shutdownTimeout", -1)),
            "shutdownTimeout",
            "0 or more"
        );
        Add("type xen", Domain, (h, t) => ValidDomain(h, t).With(("type", "xen")), "type", "one of");
        Add("firmware uefi", Domain, (h, t) => ValidDomain(h, t).With(("firmware", "uefi")), "firmware", "one of");
        Add("misspelt property", Domain, (h, t) => ValidDomain(h, t).With(("memroy", 64)), "memroy", "not a property");
    }

    private static ObjectValue ValidClone(BadInputHost h, string tag) =>
        Props.Object(("name", tag), ("source", h.Template.Name), ("running", false));

    private static void CloneCases()
    {
        NameCases(Clone, ValidClone, 240);
        MachineHardwareCases(Clone, ValidClone);
        Add(
            "NUL in source",
            Clone,
            (h, t) => ValidClone(h, t).With(("source", h.Template.Name + "\0")),
            "source",
            NulSays
        );
        Add("NUL in description", Clone, (h, t) => ValidClone(h, t).With(("description", Nul)), "description", NulSays);
        Add("NUL in pool", Clone, (h, t) => ValidClone(h, t).With(("pool", h.Pool.Name + "\0")), "pool", NulSays);
        Add(
            "NUL in macs[0]",
            Clone,
            (h, t) => ValidClone(h, t).With(("macs", Props.Array("52:54:00:00:00:02\0"))),
            "macs[0]",
            NulSays
        );
        Add(
            "NUL in cloudInit",
            Clone,
            (h, t) => ValidClone(h, t).With(("cloudInit", h.Base + "\0")),
            "cloudInit",
            NulSays
        );
        Add(
            "NUL in disks[0].target",
            Clone,
            (h, t) =>
                ValidClone(h, t).With(("disks", Props.Array(Props.Object(("target", "vda\0"), ("mode", "linked"))))),
            "disks[0].target",
            NulSays
        );
        Add(
            "identity.hostname with a trailing newline",
            Clone,
            (h, t) => ValidClone(h, t).With(("identity", Props.Object(("hostname", "vm\n")))),
            "identity.hostname",
            "not a valid hostname"
        );
        Add(
            "NUL in identity.hostname",
            Clone,
            (h, t) => ValidClone(h, t).With(("identity", Props.Object(("hostname", "vm\0")))),
            "identity.hostname",
            NulSays
        );
        Add(
            "NUL in networkInterfaces[0].ip",
            Clone,
            (h, t) => ValidClone(h, t).With(("networkInterfaces", Props.Array(Props.Object(("ip", "10.0.0.9\0"))))),
            "networkInterfaces[0].ip",
            NulSays
        );
        Add(
            "description of 70000 bytes",
            Clone,
            (h, t) => ValidClone(h, t).With(("description", Long(70000))),
            "description",
            "at most 65536"
        );
        Add(
            "missing source",
            Clone,
            (h, t) => ValidClone(h, t).With(("source", t + "-nodomain")),
            "source",
            "No domain named"
        );
        Add("no source", Clone, (h, t) => Props.Object(("name", t)), "source", "is required");
        Add(
            "macs of the wrong count",
            Clone,
            (h, t) => ValidClone(h, t).With(("macs", Props.Array("52:54:00:00:00:02", "52:54:00:00:00:03"))),
            "macs",
            "one per interface"
        );
        Add(
            "MAC 00:00:00:00:00:00",
            Clone,
            (h, t) => ValidClone(h, t).With(("macs", Props.Array("00:00:00:00:00:00"))),
            "macs[0]",
            "null address"
        );
        Add(
            "multicast MAC",
            Clone,
            (h, t) => ValidClone(h, t).With(("macs", Props.Array("01:00:5e:00:00:01"))),
            "macs[0]",
            "multicast"
        );
        Add(
            "disk the source lacks",
            Clone,
            (h, t) => ValidClone(h, t).With(("disks", Props.Array(Props.Object(("target", "vdz"), ("mode", "full"))))),
            "disks[0].target",
            "has no disk vdz"
        );
        Add(
            "disk mode deep",
            Clone,
            (h, t) => ValidClone(h, t).With(("disks", Props.Array(Props.Object(("target", "vda"), ("mode", "deep"))))),
            "disks[0].mode",
            "one of"
        );
        Add("memory 0", Clone, (h, t) => ValidClone(h, t).With(("memory", 0)), "memory", "must be between 1");
        Add("missing pool", Clone, (h, t) => ValidClone(h, t).With(("pool", t + "-nopool")), "pool", "does not exist");
        Add(
            "missing cloudInit",
            Clone,
            (h, t) => ValidClone(h, t).With(("cloudInit", h.Pool.Path + "/" + t + ".iso")),
            "cloudInit",
            "no volume"
        );
        Add(
            "shutdownTimeout -1",
            Clone,
            (h, t) => ValidClone(h, t).With(("shutdownTimeout", -1)),
            "shutdownTimeout",
            "0 or more"
        );
    }

    private static ObjectValue ValidPool(BadInputHost h, string tag) =>
        Props.Object(("name", tag), ("path", Path.Combine(h.Files, tag)));

    private static void PoolCases()
    {
        NameCases(Pool, ValidPool, 240);
        Add("NUL in path", Pool, (h, t) => ValidPool(h, t).With(("path", h.Files + "/p\0x")), "path", NulSays);
        Add("path relative", Pool, (h, t) => ValidPool(h, t).With(("path", "pools/p")), "path", "not absolute");
        Add("path empty", Pool, (h, t) => ValidPool(h, t).With(("path", "")), "path", "not absolute");
        Add("path a file", Pool, (h, t) => ValidPool(h, t).With(("path", h.TextFile)), "path", "is a file");
        Add(
            "path of another pool",
            Pool,
            (h, t) => ValidPool(h, t).With(("path", h.Pool.Path)),
            "path",
            "already the folder"
        );
        Add(
            "path of another pool by '..'",
            Pool,
            (h, t) => ValidPool(h, t).With(("path", h.Pool.Path + "/x/..")),
            "path",
            "already the folder"
        );
        Add("no path", Pool, (h, t) => Props.Object(("name", t)), "path", "is required");
        Add("type logical", Pool, (h, t) => ValidPool(h, t).With(("type", "logical")), "type", "one of");
    }

    private static ObjectValue ValidNetwork(BadInputHost h, string tag) =>
        Props.Object(("name", tag), ("mode", "isolated"), ("running", false));

    private static void NetworkCases()
    {
        NameCases(Network, ValidNetwork, 240);
        Add("NUL in bridge", Network, (h, t) => ValidNetwork(h, t).With(("bridge", "vbx\0")), "bridge", NulSays);
        Add("NUL in domain", Network, (h, t) => ValidNetwork(h, t).With(("domain", "lab.test\0")), "domain", NulSays);
        Add(
            "NUL in addresses[0]",
            Network,
            (h, t) => ValidNetwork(h, t).With(("addresses", Props.Array("10.231.0.0/24\0"))),
            "addresses[0]",
            NulSays
        );
        Add(
            "NUL in dhcp.hosts[0].mac",
            Network,
            (h, t) =>
                ValidNetwork(h, t)
                    .With(
                        ("addresses", Props.Array("10.231.0.0/24")),
                        (
                            "dhcp",
                            Props.Object(
                                (
                                    "hosts",
                                    Props.Array(Props.Object(("mac", "52:54:00:00:00:04\0"), ("ip", "10.231.0.9")))
                                )
                            )
                        )
                    ),
            "dhcp.hosts[0].mac",
            NulSays
        );
        Add(
            "NUL in dhcp.hosts[0].ip",
            Network,
            (h, t) =>
                ValidNetwork(h, t)
                    .With(
                        ("addresses", Props.Array("10.231.0.0/24")),
                        (
                            "dhcp",
                            Props.Object(
                                (
                                    "hosts",
                                    Props.Array(Props.Object(("mac", "52:54:00:00:00:04"), ("ip", "10.231.0.9\0")))
                                )
                            )
                        )
                    ),
            "dhcp.hosts[0].ip",
            NulSays
        );
        Add(
            "NUL in dns.forwarders[0]",
            Network,
            (h, t) => ValidNetwork(h, t).With(("dns", Props.Object(("forwarders", Props.Array("9.9.9.9\0"))))),
            "dns.forwarders[0]",
            NulSays
        );
        Add(
            "NUL in dns.hosts[0].hostnames[0]",
            Network,
            (h, t) =>
                ValidNetwork(h, t)
                    .With(
                        (
                            "dns",
                            Props.Object(
                                (
                                    "hosts",
                                    Props.Array(Props.Object(("ip", "10.231.0.9"), ("hostnames", Props.Array("db\0"))))
                                )
                            )
                        )
                    ),
            "dns.hosts[0].hostnames[0]",
            NulSays
        );
        Add("NUL in mode", Network, (h, t) => ValidNetwork(h, t).With(("mode", "nat\0")), "mode", NulSays);
        Add("mtu 0", Network, (h, t) => ValidNetwork(h, t).With(("mtu", 0)), "mtu", "between 68 and 65535");
        Add("mtu 70000", Network, (h, t) => ValidNetwork(h, t).With(("mtu", 70000)), "mtu", "between 68 and 65535");
        Add(
            "bridge name too long",
            Network,
            (h, t) => ValidNetwork(h, t).With(("bridge", "abridgenamethatistoolong")),
            "bridge",
            "1 to 15 characters"
        );
        Add(
            "bridge name with a space",
            Network,
            (h, t) => ValidNetwork(h, t).With(("bridge", "br 0")),
            "bridge",
            "1 to 15 characters"
        );
        Add(
            "bridge name with a newline",
            Network,
            (h, t) => ValidNetwork(h, t).With(("bridge", "br\n0")),
            "bridge",
            "1 to 15 characters"
        );
        Add(
            "address not a CIDR",
            Network,
            (h, t) => ValidNetwork(h, t).With(("addresses", Props.Array("10.231.0.0"))),
            "addresses[0]",
            "not a CIDR"
        );
        Add(
            "address prefix 33",
            Network,
            (h, t) => ValidNetwork(h, t).With(("addresses", Props.Array("10.231.0.0/33"))),
            "addresses[0]",
            "not a CIDR"
        );
        Add("mode vxlan", Network, (h, t) => ValidNetwork(h, t).With(("mode", "vxlan")), "mode", "one of");
        Add(
            "domain with a quote",
            Network,
            (h, t) => ValidNetwork(h, t).With(("domain", "lab'.test")),
            "domain",
            "not a DNS name"
        );
        Add(
            "DHCP host with MAC 00:00:00:00:00:00",
            Network,
            (h, t) =>
                ValidNetwork(h, t)
                    .With(
                        ("addresses", Props.Array("10.231.0.0/24")),
                        (
                            "dhcp",
                            Props.Object(
                                ("hosts", Props.Array(Props.Object(("mac", "00:00:00:00:00:00"), ("ip", "10.231.0.9"))))
                            )
                        )
                    ),
            "dhcp.hosts[0].mac",
            "null address"
        );
        Add(
            "DHCP host with a multicast MAC",
            Network,
            (h, t) =>
                ValidNetwork(h, t)
                    .With(
                        ("addresses", Props.Array("10.231.0.0/24")),
                        (
                            "dhcp",
                            Props.Object(
                                ("hosts", Props.Array(Props.Object(("mac", "01:00:5e:00:00:01"), ("ip", "10.231.0.9"))))
                            )
                        )
                    ),
            "dhcp.hosts[0].mac",
            "multicast"
        );
        Add(
            "domain with a trailing newline",
            Network,
            (h, t) => ValidNetwork(h, t).With(("domain", "lab.test\n")),
            "domain",
            "not a DNS name"
        );
        Add(
            "DHCP hostname with a trailing newline",
            Network,
            (h, t) =>
                ValidNetwork(h, t)
                    .With(
                        ("addresses", Props.Array("10.231.0.0/24")),
                        (
                            "dhcp",
                            Props.Object(
                                (
                                    "hosts",
                                    Props.Array(
                                        Props.Object(
                                            ("mac", "52:54:00:00:00:05"),
                                            ("ip", "10.231.0.9"),
                                            ("hostname", "db\n")
                                        )
                                    )
                                )
                            )
                        )
                    ),
            "dhcp.hosts[0].hostname",
            "not a host name"
        );
        Add(
            "DNS forwarder not an address",
            Network,
            (h, t) => ValidNetwork(h, t).With(("dns", Props.Object(("forwarders", Props.Array("dns.example"))))),
            "dns.forwarders[0]",
            "not an IP address"
        );
    }

    private static ObjectValue ValidSeed(BadInputHost h, string tag) =>
        Props.Object(("name", tag), ("pool", h.Pool.Name), ("userData", "#cloud-config\n{}\n"));

    private static void CloudInitCases()
    {
        NameCases(CloudInit, ValidSeed, 255);
        Add("'..' in name", CloudInit, (h, t) => ValidSeed(h, t).With(("name", "..")), "name", "'..'");
        Add("NUL in pool", CloudInit, (h, t) => ValidSeed(h, t).With(("pool", h.Pool.Name + "\0")), "pool", NulSays);
        Add(
            "NUL in userData",
            CloudInit,
            (h, t) => ValidSeed(h, t).With(("userData", "#cloud-config\n\0")),
            "userData",
            NulSays
        );
        Add(
            "NUL in metaData",
            CloudInit,
            (h, t) => ValidSeed(h, t).With(("metaData", "instance-id: a\0")),
            "metaData",
            NulSays
        );
        Add(
            "NUL in instanceId",
            CloudInit,
            (h, t) => ValidSeed(h, t).With(("instanceId", "i\0")),
            "instanceId",
            NulSays
        );
        Add("NUL in hostname", CloudInit, (h, t) => ValidSeed(h, t).With(("hostname", "vm\0")), "hostname", NulSays);
        Add(
            "NUL in networkConfig",
            CloudInit,
            (h, t) => ValidSeed(h, t).With(("networkConfig", "version: 2\0")),
            "networkConfig",
            NulSays
        );
        Add(
            "missing pool",
            CloudInit,
            (h, t) => ValidSeed(h, t).With(("pool", t + "-nopool")),
            "pool",
            "does not exist"
        );
        Add(
            "instanceId with a space",
            CloudInit,
            (h, t) => ValidSeed(h, t).With(("instanceId", "a b")),
            "instanceId",
            "must be letters"
        );
        Add(
            "instanceId with a newline",
            CloudInit,
            (h, t) => ValidSeed(h, t).With(("instanceId", "a\nb: c")),
            "instanceId",
            "must be letters"
        );
        Add(
            "hostname starting with '-'",
            CloudInit,
            (h, t) => ValidSeed(h, t).With(("hostname", "-vm")),
            "hostname",
            "not a host name"
        );
        Add(
            "hostname with a trailing newline",
            CloudInit,
            (h, t) => ValidSeed(h, t).With(("hostname", "vm\n")),
            "hostname",
            "not a host name"
        );
        Add(
            "instanceId with a trailing newline",
            CloudInit,
            (h, t) => ValidSeed(h, t).With(("instanceId", "i-1\n")),
            "instanceId",
            "must be letters"
        );
        Add(
            "hostname with a newline",
            CloudInit,
            (h, t) => ValidSeed(h, t).With(("hostname", "vm\nx")),
            "hostname",
            "not a host name"
        );
        Add(
            "metaData not YAML",
            CloudInit,
            (h, t) => ValidSeed(h, t).With(("metaData", "[a")),
            "metaData",
            "not valid YAML"
        );
        Add(
            "metaData a list",
            CloudInit,
            (h, t) => ValidSeed(h, t).With(("metaData", "- a\n- b\n")),
            "metaData",
            "YAML mapping"
        );
        Add(
            "userData cloud-config not YAML",
            CloudInit,
            (h, t) => ValidSeed(h, t).With(("userData", "#cloud-config\na: [b\n")),
            "userData",
            "not valid YAML"
        );
        Add(
            "metaData and hostname",
            CloudInit,
            (h, t) => ValidSeed(h, t).With(("metaData", "instance-id: a\n"), ("hostname", "vm")),
            "metaData",
            "not both"
        );
        Add(
            "networkConfig a string",
            CloudInit,
            (h, t) => ValidSeed(h, t).With(("networkConfig", "just words")),
            "networkConfig",
            "YAML mapping"
        );
    }
}
