using System.CommandLine;
using Lantern.Cli.Output;
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

    public static bool TryParseFormat(string value, out ReportFormat format, out string? error)
    {
        error = null;
        switch (value.ToLowerInvariant())
        {
            case "table":
                format = ReportFormat.Table;
                return true;
            case "json":
                format = ReportFormat.Json;
                return true;
            case "cyclonedx":
                format = ReportFormat.CycloneDx;
                return true;
            default:
                format = ReportFormat.Table;
                error = $"--format '{value}' is not supported here.";
                return false;
        }
    }

    public static bool TryParseSeverity(string value, out Severity severity) =>
        Enum.TryParse(value, ignoreCase: true, out severity) && Enum.IsDefined(severity);
}
