namespace PulumiLibvirt.Framework;

/// <summary>A resource type as the protocol host sees it: Pulumi's lifecycle on property values.</summary>
public interface IResource
{
    /// <summary>The Pulumi type token, such as <c>libvirt:index:Volume</c>.</summary>
    string Token { get; }

    /// <summary>What the resource is for, for the schema.</summary>
    string? Description { get; }

    TypeShape Inputs { get; }

    /// <summary>The output properties: the inputs as applied, and what the resource adds to them.</summary>
    IReadOnlyList<PropertyShape> Outputs { get; }

    Task<CheckResult> CheckAsync(CheckRequest request, ResourceContext context);
    ResourceDiff Diff(DiffRequest request);
    Task<CreateResult> CreateAsync(CreateRequest request, ResourceContext context);

    /// <summary>The resource as it is now, or null when it no longer exists.</summary>
    Task<ReadResult?> ReadAsync(ReadRequest request, ResourceContext context);
    Task<ObjectValue> UpdateAsync(UpdateRequest request, ResourceContext context);
    Task DeleteAsync(DeleteRequest request, ResourceContext context);
}
