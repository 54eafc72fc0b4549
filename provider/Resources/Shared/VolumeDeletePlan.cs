namespace PulumiLibvirt.Resources;

/// <summary>
/// What deleting a Volume's or a CloudInit's volume will do, computed from who uses it alone: delete it, refuse while
/// something needs it (<see cref="Refusal"/>), or nothing for a volume already gone.
/// </summary>
/// <param name="Path">The volume's file; null when it is gone.</param>
internal sealed record VolumeDeletePlan(string? Path, string? Refusal)
{
    public bool Deletes => Path is not null && Refusal is null;

    /// <param name="users">Who uses the volume; null when it no longer exists.</param>
    public static VolumeDeletePlan For(VolumeUsers? users) =>
        users is null ? new VolumeDeletePlan(null, null) : new VolumeDeletePlan(users.Path, VolumeUsage.Problem(users));
}
