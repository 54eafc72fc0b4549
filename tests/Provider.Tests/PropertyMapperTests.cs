using PulumiLibvirt.Framework;
using PulumiLibvirt.Resources;
using PulumiLibvirt.Tests.Support;

namespace PulumiLibvirt.Tests;

[Trait(Category.Name, Category.Unit)]
public class PropertyMapperTests
{
    [Fact]
    public void Decoding_fills_defaults_and_records_where_values_were_unknown_or_secret()
    {
        var decoded = PropertyMapper.Decode<VolumeArgs>(
            Props.Object(
                ("name", Props.Secret("disk")),
                ("capacity", PropertyValue.Unknown),
                ("backingStore", Props.Object(("volume", PropertyValue.Unknown)))
            )
        );
        Assert.Empty(decoded.Failures);
        Assert.Equal("disk", decoded.Value.Name);
        Assert.Equal("default", decoded.Value.Pool);
        Assert.Null(decoded.Value.Format); // no default in the type: Check fills it in (qcow2, or a source's own)
        Assert.False(decoded.Marks.IsKnown("capacity"));
        Assert.False(decoded.Marks.IsKnown("backingStore"));
        Assert.True(decoded.Marks.IsKnown("pool"));
        Assert.Contains("name", decoded.Marks.Secret);
    }

    [Fact]
    public void Encoding_puts_unknown_and_secret_markers_back_where_they_were()
    {
        var original = Props.Object(
            ("name", Props.Secret("disk")),
            ("pool", "p"),
            ("format", "raw"),
            ("capacity", PropertyValue.Unknown),
            ("backingStore", Props.Object(("volume", PropertyValue.Unknown)))
        );
        var decoded = PropertyMapper.Decode<VolumeArgs>(original);
        Assert.Equal(original, PropertyMapper.Encode(decoded.Value, decoded.Marks));
    }

    [Fact]
    public void Wrong_types_missing_required_values_and_typos_are_failures_naming_the_property()
    {
        var decoded = PropertyMapper.Decode<VolumeArgs>(
            Props.Object(
                ("capacity", "big"),
                ("format", "vmdk"),
                ("backingStore", Props.Object(("format", "raw"))),
                ("pools", "x")
            ),
            strict: true
        );
        var byProperty = decoded.Failures.ToDictionary(f => f.Property, f => f.Reason);
        Assert.Contains("whole number", byProperty["capacity"]);
        Assert.Contains("\"qcow2\", \"raw\"", byProperty["format"]);
        Assert.Contains("required", byProperty["backingStore.volume"]);
        Assert.Contains("known properties", byProperty["pools"]);
    }

    [Fact]
    public void Fractional_numbers_are_not_whole_numbers()
    {
        var decoded = PropertyMapper.Decode<VolumeArgs>(Props.Object(("capacity", 1.5)));
        Assert.Equal("capacity", Assert.Single(decoded.Failures).Property);
    }

    private sealed record WithSecret
    {
        [Secret]
        public string? Key { get; init; }
        public string? Plain { get; init; }
    }

    [Fact]
    public void A_property_declared_secret_is_encoded_secret_even_when_given_plain()
    {
        var encoded = PropertyMapper.Encode(new WithSecret { Key = "k", Plain = "p" });
        Assert.Equal(Props.Secret("k"), encoded["key"]);
        Assert.Equal(Props.Value("p"), encoded["plain"]);
    }

    [Fact]
    public void A_NUL_character_in_any_string_is_a_failure_on_its_path()
    {
        var decoded = PropertyMapper.Decode<DomainArgs>(
            Props.Object(
                ("name", "vm"),
                ("disks", Props.Array(Props.Object(("file", "/var/lib/a.iso\0/etc/shadow")))),
                (
                    "networkInterfaces",
                    Props.Array(Props.Object(("network", "default")), Props.Object(("network", "lab\0")))
                )
            ),
            strict: true
        );
        Assert.Equal(["disks[0].file", "networkInterfaces[1].network"], decoded.Failures.Select(f => f.Property));
        Assert.All(decoded.Failures, f => Assert.Contains("NUL character", f.Reason, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(9223372036854775808.0)] // 2^63, which (double)long.MaxValue equals
    [InlineData(-9223372036854777856.0)]
    [InlineData(1e300)]
    public void A_number_beyond_a_long_is_a_failure_not_a_saturated_value(double capacity)
    {
        var decoded = PropertyMapper.Decode<VolumeArgs>(Props.Object(("capacity", capacity)));
        Assert.Equal("capacity", Assert.Single(decoded.Failures).Property);
        Assert.Null(decoded.Value.Capacity);
    }

    [Fact]
    public void Int_bounds_are_exact()
    {
        Assert.Empty(PropertyMapper.Decode<DomainArgs>(Props.Object(("memory", int.MaxValue))).Failures);
        Assert.Equal(
            "memory",
            Assert
                .Single(PropertyMapper.Decode<DomainArgs>(Props.Object(("memory", int.MaxValue + 1.0))).Failures)
                .Property
        );
    }
}
