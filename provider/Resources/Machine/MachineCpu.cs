using System.ComponentModel;
using PulumiLibvirt.Framework;
using PulumiLibvirt.Libvirt;

namespace PulumiLibvirt.Resources;

[Description("The CPU the guest sees.")]
public sealed record MachineCpuArgs
{
    [Description(
        "host-passthrough: the host's own CPU (nested virtualisation; needs KVM); host-model: a named model "
            + "close to the host's (needs KVM); maximum: every feature the hypervisor can give, the choice under "
            + "software "
            + "emulation; custom: the named 'model'."
    )]
    public required string Mode { get; init; }

    [Description(
        "For mode custom: a CPU model of the host's hypervisor (`virsh domcapabilities` lists them, e.g. "
            + "qemu64, Skylake-Client) that this host can run."
    )]
    public string? Model { get; init; }
}

/// <summary>The rules of the 'cpu' input of a Domain and a Clone, and its mapping to libvirt's CPU element.</summary>
internal static class MachineCpu
{
    public static readonly IReadOnlyList<string> Modes = ["host-passthrough", "host-model", "maximum", "custom"];

    /// <param name="type">The machine's hypervisor type (kvm, qemu) when known and the host runs it; else null.</param>
    public static void Check(DomainCheck check, PropertyMarks marks, ICheckHost host, MachineCpuArgs? cpu, string? type)
    {
        if (cpu is null || !marks.IsKnown("cpu"))
            return;
        if (!Modes.Contains(cpu.Mode))
        {
            check.Fail(
                "cpu.mode",
                $"'cpu.mode' {ObjectNames.Quote(cpu.Mode)} is not a CPU mode; use one of "
                    + $"{string.Join(", ", Modes)}."
            );
            return;
        }
        if (cpu.Mode == "custom" && cpu.Model is null)
            check.Fail("cpu.model", "'cpu.mode' custom needs 'cpu.model', the CPU model the guest sees (qemu64…).");
        else if (cpu.Mode != "custom" && cpu.Model is not null)
            check.Fail("cpu.model", "'cpu.model' is only used with 'cpu.mode' custom; remove it, or set the mode.");
        if (type is null)
            return;
        var needsKvm = cpu.Mode is "host-passthrough" or "host-model";
        if (needsKvm && (type != "kvm" || !host.DomainCapabilities("kvm").CpuModes.Contains(cpu.Mode)))
        {
            check.Fail(
                "cpu.mode",
                $"'cpu.mode' {cpu.Mode} needs KVM, and libvirt on {host.Uri} offers none to this "
                    + $"{type} machine{(type == "kvm" ? "" : " (software emulation)")}; use 'cpu.mode: maximum', which "
                    + "gives the guest every CPU feature the emulator has."
            );
        }
        else if (cpu is { Mode: "custom", Model: { } model })
        {
            var models = host.DomainCapabilities(type).CpuModels;
            var usableModels = string.Join(", ", models.Where(m => m.Value).Select(m => m.Key).Take(8));
            if (!models.TryGetValue(model, out var usable))
            {
                check.Fail(
                    "cpu.model",
                    $"'cpu.model' {ObjectNames.Quote(model)} is not a CPU model of {host.Uri}'s "
                        + $"{type} hypervisor; usable ones include {usableModels} (see `virsh domcapabilities`)."
                );
            }
            else if (!usable)
            {
                check.Fail(
                    "cpu.model",
                    $"'cpu.model' {model} is known to {host.Uri}'s {type} hypervisor but this "
                        + "host cannot run it (its CPU lacks features the model needs); choose a usable one (`virsh "
                        + $"domcapabilities`: {usableModels}…) or 'cpu.mode: maximum'."
                );
            }
        }
    }

    public static DomainCpu? Definition(MachineCpuArgs? cpu) => cpu is null ? null : new DomainCpu(cpu.Mode, cpu.Model);

    public static MachineCpuArgs? Read(DomainCpu? cpu) =>
        cpu is null ? null : new MachineCpuArgs { Mode = cpu.Mode, Model = cpu.Model };
}
