using PulumiLibvirt.Framework;
using PulumiLibvirt.Resources;
using PulumiLibvirt.Tests.Support;

namespace PulumiLibvirt.Tests;

/// <summary>
/// The provider's configuration as the engine sends it: stack configuration (pulumi config set libvirt:KEY VALUE)
/// arrives as strings whatever the schema's type, and a generated SDK sends a provider resource's numbers as JSON text.
/// </summary>
[Trait(Category.Name, Category.Unit)]
public sealed class ProviderConfigTests
{
    private static ProviderConfig Configured(ObjectValue config)
    {
        using var provider = new LibvirtProvider(new RecordingLog());
        Assert.Empty(provider.CheckConfig(config));
        provider.Configure(config);
        return ((LibvirtContext)provider.Context("urn:pulumi:dev::p::libvirt:index:Volume::v")).Config;
    }

    [Theory]
    [InlineData("30")]
    [InlineData(30)]
    public void The_download_stall_timeout_is_taken_as_a_number_or_as_the_text_of_one(object seconds)
    {
        Assert.Equal(
            TimeSpan.FromSeconds(30),
            Configured(Props.Object(("downloadStallTimeout", seconds))).EffectiveDownloadStallTimeout
        );
        Assert.Equal(
            TimeSpan.FromSeconds(30),
            Configured(Props.Object(("downloadStallTimeout", Props.Secret(seconds)))).EffectiveDownloadStallTimeout
        );
    }

    [Theory]
    [InlineData("soon", "must be a whole number, not \"soon\"")]
    [InlineData("2.5", "must be a whole number, not 2.5")]
    [InlineData("0", "must be between 1 and 86400")]
    [InlineData("86401", "must be between 1 and 86400")]
    public void A_download_stall_timeout_that_is_no_positive_whole_number_fails_on_the_property(
        string seconds,
        string reason
    )
    {
        using var provider = new LibvirtProvider(new RecordingLog());
        var failure = Assert.Single(provider.CheckConfig(Props.Object(("downloadStallTimeout", seconds))));
        Assert.Equal("downloadStallTimeout", failure.Property);
        Assert.Contains(reason, failure.Reason);
    }
}
