using System.Xml.Linq;
using PulumiLibvirt.Framework;
using PulumiLibvirt.Tests.Support;

namespace PulumiLibvirt.Tests;

/// <summary>A Domain's xslt against the real libvirtd: applied before the define, judged by libvirt at Check.</summary>
public sealed class XsltTests(TestPool pool) : IClassFixture<TestPool>, IDisposable
{
    private readonly ResourceHarness _domains = new("libvirt:index:Domain");
    private readonly TestDomains _names = new();

    public void Dispose()
    {
        _names.Dispose();
        _domains.Dispose();
    }

    private static string Watchdog(string model) =>
        BadInputCases.AddingDevices($"<watchdog model='{model}' action='reset'/>");

    private string? WatchdogOf(string id)
    {
        using var domain = pool.Libvirt.FindDomain(id)!;
        return XElement.Parse(domain.Xml()).Element("devices")!.Element("watchdog")?.Attribute("model")?.Value;
    }

    [Fact]
    public async Task An_xslt_adding_a_watchdog_yields_it_refresh_shows_no_diff_and_a_change_redefines_in_place()
    {
        var program = Props.Object(
            ("name", _names.Name("xslt")),
            ("type", "qemu"),
            ("memory", 64),
            ("running", false),
            ("xslt", Watchdog("i6300esb"))
        );
        var (id, outputs, inputs) = await _domains.CreateAsync(program);
        Assert.Equal("i6300esb", WatchdogOf(id));

        var read = (await _domains.ReadAsync(id, outputs, inputs))!;
        Assert.False(_domains.Diff(id, read.Outputs, read.Inputs, inputs).HasChanges);

        var changed = (await _domains.CheckAsync(Props.With(program, ("xslt", Watchdog("ib700"))), inputs)).Inputs;
        var diff = _domains.Diff(id, outputs, inputs, changed);
        Assert.Equal(["xslt"], diff.Changed);
        Assert.DoesNotContain(diff.Detailed.Values, kind =>
            kind is DiffKind.AddReplace or DiffKind.DeleteReplace or DiffKind.UpdateReplace
        );
        await _domains.UpdateAsync(id, outputs, inputs, changed);
        Assert.Equal("ib700", WatchdogOf(id));
    }

    [Fact]
    public async Task An_xslt_whose_result_libvirt_refuses_is_a_check_failure_that_defines_nothing()
    {
        var name = _names.Name("broken");
        var before = pool
            .Libvirt.ListDomains()
            .Select(d =>
            {
                using (d)
                    return d.Uuid;
            })
            .ToHashSet();
        var check = await _domains.CheckAsync(
            Props.Object(("name", name), ("type", "qemu"), ("memory", 64), ("xslt", Watchdog("no-such-watchdog")))
        );

        var failure = Assert.Single(check.Failures);
        Assert.Equal("xslt", failure.Property);
        Assert.Contains("libvirt refuses", failure.Reason, StringComparison.Ordinal);
        Assert.Null(pool.Libvirt.FindDomain(name));
        var after = pool
            .Libvirt.ListDomains()
            .Select(d =>
            {
                using (d)
                    return (d.Uuid, d.Name);
            })
            .ToList();
        Assert.DoesNotContain(after, d =>
            !before.Contains(d.Uuid) && d.Name.StartsWith("pulumi-check-", StringComparison.Ordinal)
        );
    }
}
