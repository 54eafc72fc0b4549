using System.ComponentModel;
using PulumiLibvirt.Framework;
using PulumiLibvirt.Libvirt;

namespace PulumiLibvirt.Resources;

[Description("A libvirt virtual machine (domain) that boots from declared volumes or files.")]
public sealed class Domain : LibvirtResource<DomainArgs, DomainState>
{
    public override string Token => "libvirt:index:Domain";

    protected override Task<Checked<DomainArgs>> CheckAsync(
        DomainArgs news,
        DomainArgs? olds,
        PropertyMarks marks,
        LibvirtContext context
    )
    {
        var own = new OwnDomain(context.Urn, olds?.Name);
        var check = new DomainCheck(context.CheckHost, marks, own, Token);
        check.Name(news.Name);
        var type = LibvirtNames.Of(news.Type);
        var usableType = marks.IsKnown("type") && check.HypervisorType(type, "type") ? type : null;
        check.Size(usableType, news.Memory, news.Vcpus);
        DomainHardware.Check(check, marks, context.CheckHost, news, usableType);
        var disks = check.Disks(news.Disks);
        check.NetworkInterfaces(news.NetworkInterfaces, news.Running);
        check.Boot(news);
        check.Console(news.Console);
        check.Graphics(news.Graphics);
        check.Description(news.Description);
        check.ShutdownTimeout(news.ShutdownTimeout);
        if (news.WaitForIp is { } wait && marks.IsKnown("waitForIp") && marks.IsKnown("networkInterfaces"))
            foreach (
                var (property, message) in AddressWait.Problems(
                    wait,
                    news.NetworkInterfaces.Count,
                    news.NetworkInterfaces.Any(n => n.Network is not null),
                    news.QemuAgent
                )
            )
                check.Fail(property, message);
        check.Failures.AddRange(HostReservationCheck.Domain(context.CheckHost, marks, own, news));
        check.Failures.AddRange(MachineFilesystems.Problems(news.Filesystems, context.CheckHost, marks));
        var inputs = news with
        {
            Disks = disks,
            NetworkInterfaces = news
                .NetworkInterfaces.Select(n => n.Mac is null ? n : n with { Mac = MacAddresses.Normalize(n.Mac) })
                .ToList(),
        };
        // libvirt judges the stylesheet's result only when the rest of the definition is known and sound.
        var validate = check.Failures.Count == 0 && marks.Unknown.Count == 0;
        if (
            news.Xslt is not null
            && marks.IsKnown("xslt")
            && DefinitionXsltCheck.DomainProblem(inputs, context.CheckHost, context.Urn, validate) is { } xsltProblem
        )
            check.Fail("xslt", $"'xslt': {xsltProblem}");
        return Task.FromResult(new Checked<DomainArgs>(inputs, check.Failures));
    }

    protected override bool RequiresReplacement(PropertyShape property, DomainArgs olds, DomainArgs news) =>
        base.RequiresReplacement(property, olds, news)
        || (property.Name == "tpm" && MachineTpm.ReplacesOnChange(olds.Tpm, news.Tpm));

    /// <summary>
    /// The replacement cannot run beside the old domain when it takes its name, one of its MACs (both machines on
    /// one network with one address), one of its writable disks (two machines writing one disk corrupt it) or its
    /// console log file, or a fixed address or hostname (libvirt keeps one DHCP entry per address and name).
    /// </summary>
    protected override bool DeleteBeforeReplace(Replacement<DomainArgs, DomainState> replacement)
    {
        var (olds, oldState, news) = (replacement.Olds, replacement.OldState, replacement.News);
        static IEnumerable<string?> WritableDisks(DomainArgs args) =>
            args.Disks.Where(d => d.Device == DiskDevice.Disk && !d.ReadOnly).Select(d => d.Volume ?? d.File);
        static string? ConsoleFile(DomainArgs args) =>
            args.Console is { Type: ConsoleType.File } console ? console.Path : null;
        return replacement.KeepsName
            || news.NetworkInterfaces.Any(n => n.Mac is { } mac && oldState.Macs.Contains(MacAddresses.Normalize(mac)))
            || WritableDisks(news).Intersect(WritableDisks(olds)).Any()
            || (ConsoleFile(news) is { } log && log == ConsoleFile(olds))
            || HostReservationCheck.Shared(
                olds.NetworkInterfaces.Select(n => (n.Ip, n.Hostname)),
                news.NetworkInterfaces.Select(n => (n.Ip, n.Hostname))
            );
    }

    protected override async Task<(string Id, DomainState State)> CreateAsync(DomainArgs inputs, LibvirtContext context)
    {
        var libvirt = context.Libvirt;
        await UnfinishedCreates.RemoveDomainsAsync(libvirt, context);
        new OwnDomain(context.Urn).EnsureNameFree(libvirt, inputs.Name!, Token);
        LibvirtDomain? domain = null;
        try
        {
            domain = libvirt.DefineDomain(DomainPlan.Create(inputs, DomainFacts.Read(inputs, libvirt), context.Urn));
            var made = domain;
            var (state, waitFailure) = await MachineCreate.FinishAsync(
                made,
                inputs.Autostart,
                inputs.Running,
                Hosts(inputs),
                inputs.WaitForIp,
                context,
                (definition, interfaces) => StateOf(made, definition, interfaces)
            );
            // A machine that runs but got no address in time is kept: recorded as made, not initialised.
            if (waitFailure is not null)
                throw new ResourceInitFailedException(state.Uuid, EncodeOutputs(inputs, state), waitFailure);
            return (state.Uuid, state);
        }
        catch (Exception failure) when (failure is not ResourceInitFailedException)
        {
            // A domain that cannot start, or whose create was cancelled or cut off, is not left behind the engine's
            // back.
            throw await UndoneAsync(failure, context, live => UnfinishedCreates.RemoveDomainsAsync(live, context));
        }
        finally
        {
            domain?.Dispose();
        }
    }

