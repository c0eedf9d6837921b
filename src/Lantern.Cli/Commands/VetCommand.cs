using System.CommandLine;
using System.Text;
using System.Text.RegularExpressions;
using Lantern.Cli.Output;
using Lantern.Core.Reporting;
using Lantern.Vetting.Engine;
using Lantern.Vetting.Integration;

namespace Lantern.Cli.Commands;

/// <summary>
/// <c>lantern vet PATH...</c>: judges model files statically, never executing them (docs/vet.md).
/// Exit codes: 0 every file safe or not a model; 1 any suspicious, malicious or malformed; 3 the worst is incomplete; 2 usage.
/// </summary>
internal static partial class VetCommand
{
    public static Command Create()
    {
        var paths = new Argument<string[]>("paths") { Description = "Files, directories (walked, judged by content) or archives to vet.", Arity = ArgumentArity.OneOrMore };
        var format = CommonOptions.Format("table", "table", "json", "sarif");
        var output = CommonOptions.Output();
        var profile = new Option<string?>("--profile")
        {
            Description = "Framework profile for pickle allowlists (e.g. pytorch, numpy, sklearn, xgboost, transformers, ultralytics) instead of guessing it from the content.",
        };
        var command = new Command("vet", "Judge model files statically for malicious or malformed content, never executing them.")
        {
            paths, format, output, profile,
        };
        command.SetAction(async (parse, cancellation) =>
        {
            string[] targets = parse.GetValue(paths) ?? [];
            foreach (string target in targets)
            {
                if (!File.Exists(target) && !Directory.Exists(target))
                {
                    return Errors.Usage($"'{target}' does not exist.");
                }
            }
            string? profileName = parse.GetValue(profile);
            if (profileName is not null && !ProfileName().IsMatch(profileName))
            {
                return Errors.Usage($"--profile '{profileName}' is not a profile name (lowercase letters, digits, '-', '_', '.').");
            }
            var engine = new ModelVetter(new VettingLimits { ProfileHint = profileName });
            PathVettingResult run = await Task.Run(() => PathVetting.Vet(targets, engine, DirectoryVetterRegistry.All, cancellation), cancellation).ConfigureAwait(false);
            VetReport report = VetReport.From(run, Environment.CurrentDirectory);
            await WriteAsync(report, parse.GetValue(format)!, parse.GetValue(output), cancellation).ConfigureAwait(false);
            return ExitCodeFor(report.Worst);
        });
        return command;
    }

    internal static int ExitCodeFor(Verdict worst) => worst switch
    {
        Verdict.Malicious or Verdict.Suspicious or Verdict.Malformed => ExitCodes.Findings,
        Verdict.Incomplete => ExitCodes.Incomplete,
        _ => ExitCodes.Ok,
    };

    internal static void Render(VetReport report, string format, TextWriter writer, bool colors)
    {
        switch (format.ToLowerInvariant())
        {
            case "json":
                VetReportJsonWriter.Write(report, writer);
                break;
            case "sarif":
                SarifWriter.Write(report, writer);
                break;
            default:
                VetReportTableWriter.Write(report, ReportRenderer.CreateConsole(writer, colors));
                break;
        }
        writer.Flush();
    }

    private static async Task WriteAsync(VetReport report, string format, string? outputPath, CancellationToken cancellation)
    {
        if (outputPath is null)
        {
            // Console.Out, not the raw stdout stream, so in-process callers (tests) can capture it.
            Render(report, format, Console.Out, colors: format == "table" && !Console.IsOutputRedirected);
            await Console.Out.FlushAsync(cancellation).ConfigureAwait(false);
            return;
        }
        await ReportOutput.WriteFileAsync(outputPath, async stream =>
        {
            await using var writer = new StreamWriter(stream, new UTF8Encoding(false), leaveOpen: true);
            Render(report, format, writer, colors: false);
            await writer.FlushAsync(cancellation).ConfigureAwait(false);
        }).ConfigureAwait(false);
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9._-]{0,63}$", RegexOptions.CultureInvariant)]
    private static partial Regex ProfileName();
}
