namespace PulumiLibvirt.Tests.Support;

/// <summary>
/// The xUnit trait that splits the suites: <c>[Trait(Category.Name, Category.Unit)]</c> marks a test class that needs
/// no libvirt daemon and no root (no TestPool, TestNetwork, qemu:///system or built plugin), which
/// <c>make test-unit</c> runs alone. Every test without it needs the real libvirtd.
/// </summary>
public static class Category
{
    public const string Name = "Category";
    public const string Unit = "Unit";
}
