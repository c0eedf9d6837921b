using System.CommandLine;
using Lantern.Core.Findings;

namespace Lantern.Cli.Commands;

/// <summary>Options every command spells the same way (ARCHITECTURE.md, "Contracts every command keeps").</summary>
internal static class CommonOptions
{
    public static Option<string> Format(string defaultValue, params string[] allowed)
    {
        var option = new Option<string>("--format", "-f")
        {
            Description = $"Output format: {string.Join(", ", allowed)}.",
            DefaultValueFactory = _ => defaultValue,
        };
        option.AcceptOnlyFromAmong(allowed);
        return option;
    }

    public static Option<string?> Output() =>
        new("--output", "-o") { Description = "Write the report to this file instead of standard output." };

    public static Option<string> FailOn() =>
        new("--fail-on")
        {
            Description = "Lowest finding severity that makes the exit code 1: info, low, medium, high, critical.",
            DefaultValueFactory = _ => "high",
        };

    public static bool TryParseSeverity(string value, out Severity severity) =>
        Enum.TryParse(value, ignoreCase: true, out severity) && Enum.IsDefined(severity);
}
