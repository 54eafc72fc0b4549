using System.ComponentModel;
using PulumiLibvirt.Framework;
using PulumiLibvirt.Guestfs;
using PulumiLibvirt.Libvirt;

namespace PulumiLibvirt.Resources;

[Description(
    "A virtual machine cloned from a shut-off template domain: a full copy of its disks, or overlays on them (a "
        + "linked clone), with a name, UUID, MACs, disks, NVRAM and logs of its own."
)]
public sealed class Clone : LibvirtResource<CloneArgs, CloneState>
{
    public override string Token => "libvirt:index:Clone";

    protected override async Task<Checked<CloneArgs>> CheckAsync(
        CloneArgs news,
        CloneArgs? olds,
        PropertyMarks marks,
        LibvirtContext context
    )
    {
        var host = context.CheckHost;
        var own = new OwnDomain(context.Urn, olds?.Name);
        var check = new DomainCheck(host, marks, own, Token);
        check.Name(news.Name);
        if (
            news.Pool is not null
            && marks.IsKnown("pool")
            && PoolAvailability.Problem(news.Pool, host) is { } poolProblem
        )
            check.Fail("pool", poolProblem);
        check.ShutdownTimeout(news.ShutdownTimeout);
        check.Description(news.Description);
        MachineTpm.Check(check, marks, host, news.Tpm);
        if (news.CloudInit is { } seed && marks.IsKnown("cloudInit"))
        {
            if (host.FindVolume(seed) is null)
                check.Fail(
                    "cloudInit",
                    $"'cloudInit': no volume with key or path '{seed}' exists on {host.Uri}. "
                        + "Give a CloudInit's key (its 'key' output)."
                );
        }
        if (news.Identity is { } identity && marks.IsKnown("identity"))
            await GuestIdentity.CheckAsync(
                identity,
                news.Name,
                context.Config.EffectiveUri,
                check,
                context.Cancellation
            );
        if (news.Filesystems is { } filesystems)
            check.Failures.AddRange(MachineFilesystems.Problems(filesystems, host, marks));
        if (news.Xslt is not null && marks.IsKnown("xslt") && DefinitionXsltCheck.Problem(news.Xslt) is { } xsltProblem)
            check.Fail("xslt", $"'xslt': {xsltProblem}");
        if (!marks.IsKnown("source"))
            return new Checked<CloneArgs>(news, check.Failures);

        var template = host.FindDomain(news.Source);
        if (template is null)
        {
            check.Fail(
                "source",
                $"No domain named '{news.Source}' (or with that UUID) exists on {host.Uri}. "
                    + "Name the template domain to clone."
            );
            return new Checked<CloneArgs>(news, check.Failures);
        }
        var usableType = check.HypervisorType(template.Type, "source", template.Name) ? template.Type : null;
        check.Size(usableType, news.Memory ?? (int)(template.MemoryKiB / 1024), news.Vcpus ?? template.Vcpus);
        MachineCpu.Check(check, marks, host, news.Cpu, usableType);
        CloneResetCheck.Check(check, marks, host, news, olds, template);

        var targets = new Dictionary<string, int>();
        for (var i = 0; i < news.Disks.Count; i++)
        {
            var (disk, path) = (news.Disks[i], $"disks[{i}].target");
            if (!marks.IsKnown($"disks[{i}]"))
                continue;
            var sourceDisk = template.Disks.FirstOrDefault(d => d.Target == disk.Target);
            var sharesWritable =
                disk.Mode == CloneDiskMode.Share && sourceDisk is not null && !CloneDisks.IsSharedByDefault(sourceDisk);
            if (sourceDisk is null)
                check.Fail(
                    path,
                    $"'{path}': the source '{template.Name}' has no disk {disk.Target}; its disks are "
                        + $"{string.Join(", ", template.Disks.Select(d => d.Target))}."
                );
            else if (!targets.TryAdd(disk.Target, i))
                check.Fail(path, $"'{path}': disks[{targets[disk.Target]}] already names {disk.Target}.");
            else if (sharesWritable && news.Identity is not null)
                check.Fail(
                    $"disks[{i}].mode",
                    $"Disk {disk.Target} is shared with the source, and 'identity' would change it for both "
                        + "machines. Clone it (full or linked), skip it, or leave 'identity' out."
                );
            else if (sharesWritable)
                await context.WarnAsync(
                    $"Disk {disk.Target} of '{template.Name}' is writable and shared with the clone: never run both "
                        + "machines at once, or the disk is corrupted."
                );
        }

        if (news.Macs is { } macs && marks.IsKnown("macs"))
        {
            if (macs.Count != template.Interfaces.Count)
                check.Fail(
                    "macs",
                    $"'macs' has {macs.Count} addresses but the source '{template.Name}' has "
                        + $"{template.Interfaces.Count} network interfaces; give one per interface, or leave 'macs' "
                        + "out."
                );
            check.Macs(macs.Select((mac, i) => ($"macs[{i}]", mac)).ToList());
        }
        if (news.WaitForIp is { } wait && marks.IsKnown("waitForIp"))
            foreach (
                var (property, message) in AddressWait.Problems(
                    wait,
                    template.Interfaces.Count,
                    template.Interfaces.Any(n => n.Network is not null),
                    template.QemuAgent
                )
            )
                check.Fail(property, message);
        check.Failures.AddRange(HostReservationCheck.Clone(host, marks, own, news, template));
        var inputs = news.Macs is null ? news : news with { Macs = news.Macs.Select(MacAddresses.Normalize).ToList() };
        return new Checked<CloneArgs>(inputs, check.Failures);
    }

