using System.ComponentModel;
using System.Globalization;
using PulumiLibvirt.Framework;
using PulumiLibvirt.Libvirt;

namespace PulumiLibvirt.Resources;

[Description(
    "An internal snapshot of a Domain or Clone (every writable disk qcow2): deleting it never touches the machine, "
        + "and a change of 'restoreOn' reverts the machine to it. Reverting a base whose disks back other volumes or "
        + "clones is refused. The id is domain-UUID/name; import takes domain/name (name or UUID of the domain)."
)]
public sealed class Snapshot : LibvirtResource<SnapshotArgs, SnapshotState>
{
    public override string Token => "libvirt:index:Snapshot";

    protected override Task<Checked<SnapshotArgs>> CheckAsync(
        SnapshotArgs news,
        SnapshotArgs? olds,
        PropertyMarks marks,
        LibvirtContext context
    ) => Task.FromResult(SnapshotCheck.Run(news, olds, marks, context.CheckHost));

    protected override async Task<(string Id, SnapshotState State)> CreateAsync(
        SnapshotArgs inputs,
        LibvirtContext context
    )
    {
        var libvirt = context.Libvirt;
        using var domain = libvirt.FindDomain(inputs.Domain)
            ?? throw new ProviderException(
                ErrorKind.FailedPrecondition,
                $"Domain '{inputs.Domain}' does not exist on {libvirt.Uri}."
            );
        var definition = domain.Describe(persistent: !domain.IsActive);
        var refusal = SnapshotCheck.Unsupported(definition)
            ?? (inputs.Memory ? SnapshotCheck.MemoryRefusal(context.CheckHost, definition, domain.IsActive) : null);
        if (refusal is not null)
            throw new ProviderException(ErrorKind.FailedPrecondition, refusal);
        using (var existing = domain.FindSnapshot(inputs.Name!))
        {
            if (existing is not null)
                throw new ProviderException(
                    ErrorKind.FailedPrecondition,
                    $"Domain '{definition.Name}' already has a snapshot named '{inputs.Name}'."
                );
        }
        using var snapshot = domain.TakeSnapshot(inputs.Name!, inputs.Description, inputs.Memory && domain.IsActive);
        var state = StateOf(snapshot.Describe());
        await context.InfoAsync(
            $"Snapshot '{state.Name}' of domain '{definition.Name}' taken ({state.State}; disks "
                + $"{string.Join(", ", state.Disks)})."
        );
        return (IdOf(domain.Uuid, state.Name), state);
    }

    protected override Task<(string Id, SnapshotArgs Inputs, SnapshotState State)?> ReadAsync(
        string id,
        SnapshotArgs? inputs,
        SnapshotState? oldState,
        LibvirtContext context
    )
    {
        var (domainName, name) = Parse(id);
        using var domain = context.Libvirt.FindDomain(domainName);
        using var snapshot = domain?.FindSnapshot(name);
        if (domain is null || snapshot is null)
            return Task.FromResult<(string, SnapshotArgs, SnapshotState)?>(null);
        var described = snapshot.Describe();
        // On import the inputs are what the snapshot holds; 'restoreOn' stays unset, so that the next up reverts
        // nothing.
        var read = (
            inputs
            ?? new SnapshotArgs
            {
                Domain = domainName,
                Name = described.Name,
                Memory = described.Memory,
            }
        ) with
        {
            Description = described.Description,
        };
        return Task.FromResult<(string, SnapshotArgs, SnapshotState)?>(
            (IdOf(domain.Uuid, described.Name), read, StateOf(described))
        );
    }

    protected override async Task<SnapshotState> UpdateAsync(
        string id,
        SnapshotArgs olds,
        SnapshotArgs news,
        SnapshotState state,
        LibvirtContext context
    )
    {
        var libvirt = context.Libvirt;
        var (domainName, name) = Parse(id);
        using var domain = libvirt.FindDomain(domainName) ?? throw NoLongerExists(id);
        using var snapshot = domain.FindSnapshot(name) ?? throw NoLongerExists(id);
        if (olds.Description != news.Description)
        {
            // Redefining a snapshot's XML keeps its data: only the description changes.
            domain.RedescribeSnapshot(snapshot, news.Description);
        }
        if (olds.RestoreOn == news.RestoreOn)
            return StateOf(snapshot.Describe());
        var definition = domain.Describe(persistent: !domain.IsActive);
        if (SnapshotCheck.RevertRefusal(context.CheckHost, definition) is { } refusal)
            throw new ProviderException(ErrorKind.FailedPrecondition, refusal);
        var wasRunning = domain.IsActive;
        var described = snapshot.Describe();
        // A running machine comes back running: from the saved memory when there is one, else booted from the disks.
        // A Cancel stops the revert only before it begins: see SnapshotRevert.
        await SnapshotRevert.RunAsync(
            $"Domain '{definition.Name}' to snapshot '{name}'",
            () => snapshot.Revert(running: wasRunning),
            context
        );
        var discarded = wasRunning
            ? "the disks' changes and the running guest's memory since then"
            : "the disks' changes since then";
        var how =
            !domain.IsActive ? ""
            : described.Memory ? ", resumed from the snapshot's memory"
            : ", booted afresh from the snapshot's disks";
        await context.InfoAsync(
            string.Create(
                CultureInfo.InvariantCulture,
                $"Domain '{definition.Name}' reverted to snapshot '{name}' of {described.CreatedAt:u}: "
                    + $"discarded {discarded}; it is {domain.State.ToString().ToLowerInvariant()}{how}."
            )
        );
        return StateOf(described);
    }

    protected override Task DeleteAsync(string id, SnapshotArgs inputs, SnapshotState state, LibvirtContext context)
    {
        var (domainName, name) = Parse(id);
        using var domain = context.Libvirt.FindDomain(domainName);
        using var snapshot = domain?.FindSnapshot(name);
        snapshot?.Delete();
        return Task.CompletedTask;
    }

    private static string IdOf(string domainUuid, string name) => $"{domainUuid}/{name}";

    private static (string Domain, string Name) Parse(string id)
    {
        var slash = id.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0 || slash == id.Length - 1)
            throw new ProviderException(
                ErrorKind.InvalidArgument,
                $"'{id}' is not a snapshot id: give domain/name, the domain by name or UUID."
            );
        return (id[..slash], id[(slash + 1)..]);
    }

    private static SnapshotState StateOf(SnapshotDescription snapshot) =>
        new()
        {
            Name = snapshot.Name,
            CreatedAt = snapshot.CreatedAt.UtcDateTime.ToString(
                "yyyy-MM-dd'T'HH:mm:ss'Z'",
                CultureInfo.InvariantCulture
            ),
            State = snapshot.State,
            Disks = snapshot.Disks,
        };
}
