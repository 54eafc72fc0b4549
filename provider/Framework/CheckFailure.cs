namespace PulumiLibvirt.Framework;

/// <summary>An input that failed validation: the property path and what to do about it.</summary>
public sealed record CheckFailure(string Property, string Reason);
