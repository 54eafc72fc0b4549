using PulumiLibvirt.Libvirt;

namespace PulumiLibvirt.Resources;

/// <summary>Check's judgement of a machine's <c>xslt</c>: it compiles, and libvirt takes what it makes.</summary>
internal static class DefinitionXsltCheck
{
    public const string Description =
        "An XSLT 1.0 stylesheet applied to the definition the provider makes, just "
        + "before it is defined: for what the provider does not model (a watchdog, sound, USB redirection…). It reads "
        + "only that definition: no scripts, document(), includes or DTDs. Check runs it and has libvirt validate the "
        + "result. A change redefines the machine in place. Refresh cannot read back what it changed: what the "
        + "provider models (memory, disks…) is read back as libvirt has it, so a stylesheet that changes those shows "
        + "a diff on every preview; keep it to what the provider does not model.";

    /// <summary>Why the stylesheet cannot be used: too long, or it does not compile; null when it can.</summary>
    public static string? Problem(string xslt) =>
        TextBound.Problem("xslt", xslt, TextBound.XsltBytes, "Keep it to the devices the provider does not model.")
        ?? DefinitionXslt.Problem(xslt);

    /// <summary>
    /// Why the Domain's <paramref name="inputs"/> (checked: disks with buses and targets) make, through their xslt,
    /// a definition libvirt refuses; null when it takes it, or when their disks are not there to describe. Without
    /// <paramref name="validate"/>, only whether the stylesheet compiles.
    /// </summary>
    public static string? DomainProblem(DomainArgs inputs, ICheckHost host, string owner, bool validate)
    {
        var problem = Problem(inputs.Xslt!);
        if (problem is not null || !validate)
            return problem;
        var files = new List<DiskFile>();
        foreach (var disk in inputs.Disks)
        {
            var volume = host.FindVolume(disk.Volume ?? disk.File!);
            if (volume is null && disk.Volume is not null)
                return null;
            files.Add(new DiskFile(volume?.Path ?? disk.File!, volume?.Format ?? "raw"));
        }
        // The MACs a create assigns are not drawn yet; libvirt makes up its own for the copy it validates.
        var macs = inputs.NetworkInterfaces.Select(n => n.Mac!).ToList();
        var definition = DomainMapping.Definition(inputs, null, macs, owner, files) with { Unfinished = new([], []) };
        try
        {
            return host.DefinitionProblem(definition.ToXml()) is { } refused
                ? $"libvirt refuses the definition the stylesheet makes: {refused}"
                : null;
        }
        catch (XsltProblemException e)
        {
            return e.Message;
        }
    }
}
