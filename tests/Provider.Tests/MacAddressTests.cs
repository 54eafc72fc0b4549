using PulumiLibvirt.Resources;
using PulumiLibvirt.Tests.Support;

namespace PulumiLibvirt.Tests;

/// <summary>How the provider picks MAC addresses for new interfaces.</summary>
public sealed class MacAddressTests
{
    [Fact, Trait(Category.Name, Category.Unit)]
    public void A_new_mac_is_never_one_given_before_even_against_separate_sets_of_macs_in_use()
    {
        // 20,000 draws from 2^24 addresses repeat one about 12 times on average: without the process's own record of
        // what it gave, concurrent creates (each with its own set read from the host) could share an address.
        var given = Enumerable.Range(0, 20_000).Select(_ => MacAddresses.NewUnique(new HashSet<string>())).ToList();
        Assert.Equal(given.Count, given.Distinct().Count());
    }
}
