using System.Globalization;
using System.Text;
using Lantern.Core.Findings;
using Lantern.Core.Model;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Lantern.Cli.Output;

/// <summary>
/// The inventory for people: a header, one table per section, a summary line. Every value from the
/// scan is hostile text (a file may be named <c>[red]x</c> or carry terminal escape codes), so data
/// goes out as <see cref="Text"/> or through <see cref="Markup.Escape"/>, after <see cref="Sanitize"/>.
/// </summary>
internal static class TableReportWriter
{
    // Long command lines would wreck the table; the JSON report keeps them whole.
    private const int MaxCommandLength = 80;
    private const int ShortDigestLength = 12;

    public static void Write(Inventory inventory, IAnsiConsole console)
    {
        ArgumentNullException.ThrowIfNull(inventory);
        ArgumentNullException.ThrowIfNull(console);

        WriteHeader(console, inventory);
        WriteRuntimes(console, inventory.Runtimes);
        WriteModels(console, inventory.Artifacts);
        WriteServers(console, inventory.Servers);
        WriteProcesses(console, inventory.Processes);
        WriteFindings(console, inventory.Findings);
        WriteProblems(console, inventory.Problems);
        WriteSummary(console, inventory);
    }

    private static void WriteHeader(IAnsiConsole console, Inventory inventory)
    {
        string state = inventory.Complete ? "[green]complete[/]" : "[red]INCOMPLETE[/]";
        console.MarkupLine(
            $"[bold]Lantern scan[/] of [bold]{Escape(inventory.Host)}[/] as {Escape(inventory.User)} at "
            + $"{inventory.ScannedAt.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture)}: {state}");
        var details = new List<string>();
        if (!string.IsNullOrEmpty(inventory.Os))
        {
            details.Add(inventory.Os);
        }
        if (!string.IsNullOrEmpty(inventory.LanternVersion))
        {
            details.Add("lantern " + inventory.LanternVersion);
        }
        if (inventory.Gpu is { } gpu)
        {
            details.Add("GPU " + gpu.State + (gpu.Devices.Count > 0 ? ": " + string.Join(", ", gpu.Devices) : string.Empty));
        }
        if (details.Count > 0)
        {
            console.MarkupLine("[grey]" + Escape(string.Join(" · ", details)) + "[/]");
        }
        console.WriteLine();
    }

    private static void WriteRuntimes(IAnsiConsole console, IReadOnlyList<RuntimeInstall> runtimes)
    {
        if (Empty(console, "Runtimes", runtimes.Count))
        {
            return;
        }
        Table table = NewTable("Runtimes", "Runtime", "Version", "Executable", "Advisories");
        foreach (RuntimeInstall runtime in runtimes.OrderBy(r => r.Name, StringComparer.OrdinalIgnoreCase).ThenBy(r => r.Version, StringComparer.Ordinal))
        {
            table.AddRow(Plain(runtime.Name), Plain(runtime.Version), Plain(runtime.Executable), AdvisoryCell(runtime.Advisories));
        }
        console.Write(table);
        console.WriteLine();
    }

    private static Markup AdvisoryCell(IReadOnlyList<AdvisoryMatch> advisories)
    {
        if (advisories.Count == 0)
        {
            return new Markup("[green]0[/]");
        }
        string worst = WorstAdvisorySeverity(advisories);
        return new Markup($"{advisories.Count.ToString(CultureInfo.InvariantCulture)} ([{AdvisoryColour(worst)}]{Escape(worst)}[/])");
    }

    internal static string WorstAdvisorySeverity(IReadOnlyList<AdvisoryMatch> advisories)
    {
        string[] order = ["critical", "high", "medium", "low", "unknown"];
        int best = order.Length - 1;
        foreach (AdvisoryMatch advisory in advisories)
        {
            string severity = advisory.Severity.ToLowerInvariant();
            int rank = Array.IndexOf(order, severity == "moderate" ? "medium" : severity);
            best = rank >= 0 ? Math.Min(best, rank) : best;
        }
        return order[best];
    }

    private static string AdvisoryColour(string severity) => severity switch
    {
        "critical" => "red bold",
        "high" => "red",
        "medium" => "yellow",
        "low" => "blue",
        _ => "grey",
    };