    protected override bool RequiresReplacement(PropertyShape property, CloneArgs olds, CloneArgs news) =>
        base.RequiresReplacement(property, olds, news)
        || (property.Name == "tpm" && MachineTpm.ReplacesOnChange(olds.Tpm, news.Tpm));

    /// <summary>
    /// The replacement cannot exist beside the old clone when it takes its name (and so its volumes' names), one of
    /// its MACs, a fixed address or hostname, or shares a writable disk of the source with it.
    /// </summary>
    protected override bool DeleteBeforeReplace(Replacement<CloneArgs, CloneState> replacement) =>
        replacement.KeepsName
        || (replacement.News.Macs ?? []).Intersect(replacement.OldState.Macs).Any()
        || SharedTargets(replacement.News).Intersect(SharedTargets(replacement.Olds)).Any()
        || HostReservationCheck.Shared(
            replacement.Olds.NetworkInterfaces.Select(n => (n.Ip, n.Hostname)),
            replacement.News.NetworkInterfaces.Select(n => (n.Ip, n.Hostname))
        );

    private static IEnumerable<string> SharedTargets(CloneArgs args) =>
        args.Disks.Where(d => d.Mode == CloneDiskMode.Share).Select(d => d.Target);

    protected override async Task<(string Id, CloneState State)> CreateAsync(CloneArgs inputs, LibvirtContext context)
    {
        var libvirt = context.Libvirt;
        await UnfinishedCreates.RemoveDomainsAsync(libvirt, context);
        ClonePlan plan;
        using (
            var source = libvirt.FindDomain(inputs.Source)
                ?? throw new ProviderException(
                    ErrorKind.NotFound,
                    $"The source domain '{inputs.Source}' does not exist on {libvirt.Uri}."
                )
        )
        {
            plan = ClonePlan.For(
                inputs,
                CloneFacts.Read(libvirt, source, inputs),
                Guid.NewGuid().ToString(),
                context.Urn
            );
        }
        new OwnDomain(context.Urn).EnsureNameFree(libvirt, plan.Name, Token);
        EnsureVolumesFree(libvirt, plan);
        LibvirtDomain? domain = null;
        try
        {
            domain = libvirt.DefinePlaceholder(plan.Placeholder);
            var made = await MakeDisksAsync(plan, context);
            if (plan.Nvram is not null)
                CloneDisks.CopyNvram(libvirt, plan.Facts.Template, plan.Nvram);
            var identity = inputs.Identity is null
                ? null
                : await GuestIdentity.ApplyAsync(
                    inputs.Identity,
                    plan.Name,
                    made.Values.Select(d => new SysprepDisk(d.Path, d.Format)).ToList(),
                    context
                );
            domain.Dispose();
            domain = null;
            domain = libvirt.DefineClone(plan.Facts.TemplateXml, plan.Changes(made));
            return await FinishAsync(domain, inputs, plan, identity, context);
        }
        catch (Exception failure) when (failure is not ResourceInitFailedException)
        {
            throw await UndoneAsync(failure, context, live => UnfinishedCreates.RemoveDomainsAsync(live, context));
        }
        finally
        {
            domain?.Dispose();
        }
    }

    /// <summary>
    /// The mark lists the plan's volumes for removal: one of those names that is already there is another's, so
    /// nothing starts.
    /// </summary>
    private void EnsureVolumesFree(Connection libvirt, ClonePlan plan)
    {
        foreach (var target in plan.Unfinished.Volumes)
        {
            using var pool = libvirt.LookupPool(target.Pool);
            using var existing = pool.FindVolume(target.Name);
            if (existing is not null)
            {
                throw new ProviderException(
                    ErrorKind.FailedPrecondition,
                    NameTaken.Reason(
                        "volume",
                        target.Name,
                        $"in pool '{target.Pool}' ({existing.Path})",
                        Token,
                        existing.Key
                    )
                );
            }
        }
    }

