using PulumiLibvirt.Framework;
using PulumiLibvirt.Libvirt;

namespace PulumiLibvirt.Resources;

/// <summary>A Domain's TPM, Secure Boot, CPU, video and RNG inputs: checked, and read back.</summary>
internal static class DomainHardware
{
    /// <param name="type">The domain's hypervisor type when it is known and the host runs it; else null.</param>
    public static void Check(DomainCheck check, PropertyMarks marks, ICheckHost host, DomainArgs args, string? type)
    {
        MachineTpm.Check(check, marks, host, args.Tpm);
        DomainSecureBoot.Check(check, marks, host, args, type);
        MachineCpu.Check(check, marks, host, args.Cpu, type);
        DomainVideo.Check(check, marks, args.Video);
    }

    /// <summary>
    /// The inputs with these five as the definition has them, so that a change outside shows in the next preview.
    /// A CPU or video device libvirt adds by itself (a CPU model for q35 with SMM, a video device for graphics) to a
    /// domain whose inputs leave them out is its choice, not drift.
    /// </summary>
    public static DomainArgs Read(DomainArgs args, DomainDefinition definition) =>
        args with
        {
            Tpm = MachineTpm.Read(definition.Tpm),
            SecureBoot = definition.SecureBoot,
            Cpu = args.Cpu is null ? null : MachineCpu.Read(definition.Cpu),
            Video = args.Video is null ? null : VideoOf(definition),
            Rng = definition.Rng,
        };

    /// <summary>The video input that declares the definition's video; null for none or another model.</summary>
    public static DomainVideoArgs? VideoOf(DomainDefinition definition) =>
        definition.Video is { } model && DomainVideo.Models.Contains(model)
            ? new DomainVideoArgs { Model = model }
            : null;
}
