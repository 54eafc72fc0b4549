namespace PulumiLibvirt.Framework;

/// <summary>The kinds of change Pulumi's detailed diff knows.</summary>
public enum DiffKind
{
    Add,
    AddReplace,
    Delete,
    DeleteReplace,
    Update,
    UpdateReplace,
}

/// <summary>What changed between two sets of inputs, path by path, and whether that replaces the resource.</summary>
public sealed record ResourceDiff(IReadOnlyDictionary<string, DiffKind> Detailed, bool DeleteBeforeReplace)
{
    public bool HasChanges => Detailed.Count > 0;

    /// <summary>The top-level properties that changed.</summary>
    public IReadOnlyList<string> Changed => TopLevel(_ => true);

    /// <summary>The top-level properties whose change replaces the resource.</summary>
    public IReadOnlyList<string> Replaces =>
        TopLevel(k => k is DiffKind.AddReplace or DiffKind.DeleteReplace or DiffKind.UpdateReplace);

    private List<string> TopLevel(Func<DiffKind, bool> filter) =>
        Detailed
            .Where(d => filter(d.Value))
            .Select(d => PropertyDiff.TopLevel(d.Key))
            .Distinct()
            .Order(StringComparer.Ordinal)
            .ToList();
}

/// <summary>
/// Compares two sets of property values the way Pulumi shows a diff: down to the changed leaf
/// (<c>backingStore.volume</c>,
/// <c>disks[1]</c>), ignoring secret markers, treating unknown values as changes.
/// </summary>
public static class PropertyDiff
{
    /// <param name="replaces">Whether a change of this top-level property replaces the resource.</param>
    /// <param name="ignoreChanges">Property paths the program asked to ignore (Pulumi's ignoreChanges option).</param>
    public static Dictionary<string, DiffKind> Compare(
        ObjectValue olds,
        ObjectValue news,
        Func<string, bool> replaces,
        IReadOnlyCollection<string> ignoreChanges
    )
    {
        var changes = new Dictionary<string, DiffKind>();
        foreach (var key in olds.Properties.Keys.Union(news.Properties.Keys))
        {
            var replace = replaces(key);
            var leaves = new Dictionary<string, DiffKind>();
            CompareValues(key, olds[key], news[key], leaves);
            foreach (var (path, kind) in leaves)
            {
                if (
                    ignoreChanges.Any(ignored =>
                        path == ignored || path.StartsWith(ignored + ".") || path.StartsWith(ignored + "[")
                    )
                )
                    continue;
                changes[path] = replace ? WithReplace(kind) : kind;
            }
        }
        return changes;
    }

    public static string TopLevel(string path)
    {
        var end = path.IndexOfAny(['.', '[']);
        return end < 0 ? path : path[..end];
    }

    private static void CompareValues(
        string path,
        PropertyValue? old,
        PropertyValue? @new,
        Dictionary<string, DiffKind> changes
    )
    {
        old = old is null or NullValue ? null : old.WithoutSecrets();
        @new = @new is null or NullValue ? null : @new.WithoutSecrets();
        switch (old, @new)
        {
            case (null, null):
                return;
            case (null, _):
                changes[path] = DiffKind.Add;
                return;
            case (_, null):
                changes[path] = DiffKind.Delete;
                return;
            case (ObjectValue o, ObjectValue n):
                foreach (var key in o.Properties.Keys.Union(n.Properties.Keys))
                    CompareValues($"{path}.{key}", o[key], n[key], changes);
                return;
            case (ArrayValue o, ArrayValue n):
                for (var i = 0; i < Math.Max(o.Items.Length, n.Items.Length); i++)
                    CompareValues(
                        $"{path}[{i}]",
                        i < o.Items.Length ? o.Items[i] : null,
                        i < n.Items.Length ? n.Items[i] : null,
                        changes
                    );
                return;
            default:
                if (@new is UnknownValue || !old.Equals(@new))
                    changes[path] = DiffKind.Update;
                return;
        }
    }

    private static DiffKind WithReplace(DiffKind kind) =>
        kind switch
        {
            DiffKind.Add => DiffKind.AddReplace,
            DiffKind.Delete => DiffKind.DeleteReplace,
            DiffKind.Update => DiffKind.UpdateReplace,
            _ => kind,
        };
}