    protected override Task<(string Id, DomainArgs Inputs, DomainState State)?> ReadAsync(
        string id,
        DomainArgs? inputs,
        DomainState? oldState,
        LibvirtContext context
    )
    {
        using var domain = context.Libvirt.FindDomain(id);
        if (domain is null)
            return Task.FromResult<(string, DomainArgs, DomainState)?>(null);
        var definition = domain.Describe();
        OwnDomain.Claim(domain, definition, context.Urn);
        // What can drift outside Pulumi is read back into the inputs, so that the next preview proposes to undo it.
        var read = DomainHardware.Read(inputs ?? DomainMapping.Imported(definition, context.Libvirt), definition) with
        {
            Description = string.IsNullOrEmpty(definition.Description) ? null : definition.Description,
            Memory = (int)(definition.MemoryKiB / 1024),
            Vcpus = definition.Vcpus,
            Running = domain.IsActive,
            Autostart = domain.Autostart,
            Filesystems = MachineFilesystems.Inputs(definition.Filesystems),
        };
        var state = StateOf(
            domain,
            definition,
            MachineAddresses.Read(domain, definition, Hosts(read), read.WaitForIp?.Source ?? AddressSource.Any)
        );
        return Task.FromResult<(string, DomainArgs, DomainState)?>((state.Uuid, read, state));
    }

    protected override async Task<DomainState> UpdateAsync(
        string id,
        DomainArgs olds,
        DomainArgs news,
        DomainState state,
        LibvirtContext context
    )
    {
        var libvirt = context.Libvirt;
        using var domain = libvirt.FindDomain(id) ?? throw NoLongerExists(id);
        var changed = ChangedInputs(olds, news);
        var facts = DomainPlan.Redefines(changed)
            ? DomainFacts.Read(news, libvirt, new OwnDomain(context.Urn, news.Name))
            : null;
        var update = DomainPlan.Update(news, changed, state.Macs, domain.Uuid, context.Urn, facts);
        if (update.Redefinition is { } definition)
            await RedefineAsync(domain, definition, news, update.Redefined, context);
        if (update.SetsDescription)
            domain.SetDescription(news.Description);
        if (update.SetsAutostart)
            domain.Autostart = news.Autostart;
        var started = await DomainPower.ApplyAsync(domain, news.Running, news.ShutdownTimeout, context);
        var reading = await AddressWait.ReadAsync(
            domain,
            Hosts(news),
            news.WaitForIp,
            AddressWait.NeededOnUpdate(news.WaitForIp, news.Running, started, state.NetworkInterfaces),
            context
        );
        var updated = StateOf(domain, domain.Describe(), reading.Interfaces);
        if (reading.Failure is not null)
            throw new ResourceInitFailedException(id, EncodeOutputs(news, updated), reading.Failure);
        return updated;
    }

    /// <summary>
    /// Defines the domain anew and moves its fixed addresses; a running one sees the change at its next boot.
    /// </summary>
    private static async Task RedefineAsync(
        LibvirtDomain domain,
        DomainDefinition definition,
        DomainArgs news,
        IReadOnlyList<string> redefined,
        LibvirtContext context
    )
    {
        var libvirt = context.Libvirt;
        var reserved = domain.Describe().Reservations;
        using var made = libvirt.DefineDomain(definition);
        await HostReservations.ChangeAsync(
            libvirt,
            reserved,
            made.Describe().Reservations,
            news.Name!,
            domain.IsActive,
            context
        );
        if (domain.IsActive && news.Running)
        {
            await context.InfoAsync(
                $"Domain '{news.Name}' is running: the change to {string.Join(", ", redefined)} takes effect at its "
                    + "next boot."
            );
        }
    }

    protected override async Task DeleteAsync(string id, DomainArgs inputs, DomainState state, LibvirtContext context)
    {
        using var domain = context.Libvirt.FindDomain(id);
        var name = inputs.Name ?? state.Name;
        var plan = MachineDeletePlan.For(
            "Domain",
            name,
            MachineDeleteFacts.Read(domain),
            inputs.ShutdownTimeout,
            inputs.DeleteSnapshots,
            "a disk the program gives: it is deleted with its own Volume, if any"
        );
        await MachineDelete.ApplyAsync(plan, domain, name, context);
    }

    private static List<FixedHost> Hosts(DomainArgs inputs) =>
        inputs.NetworkInterfaces.Select(n => new FixedHost(n.Ip, n.Hostname)).ToList();

    /// <param name="definition">The domain's persistent definition, as just read.</param>
    /// <param name="interfaces">Its interfaces with their addresses (<see cref="MachineAddresses"/>).</param>
    private static DomainState StateOf(
        LibvirtDomain domain,
        DomainDefinition definition,
        IReadOnlyList<NetworkInterfaceState> interfaces
    ) =>
        new()
        {
            Uuid = domain.Uuid,
            Name = definition.Name,
            Macs = definition.Interfaces.Select(i => i.Mac ?? "").ToList(),
            State = LibvirtNames.Of(domain.State),
            NetworkInterfaces = interfaces,
            IpAddress = MachineAddresses.FirstIpv4(interfaces),
        };
}
