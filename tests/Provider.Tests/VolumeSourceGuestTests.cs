using PulumiLibvirt.Framework;
using PulumiLibvirt.Tests.Support;

namespace PulumiLibvirt.Tests;

/// <summary>
/// An uploaded image is a base like any other, proven by booting: the test guest's root image uploaded as a Volume,
/// then booted through an overlay Volume and through a linked Clone of a template on it. The base stays unchanged.
/// </summary>
public sealed class VolumeSourceGuestTests(TestPool pool) : IClassFixture<TestPool>, IDisposable
{
    private static readonly TimeSpan BootLimit = TimeSpan.FromMinutes(5);
    private readonly ResourceHarness _volumes = new("libvirt:index:Volume");
    private readonly ResourceHarness _domains = new("libvirt:index:Domain");
    private readonly ResourceHarness _clones = new("libvirt:index:Clone");
    private readonly TestDomains _names = new();

    public void Dispose()
    {
        _names.Dispose();
        _volumes.Dispose();
        _domains.Dispose();
        _clones.Dispose();
    }

    private static ObjectValue Guest(string name, string disk, string console, bool running) =>
        Props.Object(
            ("name", name),
            ("type", "qemu"),
            ("memory", 256),
            ("running", running),
            ("kernel", TestGuest.Shared.Kernel),
            ("initrd", TestGuest.Shared.Initrd),
            ("cmdline", TestGuest.Shared.Cmdline),
            ("disks", Props.Array(Props.Object(("volume", disk)))),
            ("console", Props.Object(("type", "file"), ("path", console)))
        );

    private async Task<Dictionary<string, string>> ReportAfterPowerOffAsync(string name, string console)
    {
        using var domain = pool.Libvirt.FindDomain(name)!;
        var deadline = DateTime.UtcNow + BootLimit;
        while (domain.IsActive && DateTime.UtcNow < deadline)
            await Task.Delay(500);
        Assert.False(domain.IsActive, $"{name} did not power off within {BootLimit} (see {console})");
        return TestGuest.Report(console);
    }

    [Fact]
    public async Task An_uploaded_image_boots_through_an_overlay_volume_and_through_a_linked_clone_and_stays_unchanged()
    {
        var (baseKey, _, _) = await _volumes.CreateAsync(
            Props.Object(
                ("pool", pool.Name),
                ("source", Props.Object(("file", TestGuest.Shared.RootImage))),
                ("name", TestPool.UniqueName("root.img"))
            ),
            "base"
        );
        var basePath = pool.Find(baseKey)!.Path;
        var baseDigest = FileDigest.Sha256(basePath);
        Assert.Equal(FileDigest.Sha256(TestGuest.Shared.RootImage), baseDigest);

        var (overlayKey, _, _) = await _volumes.CreateAsync(
            Props.Object(("pool", pool.Name), ("backingStore", Props.Object(("volume", baseKey)))),
            "overlay"
        );
        var overlaid = _names.Name("overlaid");
        var overlaidConsole = Path.Combine(pool.Path, $"{overlaid}.log");
        await _domains.CreateAsync(Guest(overlaid, overlayKey, overlaidConsole, running: true), "overlaid");

        var template = _names.Name("tmpl");
        await _domains.CreateAsync(
            Guest(template, baseKey, Path.Combine(pool.Path, $"{template}.log"), running: false),
            "template"
        );
        var clone = _names.Name("clone");
        await _clones.CreateAsync(
            Props.Object(("source", template), ("name", clone), ("mode", "linked"), ("shutdownTimeout", 5)),
            "clone"
        );
        var cloneConsole = Path.Combine(pool.Path, $"{clone}.log");

        var reports = await Task.WhenAll(
            ReportAfterPowerOffAsync(overlaid, overlaidConsole),
            ReportAfterPowerOffAsync(clone, cloneConsole)
        );
        // The guest's own machine-id, read from the uploaded disk: both booted the image that was uploaded.
        var machineId = File.ReadAllLines(Path.Combine(TestGuest.Folder, "guest.env"))
            .Single(l => l.StartsWith("MACHINE_ID=", StringComparison.Ordinal))["MACHINE_ID=".Length..];
        Assert.All(reports, report => Assert.Equal(machineId, report["machine-id"]));
        Assert.Equal(baseDigest, FileDigest.Sha256(basePath));
    }
}
