using System.CommandLine;
using Lantern.Core.Reporting;
using Lantern.Governance.Advisories;

namespace Lantern.Cli.Commands;

/// <summary><c>lantern advisories import PATH</c>: add OSV advisories for offline updates.</summary>
internal static class AdvisoriesCommand
{
    public static Command Create()
    {
        var path = new Argument<string>("path") { Description = "An OSV JSON file, a directory of them, or a zip of them (such as OSV's per-ecosystem all.zip)." };
        var target = new Option<string?>("--store") { Description = "Advisory store to import into (default: the user's Lantern data directory)." };
        var import = new Command("import", "Import OSV advisories so scans match runtime versions against them.") { path, target };
        import.SetAction(parse =>
        {
            string source = parse.GetValue(path)!;
            if (!File.Exists(source) && !Directory.Exists(source))
            {
                return Errors.Usage($"'{source}' does not exist.");
            }
            string store = parse.GetValue(target) ?? AdvisoryDatabase.DefaultImportDirectory();
            ImportReport report = AdvisoryImporter.Import(source, store);
            if (report.Failure is not null)
            {
                return Errors.Usage($"import failed: {report.Failure}");
            }
            Console.Out.WriteLine($"Imported {report.Imported.Count} advisories into {store}; {report.NotRelevant} concern no runtime Lantern knows; {report.Skipped.Count} were invalid.");
            foreach (ImportSkip skipped in report.Skipped.Take(20))
            {
                Console.Error.WriteLine($"  skipped {skipped}");
            }
            // Invalid documents mean the import was not complete: say so in the exit code (3).
            return report.Skipped.Count > 0 ? ExitCodes.Incomplete : ExitCodes.Ok;
        });

        var list = new Command("list", "List the advisories Lantern knows (shipped and imported).");
        list.SetAction(_ =>
        {
            var database = AdvisoryDatabase.LoadDefault(AdvisoryDatabase.DefaultImportDirectory());
            Console.Out.WriteLine($"{database.Count} advisories loaded.");
            return ExitCodes.Ok;
        });
        return new Command("advisories", "Manage the advisory data used to flag vulnerable runtime versions.") { import, list };
    }
}
