namespace PulumiLibvirt.Framework;

// The requests a resource answers, in property values: the protocol host builds them from Pulumi's messages, so
// resources never see protobuf. Old inputs are null when the engine did not send them.

public enum AutonamingMode
{
    Propose,
    Enforce,
    Disable,
}

/// <summary>The engine's naming proposal for a resource (Pulumi's autonaming configuration).</summary>
public sealed record Autonaming(string ProposedName, AutonamingMode Mode);

public sealed record CheckRequest(
    string Urn,
    string Name,
    ObjectValue? Olds,
    ObjectValue News,
    byte[] RandomSeed,
    Autonaming? Autonaming = null
);

public sealed record CheckResult(ObjectValue Inputs, IReadOnlyList<CheckFailure> Failures);

public sealed record DiffRequest(
    string Id,
    string Urn,
    ObjectValue OldOutputs,
    ObjectValue? OldInputs,
    ObjectValue News,
    IReadOnlyList<string> IgnoreChanges
);

public sealed record CreateRequest(string Urn, ObjectValue Inputs, bool Preview);

public sealed record CreateResult(string Id, ObjectValue Outputs);

/// <summary>Refresh (old outputs and inputs given) or import (only the id).</summary>
public sealed record ReadRequest(string Id, string Urn, ObjectValue? OldOutputs, ObjectValue? OldInputs);

/// <summary>A resource that exists, as read (a resource that is gone has no result at all).</summary>
public sealed record ReadResult(string Id, ObjectValue Outputs, ObjectValue Inputs);

public sealed record UpdateRequest(
    string Id,
    string Urn,
    ObjectValue OldOutputs,
    ObjectValue? OldInputs,
    ObjectValue News,
    bool Preview,
    IReadOnlyList<string> IgnoreChanges
);

public sealed record DeleteRequest(string Id, string Urn, ObjectValue OldOutputs, ObjectValue? OldInputs);
