namespace PulumiLibvirt.Framework;

// Attributes on Args and State properties. The adapter, the diff and the schema generator all read them, so what
// the schema says and what the provider does come from one declaration. Descriptions use
// System.ComponentModel.DescriptionAttribute.

/// <summary>A change to this input replaces the resource instead of updating it in place.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class ReplaceOnChangeAttribute : Attribute;

/// <summary>
/// A state property whose value the host determines: unknown while a create is previewed, and while an update that
/// changes the input of the same name is previewed. A state property without it that is named like an input shows
/// that input's value in previews (the same value, as libvirt spells it).
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class ComputedAttribute : Attribute;

/// <summary>A value that is always secret, whether or not the program marked it so.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class SecretAttribute : Attribute;

/// <summary>
/// The resource's name in libvirt: when the program leaves it out, Check derives one from the Pulumi resource name
/// and a suffix seeded by the engine, so that previews are stable.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class AutoNameAttribute : Attribute;
