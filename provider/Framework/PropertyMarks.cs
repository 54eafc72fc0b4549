namespace PulumiLibvirt.Framework;

/// <summary>
/// Where, inside a set of properties, values were unknown or secret. Typed records cannot carry these markers, so
/// the mapper records their property paths (<c>backingStore.volume</c>, <c>disks[0]</c>) when it decodes and puts
/// them back when it encodes.
/// </summary>
public sealed record PropertyMarks(IReadOnlySet<string> Unknown, IReadOnlySet<string> Secret)
{
    public static readonly PropertyMarks None = new(new HashSet<string>(), new HashSet<string>());

    /// <summary>True when nothing at, above or below <paramref name="path"/> is unknown.</summary>
    public bool IsKnown(string path) => !Unknown.Any(u => Related(u, path));

    public PropertyMarks Union(PropertyMarks other) =>
        new(Unknown.Union(other.Unknown).ToHashSet(), Secret.Union(other.Secret).ToHashSet());

    private static bool Related(string a, string b) => a == b || Contains(a, b) || Contains(b, a);

    private static bool Contains(string outer, string inner) =>
        inner.Length > outer.Length
        && inner.StartsWith(outer, StringComparison.Ordinal)
        && inner[outer.Length] is '.' or '[';
}