    private static void WriteModels(IAnsiConsole console, IReadOnlyList<ModelArtifact> artifacts)
    {
        if (Empty(console, "Models", artifacts.Count))
        {
            return;
        }
        Table table = NewTable("Models", "Model", "Runtime", "Format", "Size", "Quant", "Licence", "SHA-256", "Verdict");
        table.Columns[3].RightAligned();
        foreach (ModelArtifact artifact in artifacts
            .OrderBy(a => a.ModelName ?? FileName(a.Path), StringComparer.OrdinalIgnoreCase)
            .ThenBy(a => a.Path, StringComparer.Ordinal))
        {
            string name = !string.IsNullOrEmpty(artifact.ModelName) ? artifact.ModelName : FileName(artifact.Path);
            string? quantization = artifact.Metadata.TryGetValue("general.file_type", out string? fileType) ? fileType
                : artifact.Metadata.TryGetValue("quantization", out string? quant) ? quant
                : null;
            string? digest = artifact.Sha256 is { Length: > ShortDigestLength } sha ? sha[..ShortDigestLength] : artifact.Sha256;
            table.AddRow(
                Plain(name),
                Plain(artifact.Runtime),
                Plain(artifact.Cloud ? artifact.Format + " (cloud)" : artifact.Format),
                Plain(artifact.Cloud ? null : HumanSize(artifact.SizeBytes)),
                Plain(quantization),
                Plain(artifact.License?.Id),
                Plain(digest),
                VerdictCell(artifact.Verdict));
        }
        console.Write(table);
        console.WriteLine();
    }

    private static Markup VerdictCell(string? verdict)
    {
        // A missing verdict means "not vetted": never shown as safe.
        string text = verdict ?? "not vetted";
        string colour = verdict switch
        {
            "safe" => "green",
            "malicious" => "red bold",
            "suspicious" => "red",
            "malformed" or "incomplete" => "yellow",
            _ => "grey",
        };
        return new Markup($"[{colour}]{Escape(text)}[/]");
    }

    private static void WriteServers(IAnsiConsole console, IReadOnlyList<InferenceServer> servers)
    {
        if (Empty(console, "Servers", servers.Count))
        {
            return;
        }
        Table table = NewTable("Listening servers", "Address", "Runtime", "Version", "Bind", "Auth", "Exposed");
        foreach (InferenceServer server in servers.OrderBy(s => s.Address, StringComparer.Ordinal).ThenBy(s => s.Port))
        {
            string address = (server.Address.Contains(':', StringComparison.Ordinal) ? "[" + server.Address + "]" : server.Address)
                + ":" + server.Port.ToString(CultureInfo.InvariantCulture);
            string auth = server.Unauthenticated switch
            {
                true => "none",
                false => "required",
                null => "not probed",
            };
            table.AddRow(
                Plain(address),
                Plain(server.Runtime),
                Plain(server.Version),
                Plain(server.BindScope),
                server.Unauthenticated == true ? new Markup("[yellow]none[/]") : Plain(auth),
                server.ExposedBeyondLoopback ? new Markup("[red bold]yes[/]") : Plain("no"));
        }
        console.Write(table);
        console.WriteLine();
    }

    private static void WriteProcesses(IAnsiConsole console, IReadOnlyList<InferenceProcess> processes)
    {
        if (Empty(console, "Processes", processes.Count))
        {
            return;
        }
        Table table = NewTable("Processes", "PID", "User", "Runtime", "Command", "GPU memory");
        table.Columns[0].RightAligned();
        table.Columns[4].RightAligned();
        foreach (InferenceProcess process in processes.OrderBy(p => p.Pid))
        {
            long? gpuBytes = null;
            foreach (GpuUse gpu in process.Gpu)
            {
                if (gpu.MemoryBytes is long bytes)
                {
                    gpuBytes = checked((gpuBytes ?? 0) + bytes);
                }
            }
            string gpuText = gpuBytes is long total ? HumanSize(total) : process.Gpu.Count > 0 ? "in use" : "-";
            table.AddRow(
                Plain(process.Pid.ToString(CultureInfo.InvariantCulture)),
                Plain(process.User),
                Plain(process.Runtime),
                Plain(Truncate(process.CommandLine ?? process.Executable ?? process.Name, MaxCommandLength)),
                Plain(gpuText));
        }
        console.Write(table);
        console.WriteLine();
    }

    private static void WriteFindings(IAnsiConsole console, IReadOnlyList<Finding> findings)
    {
        if (Empty(console, "Findings", findings.Count))
        {
            return;
        }
        Table table = NewTable("Findings", "Severity", "Rule", "Message");
        foreach (Finding finding in findings
            .OrderByDescending(f => f.Severity)
            .ThenBy(f => f.RuleId, StringComparer.Ordinal)
            .ThenBy(f => f.Message, StringComparer.Ordinal))
        {
            table.AddRow(SeverityCell(finding.Severity), Plain(finding.RuleId), Plain(finding.Message));
        }
        console.Write(table);
        console.WriteLine();
    }

    private static Markup SeverityCell(Severity severity)
    {
        string colour = severity switch
        {
            Severity.Critical => "red bold",
            Severity.High => "red",
            Severity.Medium => "yellow",
            Severity.Low => "blue",
            _ => "grey",
        };
        return new Markup($"[{colour}]{severity.ToString().ToLowerInvariant()}[/]");
    }

