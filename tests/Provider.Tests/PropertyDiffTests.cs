using PulumiLibvirt.Framework;
using PulumiLibvirt.Tests.Support;

namespace PulumiLibvirt.Tests;

[Trait(Category.Name, Category.Unit)]
public class PropertyDiffTests
{
    private static Dictionary<string, DiffKind> Compare(ObjectValue olds, ObjectValue news, params string[] ignore) =>
        PropertyDiff.Compare(olds, news, name => name == "replaced", ignore);

    [Fact]
    public void Changes_are_reported_down_to_the_changed_leaf_with_their_kind()
    {
        var olds = Props.Object(
            ("a", 1),
            ("obj", Props.Object(("x", "1"), ("y", "2"))),
            ("list", Props.Array("p", "q")),
            ("gone", true)
        );
        var news = Props.Object(
            ("a", 1),
            ("obj", Props.Object(("x", "1"), ("y", "3"))),
            ("list", Props.Array("p", "q", "r")),
            ("added", "v")
        );
        Assert.Equal(
            new Dictionary<string, DiffKind>
            {
                ["obj.y"] = DiffKind.Update,
                ["list[2]"] = DiffKind.Add,
                ["gone"] = DiffKind.Delete,
                ["added"] = DiffKind.Add,
            },
            Compare(olds, news)
        );
    }

    [Fact]
    public void A_replacing_property_gets_the_replace_kinds()
    {
        var diff = Compare(Props.Object(("replaced", "a")), Props.Object(("replaced", "b")));
        Assert.Equal(DiffKind.UpdateReplace, diff["replaced"]);
    }

    [Fact]
    public void Secret_markers_alone_are_no_change_but_unknown_values_are()
    {
        Assert.Empty(Compare(Props.Object(("a", "x")), Props.Object(("a", Props.Secret("x")))));
        Assert.Equal(
            DiffKind.Update,
            Compare(Props.Object(("a", "x")), Props.Object(("a", PropertyValue.Unknown)))["a"]
        );
        Assert.Equal(
            DiffKind.Update,
            Compare(Props.Object(("a", "x")), Props.Object(("a", Props.Secret(PropertyValue.Unknown))))["a"]
        );
    }

    [Fact]
    public void Ignored_paths_and_everything_under_them_are_left_out()
    {
        var olds = Props.Object(("obj", Props.Object(("x", "1"), ("y", "2"))), ("a", 1));
        var news = Props.Object(("obj", Props.Object(("x", "9"), ("y", "9"))), ("a", 2));
        Assert.Equal(["obj.y"], Compare(olds, news, "obj.x", "a").Keys);
    }
}
