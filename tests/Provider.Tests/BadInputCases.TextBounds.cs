using PulumiLibvirt.Framework;
using PulumiLibvirt.Resources;
using PulumiLibvirt.Tests.Support;

namespace PulumiLibvirt.Tests;

/// <summary>Every free-text input has a bound at Check (issue 27): a byte past it is refused on its property.</summary>
public static partial class BadInputCases
{
    private static void TextBoundCases()
    {
        foreach (
            var (type, valid) in new (string, Func<BadInputHost, string, ObjectValue>)[]
            {
                (Domain, ValidDomain),
                (Clone, ValidClone),
            }
        )
        {
            Add(
                $"xslt of {TextBound.XsltBytes + 1} bytes",
                type,
                (h, t) => valid(h, t).With(("xslt", Long(TextBound.XsltBytes + 1))),
                "xslt",
                $"at most {TextBound.XsltBytes}"
            );
        }
        foreach (
            var (property, bound) in new[]
            {
                ("userData", TextBound.UserDataBytes),
                ("metaData", TextBound.SeedFileBytes),
                ("networkConfig", TextBound.SeedFileBytes),
            }
        )
        {
            Add(
                $"{property} of {bound + 1} bytes",
                CloudInit,
                (h, t) => ValidSeed(h, t).With((property, Long(bound + 1))),
                property,
                $"at most {bound}"
            );
        }
    }
}