    private static void WriteProblems(IAnsiConsole console, IReadOnlyList<ScanProblem> problems)
    {
        if (Empty(console, "Problems", problems.Count))
        {
            return;
        }
        Table table = NewTable("Problems (the scan is incomplete)", "Code", "Subject", "Message");
        foreach (ScanProblem problem in problems.OrderBy(p => p.Code, StringComparer.Ordinal).ThenBy(p => p.Subject, StringComparer.Ordinal))
        {
            table.AddRow(new Markup($"[yellow]{Escape(problem.Code)}[/]"), Plain(problem.Subject), Plain(problem.Message));
        }
        console.Write(table);
        console.WriteLine();
    }

    private static void WriteSummary(IAnsiConsole console, Inventory inventory)
    {
        int distinct = inventory.Artifacts
            .Select(a => a.Sha256 is { Length: 64 } ? "sha256:" + a.Sha256 : "path:" + a.Path)
            .Distinct(StringComparer.Ordinal)
            .Count();
        int exposed = inventory.Servers.Count(s => s.ExposedBeyondLoopback);
        int serious = inventory.Findings.Count(f => f.Severity >= Severity.High);
        var line = new StringBuilder();
        line.Append(CultureInfo.InvariantCulture, $"{Count(inventory.Runtimes.Count, "runtime")}, ");
        line.Append(CultureInfo.InvariantCulture, $"{Count(inventory.Artifacts.Count, "model file")} ({distinct} distinct), ");
        line.Append(CultureInfo.InvariantCulture, $"{Count(inventory.Servers.Count, "server")} (");
        line.Append(exposed > 0 ? $"[red]{exposed} exposed[/]" : "0 exposed").Append("), ");
        line.Append(CultureInfo.InvariantCulture, $"{Count(inventory.Processes.Count, "process", "processes")}, ");
        line.Append(serious > 0 ? $"[red]{Count(inventory.Findings.Count, "finding")}[/]" : Count(inventory.Findings.Count, "finding"));
        line.Append(CultureInfo.InvariantCulture, $", {Count(inventory.Problems.Count, "problem")}. ");
        line.Append(inventory.Complete ? "[green]Scan complete.[/]" : "[red]Scan INCOMPLETE: some things could not be read or judged.[/]");
        console.MarkupLine(line.ToString());
    }

    private static string Count(int n, string singular, string? plural = null) =>
        n.ToString(CultureInfo.InvariantCulture) + " " + (n == 1 ? singular : plural ?? singular + "s");

    private static bool Empty(IAnsiConsole console, string section, int count)
    {
        if (count > 0)
        {
            return false;
        }
        console.MarkupLine($"[grey]{section}: none found.[/]");
        return true;
    }

    private static Table NewTable(string title, params string[] columns)
    {
        var table = new Table { Border = TableBorder.Rounded, Title = new TableTitle(title), Expand = false };
        foreach (string column in columns)
        {
            table.AddColumn(new TableColumn(column));
        }
        return table;
    }

    private static Text Plain(string? value) => new(string.IsNullOrEmpty(value) ? "-" : Sanitize(value));

    private static string Escape(string value) => Markup.Escape(Sanitize(value));

    /// <summary>
    /// Replaces control characters (ANSI escape sequences in a file name would drive the terminal)
    /// and Unicode bidi overrides (which can make a name read differently from its bytes, CVE-2021-42574)
    /// with U+FFFD.
    /// </summary>
    internal static string Sanitize(string value)
    {
        StringBuilder? builder = null;
        for (int i = 0; i < value.Length; i++)
        {
            char c = value[i];
            bool bad = char.IsControl(c) || c is >= '\u202A' and <= '\u202E' or >= '\u2066' and <= '\u2069';
            if (bad)
            {
                builder ??= new StringBuilder(value, 0, i, value.Length);
                builder.Append('\uFFFD');
            }
            else
            {
                builder?.Append(c);
            }
        }
        return builder?.ToString() ?? value;
    }

    internal static string HumanSize(long bytes)
    {
        string[] units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];
        double size = bytes;
        int unit = 0;
        while (size >= 1024 && unit < units.Length - 1)
        {
            size /= 1024;
            unit++;
        }
        return unit == 0
            ? bytes.ToString(CultureInfo.InvariantCulture) + " B"
            : size.ToString(size >= 100 ? "0" : "0.0", CultureInfo.InvariantCulture) + " " + units[unit];
    }

    private static string Truncate(string value, int max)
    {
        if (value.Length <= max)
        {
            return value;
        }
        int cut = max - 1;
        // Do not split a surrogate pair.
        cut = char.IsHighSurrogate(value[cut - 1]) ? cut - 1 : cut;
        return value[..cut] + "…";
    }

    private static string FileName(string path)
    {
        int slash = path.LastIndexOfAny(['/', '\\']);
        return slash >= 0 && slash < path.Length - 1 ? path[(slash + 1)..] : path;
    }
}