    /// <summary>
    /// Copies or links each of the clone's own disks, in the source's order; a cancel stops between disks.
    /// </summary>
    private static async Task<Dictionary<string, ClonedDisk>> MakeDisksAsync(ClonePlan plan, LibvirtContext context)
    {
        var made = new Dictionary<string, ClonedDisk>();
        foreach (var disk in plan.OwnDisks)
        {
            context.Cancellation.ThrowIfCancellationRequested();
            var doing = disk.Mode == CloneDiskMode.Full ? "copying" : "linking";
            await context.InfoAsync(
                $"Clone '{plan.Name}': {doing} disk {disk.Disk.Target} of '{plan.Facts.Template.Name}'."
            );
            made[disk.Disk.Target] = CloneDisks.Make(context.Libvirt, disk);
        }
        return made;
    }

    /// <summary>Records the fixed addresses, then autostart, the first start and the wait for addresses.</summary>
    private static async Task<(string Id, CloneState State)> FinishAsync(
        LibvirtDomain domain,
        CloneArgs inputs,
        ClonePlan plan,
        AppliedIdentity? identity,
        LibvirtContext context
    )
    {
        HostReservations.Record(domain, inputs.NetworkInterfaces);
        var (state, waitFailure) = await MachineCreate.FinishAsync(
            domain,
            inputs.Autostart,
            inputs.Running,
            Hosts(inputs),
            inputs.WaitForIp,
            context,
            (definition, interfaces) =>
                StateOf(inputs, domain, definition, plan.Facts.SourceUuid, identity, interfaces, context.Libvirt)
        );
        // The clone is whole: it is recorded, not removed, and the next `pulumi up` waits again.
        if (waitFailure is not null)
            throw new ResourceInitFailedException(state.Uuid, EncodeOutputs(inputs, state), waitFailure);
        return (state.Uuid, state);
    }

    protected override Task<(string Id, CloneArgs Inputs, CloneState State)?> ReadAsync(
        string id,
        CloneArgs? inputs,
        CloneState? oldState,
        LibvirtContext context
    )
    {
        var libvirt = context.Libvirt;
        var (cloneId, sourceHint) = id.Split('/', 2) is [var c, var s] ? (c, s) : (id, null);
        using var domain = libvirt.FindDomain(cloneId);
        if (domain is null)
            return Task.FromResult<(string, CloneArgs, CloneState)?>(null);
        var definition = domain.Describe();
        OwnDomain.Claim(domain, definition, context.Urn);
        // On import the source is the one the provider noted, the one named after '/', or the domain whose disks the
        // clone's overlays are on.
        var read = inputs ?? CloneImport.Inputs(definition, definition.ClonedFrom ?? sourceHint, libvirt);
        using var source = libvirt.FindDomain(definition.ClonedFrom ?? read.Source);
        var template = source?.Describe();
        // What can drift outside Pulumi is read back. A value the program leaves to the source stays left to it while
        // it is still the source's (or the source is gone and cannot say); one changed outside becomes the value read.
        bool LeftToSource(object? given, object? live, Func<DomainDefinition, object?> ofSource) =>
            given is null && (template is null || Equals(live, ofSource(template)));
        var (description, memory) = (definition.Description ?? "", (int)(definition.MemoryKiB / 1024));
        read = read with
        {
            Description = LeftToSource(read.Description, description, t => t.Description ?? "") ? null : description,
            Memory = LeftToSource(read.Memory, memory, t => (int)(t.MemoryKiB / 1024)) ? null : memory,
            Vcpus = LeftToSource(read.Vcpus, definition.Vcpus, t => t.Vcpus) ? null : definition.Vcpus,
            Running = domain.IsActive,
            Autostart = domain.Autostart,
            Tpm = LeftToSource(read.Tpm, definition.Tpm, t => t.Tpm) ? null : MachineTpm.Read(definition.Tpm),
            Cpu = LeftToSource(read.Cpu, definition.Cpu, t => t.Cpu) ? null : MachineCpu.Read(definition.Cpu),
            Filesystems = CloneFilesystems.Read(read.Filesystems, definition, template),
        };
        var interfaces = MachineAddresses.Read(
            domain,
            definition,
            Hosts(read),
            read.WaitForIp?.Source ?? AddressSource.Any
        );
        var state = StateOf(
            read,
            domain,
            definition,
            definition.ClonedFrom ?? source?.Uuid ?? "",
            oldState?.Identity,
            interfaces,
            libvirt
        );
        return Task.FromResult<(string, CloneArgs, CloneState)?>((state.Uuid, read, state));
    }

