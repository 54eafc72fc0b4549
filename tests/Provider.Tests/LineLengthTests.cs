using PulumiLibvirt.Tests.Support;

namespace PulumiLibvirt.Tests;

/// <summary>
/// scripts/line-length.sh (make line-length) holds C# to .editorconfig's max_line_length, which dotnet format does
/// not enforce: it counts characters, not bytes, and fails on a line over the limit.
/// </summary>
[Trait(Category.Name, Category.Unit)]
public sealed class LineLengthTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("line-length").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private (int ExitCode, string Stdout) Check(params string[] lines)
    {
        var file = Path.Combine(_folder, "Sample.cs");
        File.WriteAllLines(file, lines);
        var (exitCode, stdout, _) = Command.Try(Repository.File("scripts", "line-length.sh"), null, file);
        return (exitCode, stdout);
    }

    [Fact]
    public void A_line_over_120_characters_is_reported_with_its_place_and_fails_the_check()
    {
        var (exitCode, stdout) = Check("class A", new string('x', 121), "}");
        Assert.Equal(1, exitCode);
        Assert.Contains("Sample.cs:2: 121 characters", stdout, StringComparison.Ordinal);
        Assert.Contains("1 C# lines in 1 files are longer than 120 characters", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Characters_count_not_bytes_and_120_is_within_the_limit()
    {
        // 120 characters, 124 bytes in UTF-8.
        var (exitCode, stdout) = Check(new string('x', 118) + "——", new string('y', 120));
        Assert.Equal(0, exitCode);
        Assert.Contains("no C# line is longer than 120 characters", stdout, StringComparison.Ordinal);
    }
}
