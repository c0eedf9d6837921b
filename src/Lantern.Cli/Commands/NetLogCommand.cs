using System.CommandLine;
using System.Globalization;
using System.Reflection;
using System.Text;
using System.Text.Json.Serialization;
using Lantern.Core.Reporting;
using Lantern.NetLog.Analysis;
using Lantern.NetLog.Attribution;
using Lantern.NetLog.Detection;
using Lantern.NetLog.Hubs;
using Lantern.NetLog.Reading;
using Lantern.NetLog.Records;
using Spectre.Console;

namespace Lantern.Cli.Commands;

/// <summary><c>lantern netlog analyze|sigma|queries</c>: model acquisitions in web-proxy logs, and SIEM detection content (docs/netlog.md).</summary>
internal static class NetLogCommand
{
    private static readonly string[] LogFormats = ["auto", "squid", "squid-combined", "w3c", "zscaler-nss", "cef", "jsonl"];

    public static Command Create() =>
        new("netlog", "Network evidence: model and runtime downloads in web-proxy logs, and detection content for the SIEM.")
        {
            Analyze(), Sigma(), Queries(),
        };

    private static Command Analyze()
    {
        var files = new Argument<string[]>("files") { Description = "Proxy logs: plain, gzip or zstd (by content); '-' reads standard input.", Arity = ArgumentArity.OneOrMore };
        var logFormat = new Option<string>("--log-format") { Description = "Log format, or auto to detect it per file.", DefaultValueFactory = _ => "auto" };
        logFormat.AcceptOnlyFromAmong(LogFormats);
        var since = new Option<string?>("--since") { Description = "Only events at or after this time (2026-09-01 or 2026-09-01T08:00:00Z; dates are UTC midnight)." };
        var until = new Option<string?>("--until") { Description = "Only events before this time (same forms as --since)." };
        var attribution = new Option<string?>("--attribution") { Description = "Client IP → hostname/user over time: CSV ip,hostname,user,start,end or an ISC dhcpd.leases file." };
        var format = CommonOptions.Format("table", "table", "json", "csv");
        var output = CommonOptions.Output();
        var fullParse = new Option<bool>("--full-parse") { Description = "Parse every line, not only lines naming a hub host (slower; counts malformed lines everywhere)." };
        var command = new Command("analyze", "Reconstruct model and runtime downloads (who, what, from where, when, how large) from proxy logs.")
        {
            files, logFormat, since, until, attribution, format, output, fullParse,
        };
        command.SetAction(async (parse, cancellation) =>
        {
            string[] inputs = parse.GetValue(files) ?? [];
            foreach (string input in inputs)
            {
                if (input != "-" && !File.Exists(input))
                {
                    return Errors.Usage($"log file '{input}' does not exist.");
                }
            }
            if (inputs.Count(i => i == "-") > 1)
            {
                return Errors.Usage("standard input ('-') can be read only once.");
            }
            if (!TryParseTime(parse.GetValue(since), out DateTimeOffset? from) || !TryParseTime(parse.GetValue(until), out DateTimeOffset? to))
            {
                return Errors.Usage("--since/--until must be an ISO 8601 date or time such as 2026-09-01 or 2026-09-01T08:00:00Z.");
            }
            AttributionTable? table = null;
            if (parse.GetValue(attribution) is { } attributionPath)
            {
                if (!File.Exists(attributionPath))
                {
                    return Errors.Usage($"attribution file '{attributionPath}' does not exist.");
                }
                try
                {
                    table = AttributionTable.Load(attributionPath);
                }
                catch (Exception e) when (e is AttributionFileException or IOException or UnauthorizedAccessException)
                {
                    return Errors.Usage($"attribution file: {e.Message}");
                }
            }

            var readOptions = new ProxyLogReadOptions
            {
                Format = parse.GetValue(logFormat)!,
                PrefilterNeedles = parse.GetValue(fullParse) ? null : HubCatalog.PrefilterNeedles,
            };
            var stats = new ProxyLogStats();
            IEnumerable<ProxyRecord> records = inputs.SelectMany(input => ProxyLogReader.ReadFile(input, readOptions, stats));
            string chosen = parse.GetValue(format)!;
            string? outputPath = parse.GetValue(output);
            NetLogReport? report = null;
            // Acquisitions stream to the output as their joins close, so memory stays flat however many there are.
            async Task Produce(Stream sink)
            {
                var shown = new List<Acquisition>();
                long total = 0;
                using var json = chosen == "json" ? new NetLogJsonStreamWriter(sink) : null;
                await using var csv = chosen == "csv" ? new StreamWriter(sink, new UTF8Encoding(false), 1 << 16, leaveOpen: true) : null;
                if (csv is not null)
                {
                    NetLogCsv.WriteHeader(csv);
                }
                Action<Acquisition> onAcquisition = chosen switch
                {
                    "json" => json!.WriteAcquisition,
                    "csv" => a => NetLogCsv.WriteAcquisition(a, csv!),
                    _ => a =>
                    {
                        total++;
                        if (shown.Count < MaxTableRows)
                        {
                            shown.Add(a);
                        }
                    },
                };
                var analysis = new NetLogAnalysisOptions { Since = from, Until = to, Attribution = table, OnAcquisition = onAcquisition };
                report = await TerminalProgress.RunAsync("Reading proxy logs", _ => Task.FromResult(NetLogAnalyzer.Analyze(records, stats, analysis))).ConfigureAwait(false);
                if (json is not null)
                {
                    json.Finish(report);
                }
                else if (csv is not null)
                {
                    await csv.FlushAsync(cancellation).ConfigureAwait(false);
                }
                else
                {
                    await sink.WriteAsync(new UTF8Encoding(false).GetBytes(Table(report, shown, total)), cancellation).ConfigureAwait(false);
                }
                await sink.FlushAsync(cancellation).ConfigureAwait(false);
            }
            if (outputPath is null)
            {
                await using Stream stdout = Console.OpenStandardOutput();
                await Produce(stdout).ConfigureAwait(false);
            }
            else
            {
                await ReportOutput.WriteFileAsync(outputPath, Produce).ConfigureAwait(false);
            }
            // An input that stopped early (truncated gzip, read error) leaves the evidence incomplete: exit 3.
            return report!.Stats.InputProblems.Count > 0 ? ExitCodes.Incomplete : ExitCodes.Ok;
        });
        return command;
    }

