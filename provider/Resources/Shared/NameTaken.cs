namespace PulumiLibvirt.Resources;

/// <summary>What to tell a user whose resource would take the name of an object it does not manage.</summary>
internal static class NameTaken
{
    /// <param name="where">Where the name is taken: "on qemu:///system", "in pool 'default'".</param>
    /// <param name="id">The existing object's id, for the import command.</param>
    public static string Reason(string what, string name, string where, string token, string id) =>
        $"A {what} named '{name}' already exists {where} and is not this resource's. Choose another name, leave "
        + $"'name' out to get a new one, or adopt it with `pulumi import {token} <resource-name> {id}`.";
}
