using System.Xml;
using System.Xml.Linq;
using System.Xml.Xsl;

namespace PulumiLibvirt.Libvirt;

/// <summary>A stylesheet that is not XSLT 1.0, reaches outside its input, or makes no domain XML.</summary>
public sealed class XsltProblemException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// A user's XSLT 1.0 stylesheet applied to a definition the provider made, just before it is defined: what the
/// provider does not model (a watchdog, sound, a second video head…). The stylesheet reads its input and nothing
/// else: no scripts, no document(), no xsl:include or xsl:import, no DTDs or external entities, so that a hostile
/// stylesheet cannot read the host's files into a definition.
/// </summary>
public static class DefinitionXslt
{
    /// <summary>The definition <paramref name="xml"/> as <paramref name="stylesheet"/> transforms it.</summary>
    /// <exception cref="XsltProblemException">
    /// The stylesheet does not compile, fails, or makes no domain XML.
    /// </exception>
    public static string Apply(string stylesheet, string xml)
    {
        var transform = Compile(stylesheet);
        var output = new StringWriter();
        try
        {
            using var input = XmlReader.Create(new StringReader(xml), Locked);
            using var writer = XmlWriter.Create(output, transform.OutputSettings);
            transform.Transform(input, null, writer, documentResolver: null);
        }
        catch (XsltException e)
        {
            throw new XsltProblemException($"the stylesheet failed on the definition: {e.Message}", e);
        }
        XElement result;
        try
        {
            result = XElement.Parse(output.ToString());
        }
        catch (XmlException e)
        {
            throw new XsltProblemException($"the stylesheet's result is not XML: {e.Message}", e);
        }
        if (result.Name != "domain")
            throw new XsltProblemException($"the stylesheet's result is a <{result.Name}>, not a <domain> definition.");
        return result.ToString(SaveOptions.DisableFormatting);
    }

    /// <summary>
    /// Why <paramref name="stylesheet"/> is not a stylesheet the provider applies, or null when it is one.
    /// </summary>
    public static string? Problem(string stylesheet)
    {
        try
        {
            Compile(stylesheet);
            return null;
        }
        catch (XsltProblemException e)
        {
            return e.Message;
        }
    }

    private static XslCompiledTransform Compile(string stylesheet)
    {
        var transform = new XslCompiledTransform();
        try
        {
            using var reader = XmlReader.Create(new StringReader(stylesheet), Locked);
            // No resolver: xsl:include and xsl:import find nothing.
            transform.Load(reader, new XsltSettings(enableDocumentFunction: false, enableScript: false), null);
        }
        catch (Exception e) when (e is XsltException or XmlException)
        {
            throw new XsltProblemException($"it is not an XSLT 1.0 stylesheet the provider applies: {e.Message}", e);
        }
        return transform;
    }

    /// <summary>DTDs are refused outright: an entity could name a host file.</summary>
    private static readonly XmlReaderSettings Locked = new()
    {
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
    };
}