    private static Command Sigma()
    {
        var output = new Option<string>("--output", "-o") { Description = "Directory to write the Sigma rules into (one .yml per rule).", Required = true };
        var command = new Command("sigma", "Write Lantern's Sigma rules: model and runtime downloads (proxy), runtime processes, local inference ports, hub DNS.") { output };
        command.SetAction(parse =>
        {
            IReadOnlyList<string> written = SigmaRuleSet.WriteTo(parse.GetValue(output)!);
            Console.Out.WriteLine($"Wrote {written.Count} Sigma rules to {parse.GetValue(output)}.");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Queries()
    {
        var backend = new Option<string>("--backend") { Description = "SIEM query language: splunk (SPL), kql (Sentinel ASIM), esql (Elastic ES|QL).", Required = true };
        backend.AcceptOnlyFromAmong([.. DetectionQueries.Backends]);
        var output = CommonOptions.Output();
        var command = new Command("queries", "Print ready-to-run SIEM searches equivalent to the Sigma rules; export their hits as JSON lines for netlog analyze.") { backend, output };
        command.SetAction(async (parse, cancellation) =>
        {
            await ReportOutput.WriteTextAsync(DetectionQueries.Render(parse.GetValue(backend)!), parse.GetValue(output), cancellation).ConfigureAwait(false);
            return ExitCodes.Ok;
        });
        return command;
    }

    internal static bool TryParseTime(string? value, out DateTimeOffset? time)
    {
        time = null;
        if (string.IsNullOrWhiteSpace(value))
        {
            return true;
        }
        if (DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out DateOnly date))
        {
            time = new DateTimeOffset(date.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
            return true;
        }
        // A time without an offset is UTC, like the logs Lantern normalises to.
        if (DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out DateTimeOffset parsed))
        {
            time = parsed;
            return true;
        }
        return false;
    }

    private const int MaxTableRows = 500;

    private static string Table(NetLogReport report, List<Acquisition> shown, long total)
    {
        var buffer = new StringWriter(CultureInfo.InvariantCulture);
        IAnsiConsole console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Out = new AnsiConsoleOutput(buffer),
            Interactive = InteractionSupport.No,
        });
        console.Profile.Width = 160;
        var acquisitions = new Table().Border(TableBorder.Rounded).Title("Acquisitions");
        acquisitions.AddColumns("First seen (UTC)", "Who", "Kind", "Hub", "Model / file", "Bytes", "Confidence");
        foreach (Acquisition a in shown)
        {
            acquisitions.AddRow(
                Markup.Escape(Time(a.FirstSeen)),
                Markup.Escape(Who(a.User, a.Hostname, a.ClientIp)),
                Markup.Escape(ReportName(a.Kind)),
                Markup.Escape(ReportName(a.Hub)),
                Markup.Escape(string.Join(" ", new[] { a.ModelId ?? a.Host, a.File }.Where(s => !string.IsNullOrEmpty(s)))),
                Markup.Escape(a.Bytes.ToString("N0", CultureInfo.InvariantCulture)),
                Markup.Escape(ReportName(a.Confidence)));
        }
        console.Write(acquisitions);
        if (total > shown.Count)
        {
            console.WriteLine($"… {total - shown.Count} more acquisitions; use --format json or csv for all.");
        }
        var access = new Table().Border(TableBorder.Rounded).Title("Hub access (browsing and API calls, not downloads)");
        access.AddColumns("Who", "Hub", "Model", "Page views", "API calls", "Last seen (UTC)");
        foreach (HubAccess h in report.HubAccess.Take(200))
        {
            access.AddRow(
                Markup.Escape(Who(h.User, h.Hostname, h.ClientIp)), Markup.Escape(ReportName(h.Hub)), Markup.Escape(h.ModelId ?? "-"),
                h.PageViews.ToString(CultureInfo.InvariantCulture), h.ApiCalls.ToString(CultureInfo.InvariantCulture), Markup.Escape(Time(h.LastSeen)));
        }
        console.Write(access);
        NetLogStatsReport s = report.Stats;
        console.WriteLine(
            $"{s.LinesRead:N0} lines read, {s.Parsed:N0} parsed, {s.Matched:N0} matched a hub, {s.Skipped:N0} skipped, {s.Malformed:N0} malformed; " +
            $"{s.Acquisitions:N0} acquisitions, {s.HubAccessEntries:N0} hub-access entries.");
        foreach (MalformedLineReport m in s.MalformedExamples)
        {
            console.WriteLine($"  malformed {m.Input}:{m.LineNumber}: {m.Reason}");
        }
        foreach (InputProblemReport p in s.InputProblems)
        {
            console.WriteLine($"  incomplete {p.Input}: {p.Reason}");
        }
        return buffer.ToString();
    }

    private static string Who(string? user, string? hostname, string? ip) =>
        string.Join(" ", new[] { user, hostname is null ? null : $"@{hostname}", ip is null ? null : $"({ip})" }.Where(s => s is not null));

    private static string Time(DateTimeOffset? time) =>
        time?.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) ?? "-";

    /// <summary>The name the JSON report uses for an enum value, so the table and the JSON agree.</summary>
    private static string ReportName<T>(T value)
        where T : struct, Enum
    {
        string name = value.ToString();
        return typeof(T).GetField(name)?.GetCustomAttribute<JsonStringEnumMemberNameAttribute>()?.Name ?? name.ToLowerInvariant();
    }
}
