using System.ComponentModel;
using PulumiLibvirt.Framework;
using PulumiLibvirt.Libvirt;

namespace PulumiLibvirt.Resources;

[Description(
    "An emulated TPM (libvirt runs swtpm for it on the host). Its state (keys, sealed secrets) is the "
        + "machine's own, kept by libvirt under the machine's UUID and removed when the machine is deleted."
)]
public sealed record MachineTpmArgs
{
    [Description(
        "The TPM version: 2.0 (Windows 11 needs it) or 1.2. A change replaces the machine, whose TPM state "
            + "is lost with it."
    )]
    public string Version { get; init; } = "2.0";

    [Description("The interface the guest sees: tpm-crb (TPM 2.0 only) or tpm-tis.")]
    public string Model { get; init; } = "tpm-crb";
}

/// <summary>The rules of the 'tpm' input of a Domain and a Clone, and its mapping to libvirt's TPM device.</summary>
internal static class MachineTpm
{
    public static readonly IReadOnlyList<string> Versions = ["2.0", "1.2"];
    public static readonly IReadOnlyList<string> Models = ["tpm-crb", "tpm-tis"];

    /// <summary>What libvirt runs for an emulated TPM: swtpm, and swtpm_setup to make its state.</summary>
    public static readonly IReadOnlyList<string> Programs = ["swtpm", "swtpm_setup"];

    public static void Check(DomainCheck check, PropertyMarks marks, ICheckHost host, MachineTpmArgs? tpm)
    {
        if (tpm is null || !marks.IsKnown("tpm"))
            return;
        if (host.IsLocal && Programs.FirstOrDefault(p => !host.HasProgram(p)) is { } missing)
        {
            check.Fail(
                "tpm",
                $"'tpm' needs swtpm on the host, and {missing} is not installed; install it "
                    + "(`apt-get install swtpm swtpm-tools` on Debian, Ubuntu), or leave 'tpm' out."
            );
        }
        if (!Versions.Contains(tpm.Version))
        {
            check.Fail(
                "tpm.version",
                $"'tpm.version' {ObjectNames.Quote(tpm.Version)} is not a TPM version libvirt "
                    + "emulates; use 2.0 or 1.2."
            );
        }
        if (!Models.Contains(tpm.Model))
        {
            check.Fail(
                "tpm.model",
                $"'tpm.model' {ObjectNames.Quote(tpm.Model)} is not a TPM interface; use tpm-crb " + "or tpm-tis."
            );
        }
        else if (tpm is { Model: "tpm-crb", Version: "1.2" })
        {
            check.Fail(
                "tpm.model",
                "'tpm.model' tpm-crb is an interface of TPM 2.0 only; use tpm-tis for a TPM 1.2, "
                    + "or set 'tpm.version' to 2.0."
            );
        }
    }

    /// <summary>A TPM version change makes a new TPM, whose state cannot be carried over: the machine is new.</summary>
    public static bool ReplacesOnChange(MachineTpmArgs? olds, MachineTpmArgs? news) =>
        olds is not null && news is not null && olds.Version != news.Version;

    public static DomainTpm? Definition(MachineTpmArgs? tpm) =>
        tpm is null ? null : new DomainTpm(tpm.Model, tpm.Version);

    public static MachineTpmArgs? Read(DomainTpm? tpm) =>
        tpm is null ? null : new MachineTpmArgs { Model = tpm.Model, Version = tpm.Version };
}