    protected override async Task<CloneState> UpdateAsync(
        string id,
        CloneArgs olds,
        CloneArgs news,
        CloneState state,
        LibvirtContext context
    )
    {
        var libvirt = context.Libvirt;
        using var domain = libvirt.FindDomain(id) ?? throw NoLongerExists(id);
        var (identity, resetStarted) = CloneResetPlan.Wanted(olds, news)
            ? await CloneReset.RunAsync(domain, news, context)
            : (state.Identity, false);
        var changed = ChangedInputs(olds, news);
        if (changed.Contains("memory") || changed.Contains("vcpus"))
        {
            // A size no longer given goes back to the source's.
            DomainDefinition? template = null;
            if (news.Memory is null || news.Vcpus is null)
            {
                using var source = libvirt.FindDomain(news.Source)
                    ?? throw new ProviderException(
                        ErrorKind.NotFound,
                        $"The source '{news.Source}' is gone, so the clone cannot take its memory or vCPUs; give "
                            + "'memory' and 'vcpus'."
                    );
                template = source.Describe();
            }
            libvirt.Resize(domain, (ulong?)news.Memory * 1024 ?? template!.MemoryKiB, news.Vcpus ?? template!.Vcpus);
            if (domain.IsActive && news.Running)
                await context.InfoAsync(
                    $"Clone '{news.Name}' is running: the new memory and vCPUs take effect at its next boot."
                );
        }
        if (changed.Contains("tpm") || changed.Contains("cpu"))
            await CloneHardware.UpdateAsync(libvirt, domain, news, context);
        if (changed.Contains("filesystems"))
            await CloneFilesystems.UpdateAsync(domain, news, context);
        if (changed.Contains("description"))
            domain.SetDescription(news.Description);
        if (changed.Contains("autostart"))
            domain.Autostart = news.Autostart;
        if (changed.Contains("networkInterfaces"))
            await HostReservations.ChangeAsync(
                libvirt,
                HostReservations.Record(domain, news.NetworkInterfaces),
                domain.Describe().Reservations,
                news.Name!,
                domain.IsActive,
                context
            );
        var started = await DomainPower.ApplyAsync(domain, news.Running, news.ShutdownTimeout, context);
        var reading = await AddressWait.ReadAsync(
            domain,
            Hosts(news),
            news.WaitForIp,
            AddressWait.NeededOnUpdate(news.WaitForIp, news.Running, started || resetStarted, state.NetworkInterfaces),
            context
        );
        var updated = StateOf(news, domain, domain.Describe(), state.SourceUuid, identity, reading.Interfaces, libvirt);
        if (reading.Failure is not null)
            throw new ResourceInitFailedException(id, EncodeOutputs(news, updated), reading.Failure);
        return updated;
    }

    protected override async Task DeleteAsync(string id, CloneArgs inputs, CloneState state, LibvirtContext context)
    {
        using var domain = context.Libvirt.FindDomain(id);
        var name = inputs.Name ?? state.Name;
        var disks = CloneDeleteDisks.Read(context.Libvirt, state, name);
        var facts = MachineDeleteFacts.Read(domain) with { Disks = disks };
        var plan = MachineDeletePlan.For(
            "Clone",
            name,
            facts,
            inputs.ShutdownTimeout,
            inputs.DeleteSnapshots,
            $"shared with the source '{inputs.Source}'"
        );
        await MachineDelete.ApplyAsync(plan, domain, name, context);
    }

    private static List<FixedHost> Hosts(CloneArgs inputs) =>
        inputs.NetworkInterfaces.Select(n => new FixedHost(n.Ip, n.Hostname)).ToList();

    /// <param name="definition">The clone's persistent definition, as just read.</param>
    /// <param name="interfaces">Its interfaces with their addresses (<see cref="MachineAddresses"/>).</param>
    private static CloneState StateOf(
        CloneArgs inputs,
        LibvirtDomain domain,
        DomainDefinition definition,
        string sourceUuid,
        AppliedIdentity? identity,
        IReadOnlyList<NetworkInterfaceState> interfaces,
        Connection libvirt
    ) =>
        new()
        {
            Uuid = domain.Uuid,
            Name = definition.Name,
            SourceUuid = sourceUuid,
            Macs = definition.Interfaces.Select(i => i.Mac ?? "").ToList(),
            Memory = (int)(definition.MemoryKiB / 1024),
            Vcpus = definition.Vcpus,
            Volumes = definition
                .Disks.Where(d => d.Path is not null)
                .Select(d => CloneDisks.Describe(d, CloneDisks.ModeOf(d, inputs), libvirt))
                .ToList(),
            State = LibvirtNames.Of(domain.State),
            Identity = identity,
            NetworkInterfaces = interfaces,
            IpAddress = MachineAddresses.FirstIpv4(interfaces),
        };
}
