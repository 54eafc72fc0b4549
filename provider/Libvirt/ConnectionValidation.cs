using System.Xml.Linq;

namespace PulumiLibvirt.Libvirt;

/// <summary>Asking libvirt whether it would take a definition, without keeping one.</summary>
public sealed partial class Connection
{
    /// <summary>
    /// libvirt's reason for refusing the domain definition <paramref name="xml"/>, or null when it takes it.
    /// libvirt has no validate-only call, and its checks (the schema, then the hypervisor's own rules) run only on a
    /// define; so a copy under a throwaway name and UUID is defined with VALIDATE and undefined at once, never
    /// started. Its owner mark stays: were the provider to die in between, the next create of that resource removes
    /// it as an unfinished one.
    /// </summary>
    public string? DefinitionProblem(string xml)
    {
        var domain = XElement.Parse(xml);
        domain.SetElementValue("name", $"pulumi-check-{Guid.NewGuid():N}");
        domain.SetElementValue("uuid", Guid.NewGuid().ToString());
        LibvirtDomain scratch;
        try
        {
            scratch = Define(domain.ToString(SaveOptions.DisableFormatting), Native.VIR_DOMAIN_DEFINE_VALIDATE);
        }
        catch (LibvirtException e)
        {
            return e.Message;
        }
        using (scratch)
            scratch.Undefine();
        return null;
    }
}
