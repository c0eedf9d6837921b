using System.Text;
using Lantern.Core.Model;
using Spectre.Console;

namespace Lantern.Cli.Output;

/// <summary>One entry point for the scan report in any <see cref="ReportFormat"/>.</summary>
internal static class ReportRenderer
{
    /// <summary>The names <c>--format</c> accepts, in help order.</summary>
    public static IReadOnlyList<string> FormatNames { get; } = ["table", "json", "cyclonedx"];

    /// <summary>Parses a <c>--format</c> value (case-insensitive).</summary>
    public static bool TryParseFormat(string? value, out ReportFormat format)
    {
        switch (value?.Trim().ToLowerInvariant())
        {
            case "table":
                format = ReportFormat.Table;
                return true;
            case "json":
                format = ReportFormat.Json;
                return true;
            case "cyclonedx":
            case "cdx":
                format = ReportFormat.CycloneDx;
                return true;
            default:
                format = default;
                return false;
        }
    }

    /// <summary>Renders to a terminal (or any console): tables use its colours; JSON goes to its writer.</summary>
    public static void Render(Inventory inventory, ReportFormat format, IAnsiConsole console)
    {
        ArgumentNullException.ThrowIfNull(console);
        if (format == ReportFormat.Table)
        {
            TableReportWriter.Write(inventory, console);
            return;
        }
        Render(inventory, format, console.Profile.Out.Writer);
    }

    /// <summary>Renders as text. Tables are plain (no ANSI codes) unless <paramref name="colors"/> is set.</summary>
    public static void Render(Inventory inventory, ReportFormat format, TextWriter writer, bool colors = false)
    {
        ArgumentNullException.ThrowIfNull(inventory);
        ArgumentNullException.ThrowIfNull(writer);
        switch (format)
        {
            case ReportFormat.Table:
                TableReportWriter.Write(inventory, CreateConsole(writer, colors));
                break;
            case ReportFormat.Json:
                JsonReportWriter.Write(inventory, writer);
                break;
            case ReportFormat.CycloneDx:
                CycloneDxWriter.Write(inventory, writer);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(format), format, "Unknown report format.");
        }
        writer.Flush();
    }

    /// <summary>Renders to a stream (a file for <c>--output</c>) as UTF-8 without BOM; tables are plain.</summary>
    public static void Render(Inventory inventory, ReportFormat format, Stream stream)
    {
        ArgumentNullException.ThrowIfNull(inventory);
        ArgumentNullException.ThrowIfNull(stream);
        switch (format)
        {
            case ReportFormat.Json:
                JsonReportWriter.Write(inventory, stream);
                break;
            case ReportFormat.CycloneDx:
                CycloneDxWriter.Write(inventory, stream);
                break;
            default:
                using (var writer = new StreamWriter(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), bufferSize: 16 * 1024, leaveOpen: true))
                {
                    Render(inventory, format, writer);
                }
                break;
        }
        stream.Flush();
    }

    /// <summary>A console over any writer; plain text (no ANSI, no colour) unless asked.</summary>
    public static IAnsiConsole CreateConsole(TextWriter writer, bool colors = false, int? width = null)
    {
        IAnsiConsole console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = colors ? AnsiSupport.Yes : AnsiSupport.No,
            ColorSystem = colors ? ColorSystemSupport.Standard : ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(writer),
        });
        if (width is int columns)
        {
            console.Profile.Width = columns;
        }
        return console;
    }
}
