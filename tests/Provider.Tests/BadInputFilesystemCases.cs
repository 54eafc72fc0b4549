using PulumiLibvirt.Framework;
using PulumiLibvirt.Tests.Support;

namespace PulumiLibvirt.Tests;

/// <summary>The bad shared folders and stylesheets of Domain and Clone.</summary>
public static partial class BadInputCases
{
    private static ObjectValue OneFolder(ObjectValue machine, params (string, object?)[] folder) =>
        machine.With(("filesystems", Props.Array(Props.Object(folder))));

    private const string Stylesheet = "<xsl:stylesheet version='1.0' xmlns:xsl='http://www.w3.org/1999/XSL/Transform'>";

    /// <summary>A stylesheet that copies the definition and puts <paramref name="devices"/> into its devices.</summary>
    public static string AddingDevices(string devices) => Stylesheet
        + "<xsl:template match='@*|node()'><xsl:copy><xsl:apply-templates select='@*|node()'/></xsl:copy></xsl:template>"
        + $"<xsl:template match='devices'><xsl:copy><xsl:apply-templates select='@*|node()'/>{devices}</xsl:copy>"
        + "</xsl:template></xsl:stylesheet>";

    private static void FilesystemAndXsltCases()
    {
        foreach (var (type, valid) in new (string, Func<BadInputHost, string, ObjectValue>)[] { (Domain, ValidDomain), (Clone, ValidClone) })
        {
            Add("filesystem source relative", type, (h, t) => OneFolder(valid(h, t), ("source", "share"), ("target", "s")),
                "filesystems[0].source", "absolute path");
            Add("filesystem source missing", type, (h, t) => OneFolder(valid(h, t), ("source", h.Files + "/gone"), ("target", "s")),
                "filesystems[0].source", "does not exist");
            Add("filesystem source a file", type, (h, t) => OneFolder(valid(h, t), ("source", h.RawImage), ("target", "s")),
                "filesystems[0].source", "not a folder");
        }
        Add("filesystem source /etc read-only", Domain, (h, t) => OneFolder(ValidDomain(h, t), ("source", "/etc"), ("target", "s"),
            ("readOnly", true), ("driver", "9p")), "filesystems[0].source", "its secrets");
        Add("filesystem source '..' to /root", Domain, (h, t) => OneFolder(ValidDomain(h, t), ("source", h.Files + "/../../../../root"),
            ("target", "s"), ("readOnly", true), ("driver", "9p")), "filesystems[0].source", "resolves to '/root'");
        Add("filesystem source / read-only", Domain, (h, t) => OneFolder(ValidDomain(h, t), ("source", "/"), ("target", "s"),
            ("readOnly", true), ("driver", "9p")), "filesystems[0].source", "its secrets");
        Add("filesystem source /var/lib/libvirt writable", Domain, (h, t) => OneFolder(ValidDomain(h, t),
            ("source", "/var/lib/libvirt"), ("target", "s")), "filesystems[0].source", "readOnly: true");
        Add("filesystem source /var writable", Domain, (h, t) => OneFolder(ValidDomain(h, t), ("source", "/var"), ("target", "s")),
            "filesystems[0].source", "/var/lib/libvirt");
        Add("filesystem driver unknown", Domain, (h, t) => OneFolder(ValidDomain(h, t), ("source", h.Files), ("target", "s"),
            ("driver", "nfs")), "filesystems[0].driver", "virtiofs or 9p");
        Add("filesystem virtiofs read-only", Domain, (h, t) => OneFolder(ValidDomain(h, t), ("source", h.Files), ("target", "s"),
            ("readOnly", true)), "filesystems[0].readOnly", "driver: 9p");
        Add("filesystem empty target", Domain, (h, t) => OneFolder(ValidDomain(h, t), ("source", h.Files), ("target", "")),
            "filesystems[0].target", "is empty");
        Add("two filesystems on one target", Domain, (h, t) => ValidDomain(h, t).With(("filesystems", Props.Array(
            Props.Object(("source", h.Files), ("target", "s")), Props.Object(("source", h.Files), ("target", "s"), ("driver", "9p"))))),
            "filesystems[1].target", "already the tag of filesystems[0]");
        foreach (var (type, valid) in new (string, Func<BadInputHost, string, ObjectValue>)[] { (Domain, ValidDomain), (Clone, ValidClone) })
        {
            Add("xslt not a stylesheet", type, (h, t) => valid(h, t).With(("xslt", "<domain/>")), "xslt", "not an XSLT 1.0 stylesheet");
            Add("xslt that is not XML", type, (h, t) => valid(h, t).With(("xslt", "{ watchdog: true }")), "xslt", "not an XSLT 1.0 stylesheet");
            Add("xslt that includes a host file", type, (h, t) => valid(h, t).With(("xslt", Stylesheet
                + "<xsl:include href='/etc/passwd'/></xsl:stylesheet>")), "xslt", "not an XSLT 1.0 stylesheet");
            Add("xslt with an external entity", type, (h, t) => valid(h, t).With(("xslt",
                "<!DOCTYPE x [<!ENTITY p SYSTEM 'file:///etc/passwd'>]>" + Stylesheet + "<xsl:template match='/'>&p;"
                + "</xsl:template></xsl:stylesheet>")), "xslt", "not an XSLT 1.0 stylesheet");
        }
        Add("xslt reading a host file with document()", Domain, (h, t) => ValidDomain(h, t).With(("xslt", AddingDevices(
            "<xsl:value-of select=\"document('/etc/passwd')\"/>"))), "xslt", "document()");
        Add("xslt making no domain", Domain, (h, t) => ValidDomain(h, t).With(("xslt", Stylesheet
            + "<xsl:template match='/'><network/></xsl:template></xsl:stylesheet>")), "xslt", "not a <domain>");
        Add("xslt whose result libvirt refuses", Domain, (h, t) => ValidDomain(h, t).With(("xslt", AddingDevices(
            "<watchdog model='no-such-model'/>"))), "xslt", "libvirt refuses");
    }
}
