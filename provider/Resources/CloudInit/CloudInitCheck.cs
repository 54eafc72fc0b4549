using System.Text.RegularExpressions;
using PulumiLibvirt.Framework;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace PulumiLibvirt.Resources;

/// <summary>
/// Validates a seed's inputs and names it, collecting every failure with the property it names. Values still unknown
/// (a preview) are skipped. Messages about user-data never quote it: it is secret.
/// </summary>
internal sealed partial class CloudInitCheck(PropertyMarks marks, LibvirtContext context)
{
    /// <summary>
    /// The first lines cloud-init recognises a user-data part by (a MIME archive starts with its headers).
    /// </summary>
    private static readonly string[] UserDataStarts =
    [
        "#cloud-config",
        "#!",
        "#include",
        "#cloud-boothook",
        "#part-handler",
        "#cloud-config-archive",
        "#cloud-config-jsonp",
        "## template: jinja",
        "Content-Type:",
        "MIME-Version:",
    ];

    /// <summary>The inputs the content is made of: the default name waits until all are known.</summary>
    private static readonly string[] ContentProperties =
    [
        "userData",
        "metaData",
        "instanceId",
        "hostname",
        "networkConfig",
    ];

    private readonly List<CheckFailure> _failures = [];

    private void Fail(string property, string reason) => _failures.Add(new CheckFailure(property, reason));

    public async Task<Checked<CloudInitArgs>> RunAsync(CloudInitArgs news, string resourceName)
    {
        if (news.Name is { } name && marks.IsKnown("name") && ObjectNames.VolumeProblem(name) is { } nameProblem)
            Fail("name", nameProblem);
        if (marks.IsKnown("pool") && PoolAvailability.Problem(news.Pool, context.CheckHost) is { } poolProblem)
            Fail("pool", poolProblem);
        foreach (
            var shortcut in new[] { ("instanceId", news.InstanceId), ("hostname", news.Hostname) }.Where(s =>
                s.Item2 is not null
            )
        )
        {
            if (news.MetaData is not null)
                Fail(
                    "metaData",
                    $"Give either 'metaData' or '{shortcut.Item1}' (which builds the meta-data), not both: put the "
                        + $"{shortcut.Item1} into 'metaData', or remove 'metaData'."
                );
        }
        if (marks.IsKnown("instanceId") && news.InstanceId is { } instanceId && !InstanceIdForm().IsMatch(instanceId))
            Fail(
                "instanceId",
                $"'instanceId' \"{instanceId}\" must be letters, digits, '.', '_' and '-' (starting with a letter or "
                    + "digit), at most 64: it is written into YAML unquoted."
            );
        if (marks.IsKnown("hostname") && news.Hostname is { } hostname && !HostnameForm().IsMatch(hostname))
            Fail(
                "hostname",
                $"'hostname' \"{hostname}\" is not a host name: labels of letters, digits and '-' separated by '.', "
                    + "each at most 63 characters."
            );
        // A text too long is not parsed: its size is the one failure it gets.
        if (
            marks.IsKnown("metaData")
            && news.MetaData is { } metaData
            && WithinBound("metaData", metaData, TextBound.SeedFileBytes)
        )
            Yaml("metaData", metaData, mapping: true);
        if (
            marks.IsKnown("networkConfig")
            && !string.IsNullOrEmpty(news.NetworkConfig)
            && WithinBound("networkConfig", news.NetworkConfig, TextBound.SeedFileBytes)
            && Yaml("networkConfig", news.NetworkConfig, mapping: true) is YamlMappingNode networkConfig
        )
            NetworkConfigVersion(networkConfig);
        if (
            marks.IsKnown("userData")
            && news.UserData is { Length: > 0 } userData
            && WithinBound("userData", userData, TextBound.UserDataBytes)
        )
            await UserDataAsync(userData);

        var contentKnown = ContentProperties.All(marks.IsKnown);
        var named =
            news.Name is null && contentKnown ? news with { Name = CloudInit.DefaultName(resourceName, news) } : news;
        return new Checked<CloudInitArgs>(named, _failures);
    }

    private bool WithinBound(string property, string text, int maxBytes)
    {
        const string Fix = "Keep large files out of the seed: put them on a Volume, or fetch them from the guest.";
        if (TextBound.Problem(property, text, maxBytes, Fix) is not { } problem)
            return true;
        Fail(property, problem);
        return false;
    }

    private async Task UserDataAsync(string userData)
    {
        if (
            userData.StartsWith("#cloud-config\n", StringComparison.Ordinal)
            || userData.StartsWith("#cloud-config\r\n", StringComparison.Ordinal)
            || userData == "#cloud-config"
        )
            Yaml("userData", userData, mapping: false);
        else if (!UserDataStarts.Any(start => userData.StartsWith(start, StringComparison.Ordinal)))
            await context.WarnAsync(
                "'userData' starts with none of the headers cloud-init recognises (#cloud-config, #!, #include, a "
                    + "MIME archive…): cloud-init will ignore it. Start it with #cloud-config for cloud-config YAML."
            );
    }

    /// <summary>
    /// The text must parse as YAML, and be a mapping when <paramref name="mapping"/> (an empty document is none).
    /// Returns the document's root, or null when it has none or is refused.
    /// </summary>
    private YamlNode? Yaml(string property, string text, bool mapping)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            // The position and the parser's reason, never the text itself: user-data is secret.
            Fail(
                property,
                $"'{property}' is not valid YAML: line {e.Start.Line}, column {e.Start.Column}: {Reason(e)}"
            );
            return null;
        }
        var root = stream.Documents.FirstOrDefault()?.RootNode;
        if (root is null or YamlMappingNode || !(mapping || property == "userData"))
            return root;
        Fail(property, $"'{property}' must be a YAML mapping (key: value lines) at its top level.");
        return null;
    }

    /// <summary>
    /// cloud-init reads network configuration of version 1 or 2 only, and ignores anything else without a word: the
    /// guest then boots without it. The version is at the top, or under a top-level 'network' key.
    /// </summary>
    private void NetworkConfigVersion(YamlMappingNode root)
    {
        var config =
            root.Children.TryGetValue(new YamlScalarNode("network"), out var inner) && inner is YamlMappingNode network
                ? network
                : root;
        var version = config.Children.TryGetValue(new YamlScalarNode("version"), out var node)
            ? (node as YamlScalarNode)?.Value
            : null;
        if (version is "1" or "2")
            return;
        var has = version is null ? "no 'version'" : $"version {ObjectNames.Quote(version)}";
        Fail(
            "networkConfig",
            $"'networkConfig' has {has}: "
                + "cloud-init reads network configuration version 1 or 2 only. Start it with `version: 2` (netplan's "
                + "form) "
                + "or `version: 1`."
        );
    }

    /// <summary>
    /// The parser's reason without the positions it starts with ("(Line: 2, Col: 1, Idx: 9) - (…): reason").
    /// </summary>
    private static string Reason(YamlException e) =>
        e.Message[(e.Message.LastIndexOf("): ", StringComparison.Ordinal) is var at and >= 0 ? at + 3 : 0)..];

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}\\z")]
    private static partial Regex InstanceIdForm();

    [GeneratedRegex(
        @"^(?=.{1,253}\z)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\z"
    )]
    private static partial Regex HostnameForm();
}
