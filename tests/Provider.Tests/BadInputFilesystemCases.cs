using PulumiLibvirt.Framework;
using PulumiLibvirt.Tests.Support;

namespace PulumiLibvirt.Tests;

/// <summary>The bad shared folders and stylesheets of Domain and Clone.</summary>
public static partial class BadInputCases
{
    private const string Stylesheet = "<xsl:stylesheet version='1.0' xmlns:xsl='http://www.w3.org/1999/XSL/Transform'>";
    private const string NotStylesheet = "not an XSLT 1.0 stylesheet";
    private const string Source = "filesystems[0].source";

    /// <summary>A stylesheet that copies the definition and puts <paramref name="devices"/> into its devices.</summary>
    public static string AddingDevices(string devices) =>
        Stylesheet
        + "<xsl:template match='@*|node()'><xsl:copy><xsl:apply-templates select='@*|node()'/></xsl:copy>"
        + "</xsl:template><xsl:template match='devices'><xsl:copy><xsl:apply-templates select='@*|node()'/>"
        + $"{devices}</xsl:copy></xsl:template></xsl:stylesheet>";

    /// <summary>A machine's inputs with one shared folder of the tag s.</summary>
    private static Func<BadInputHost, string, ObjectValue> OneFolder(
        Func<BadInputHost, string, ObjectValue> machine,
        Func<BadInputHost, string> source,
        params (string, object?)[] more
    ) =>
        (h, t) =>
            machine(h, t)
                .With(("filesystems", Props.Array(Props.Object([("source", source(h)), ("target", "s"), .. more]))));

    private static readonly (string, object?)[] ReadOnly9p = [("readOnly", true), ("driver", "9p")];

    private static void FilesystemAndXsltCases()
    {
        (string, Func<BadInputHost, string, ObjectValue>)[] machines = [(Domain, ValidDomain), (Clone, ValidClone)];
        foreach (var (type, valid) in machines)
        {
            Add("filesystem source relative", type, OneFolder(valid, _ => "share"), Source, "absolute path");
            Add("filesystem source missing", type, OneFolder(valid, h => h.Files + "/gone"), Source, "does not exist");
            Add("filesystem source a file", type, OneFolder(valid, h => h.RawImage), Source, "not a folder");
        }
        Add(
            "filesystem source /etc read-only",
            Domain,
            OneFolder(ValidDomain, _ => "/etc", ReadOnly9p),
            Source,
            "its secrets"
        );
        Add(
            "filesystem source '..' to /root",
            Domain,
            OneFolder(ValidDomain, h => h.Files + "/../../../../root", ReadOnly9p),
            Source,
            "resolves to '/root'"
        );
        Add(
            "filesystem source / read-only",
            Domain,
            OneFolder(ValidDomain, _ => "/", ReadOnly9p),
            Source,
            "its secrets"
        );
        Add(
            "filesystem source /var/lib/libvirt writable",
            Domain,
            OneFolder(ValidDomain, _ => "/var/lib/libvirt"),
            Source,
            "readOnly: true"
        );
        Add("filesystem source /var writable", Domain, OneFolder(ValidDomain, _ => "/var"), Source, "/var/lib/libvirt");
        Add(
            "filesystem driver unknown",
            Domain,
            OneFolder(ValidDomain, h => h.Files, ("driver", "nfs")),
            "filesystems[0].driver",
            "virtiofs or 9p"
        );
        Add(
            "filesystem virtiofs read-only",
            Domain,
            OneFolder(ValidDomain, h => h.Files, ("readOnly", true)),
            "filesystems[0].readOnly",
            "driver: 9p"
        );
        Add(
            "filesystem empty target",
            Domain,
            (h, t) =>
                ValidDomain(h, t).With(("filesystems", Props.Array(Props.Object(("source", h.Files), ("target", ""))))),
            "filesystems[0].target",
            "is empty"
        );
        Add(
            "two filesystems on one target",
            Domain,
            (h, t) =>
                ValidDomain(h, t)
                    .With(
                        (
                            "filesystems",
                            Props.Array(
                                Props.Object(("source", h.Files), ("target", "s")),
                                Props.Object(("source", h.Files), ("target", "s"), ("driver", "9p"))
                            )
                        )
                    ),
            "filesystems[1].target",
            "already the tag of filesystems[0]"
        );
        foreach (var (type, valid) in machines)
        {
            Add(
                "xslt not a stylesheet",
                type,
                (h, t) => valid(h, t).With(("xslt", "<domain/>")),
                "xslt",
                NotStylesheet
            );
            Add(
                "xslt that is not XML",
                type,
                (h, t) => valid(h, t).With(("xslt", "{ watchdog: true }")),
                "xslt",
                NotStylesheet
            );
            Add(
                "xslt that includes a host file",
                type,
                (h, t) => valid(h, t).With(("xslt", Stylesheet + "<xsl:include href='/etc/passwd'/></xsl:stylesheet>")),
                "xslt",
                NotStylesheet
            );
            Add(
                "xslt with an external entity",
                type,
                (h, t) =>
                    valid(h, t)
                        .With(
                            (
                                "xslt",
                                "<!DOCTYPE x [<!ENTITY p SYSTEM 'file:///etc/passwd'>]>"
                                    + Stylesheet
                                    + "<xsl:template match='/'>&p;"
                                    + "</xsl:template></xsl:stylesheet>"
                            )
                        ),
                "xslt",
                NotStylesheet
            );
        }
        Add(
            "xslt reading a host file with document()",
            Domain,
            (h, t) =>
                ValidDomain(h, t).With(("xslt", AddingDevices("<xsl:value-of select=\"document('/etc/passwd')\"/>"))),
            "xslt",
            "document()"
        );
        Add(
            "xslt making no domain",
            Domain,
            (h, t) =>
                ValidDomain(h, t)
                    .With(("xslt", Stylesheet + "<xsl:template match='/'><network/></xsl:template></xsl:stylesheet>")),
            "xslt",
            "not a <domain>"
        );
        Add(
            "xslt whose result libvirt refuses",
            Domain,
            (h, t) => ValidDomain(h, t).With(("xslt", AddingDevices("<watchdog model='no-such-model'/>"))),
            "xslt",
            "libvirt refuses"
        );
    }
}
