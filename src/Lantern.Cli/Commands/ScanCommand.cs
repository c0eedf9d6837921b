using System.CommandLine;
using Lantern.Cli.Output;
using Lantern.Core.Findings;
using Lantern.Core.Model;
using Lantern.Core.Reporting;
using Lantern.Discovery;
using Lantern.Discovery.Engine;
using Lantern.Governance.Advisories;
using Lantern.Governance.Enrichment;
using Lantern.Governance.Policy;
using Lantern.Vetting.Engine;
using Lantern.Vetting.Integration;

namespace Lantern.Cli.Commands;

/// <summary><c>lantern scan</c>: inventory of on-device AI on this endpoint.</summary>
internal static class ScanCommand
{
    public static Command Create()
    {
        var format = CommonOptions.Format("table", [.. ReportRenderer.FormatNames]);
        var output = CommonOptions.Output();
        var allUsers = new Option<bool>("--all-users") { Description = "Sweep every home (/home/*, /Users/*, C:\\Users\\*), not only the current user's. Needs the rights to read them." };
        var paths = new Option<string[]>("--path") { Description = "Extra directory to sweep for model files (repeatable).", AllowMultipleArgumentsPerToken = false, Arity = ArgumentArity.ZeroOrMore };
        var timeBudget = new Option<string>("--time-budget") { Description = "Wall-clock budget for the file sweep, e.g. 90s, 10m, 1h. Past it the scan reports itself incomplete.", DefaultValueFactory = _ => "10m" };
        var noHash = new Option<bool>("--no-hash") { Description = "Skip SHA-256 hashing of model files (digests the runtime already names are still reported)." };
        var verify = new Option<bool>("--verify-digests") { Description = "Re-hash blobs that Ollama and Hugging Face name by digest and report any that do not match." };
        var noHomes = new Option<bool>("--no-home-sweep") { Description = "Do not sweep home directories by content; look only in runtime stores and --path roots." };
        var noProbe = new Option<bool>("--no-probe") { Description = "Do not send HTTP probes to loopback listeners." };
        var noExec = new Option<bool>("--no-exec") { Description = "Do not run runtime binaries with their version flag." };
        var failOn = CommonOptions.FailOn();
        var noCache = new Option<bool>("--no-cache") { Description = "Do not read or write the digest and verdict caches." };
        var noVet = new Option<bool>("--no-vet") { Description = "Do not vet model files for malicious content (no verdicts, no vetting findings)." };
        var policyOption = new Option<string?>("--policy") { Description = "Check the inventory against this policy file and report LNT-POL-* findings (docs/policy.md)." };

        var command = new Command("scan", "Find AI runtimes, model files, inference servers and GPU use on this endpoint.")
        {
            format, output, allUsers, paths, timeBudget, noHash, verify, noHomes, noProbe, noExec, failOn, noCache, noVet, policyOption,
        };
        command.SetAction(async (parse, cancellation) =>
        {
            if (!Durations.TryParse(parse.GetValue(timeBudget)!, out TimeSpan budget))
            {
                return Errors.Usage($"--time-budget '{parse.GetValue(timeBudget)}' is not a duration like 90s, 10m or 1h.");
            }
            if (!ReportRenderer.TryParseFormat(parse.GetValue(format), out ReportFormat reportFormat))
            {
                return Errors.Usage($"--format '{parse.GetValue(format)}' is not one of {string.Join(", ", ReportRenderer.FormatNames)}.");
            }
            if (!CommonOptions.TryParseSeverity(parse.GetValue(failOn)!, out Severity threshold))
            {
                return Errors.Usage($"--fail-on '{parse.GetValue(failOn)}' is not one of info, low, medium, high, critical.");
            }
            // The policy is loaded before any work: an invalid one is refused (exit 2), never half-applied.
            DateOnly today = DateOnly.FromDateTime(DateTime.UtcNow);
            LocalAiPolicy? policy = null;
            if (parse.GetValue(policyOption) is { } policyPath)
            {
                policy = GovernanceInputs.LoadPolicy(policyPath, today, out int policyExit);
                if (policy is null)
                {
                    return policyExit;
                }
            }
            string[] extra = parse.GetValue(paths) ?? [];
            foreach (string root in extra)
            {
                if (!Directory.Exists(root) && !File.Exists(root))
                {
                    return Errors.Usage($"--path '{root}' does not exist.");
                }
            }

            var options = new ScanOptions
            {
                ExtraRoots = extra.Select(Path.GetFullPath).ToList(),
                TimeBudget = budget,
                Hash = !parse.GetValue(noHash),
                VerifyDigests = parse.GetValue(verify),
                SweepHomes = !parse.GetValue(noHomes),
                ProbeServers = !parse.GetValue(noProbe),
                RunBinaries = !parse.GetValue(noExec),
                DigestCachePath = parse.GetValue(noCache) ? null : ScanOptions.DefaultDigestCachePath(),
            };
            ScanEnvironment environment = ScanEnvironment.FromCurrentProcess(parse.GetValue(allUsers));
            bool vet = !parse.GetValue(noVet);
            bool cache = !parse.GetValue(noCache);
            Inventory inventory = await TerminalProgress.RunAsync("Scanning", async progress =>
            {
                Inventory found = await new DiscoveryEngine(DetectorRegistry.All, options with { Progress = progress }).ScanAsync(environment, cancellation).ConfigureAwait(false);
                found = InventoryEnricher.Enrich(found, AdvisoryDatabase.LoadDefault(AdvisoryDatabase.DefaultImportDirectory()));
                if (!vet)
                {
                    return found;
                }
                // The vet engine judges every artifact once per digest; verdicts are cached beside the digest cache.
                progress?.Report(new ScanProgress("vetting", 0, found.Artifacts.Count));
                VerdictCache verdicts = cache ? VerdictCache.Load(VerdictCache.DefaultPath()) : VerdictCache.InMemory();
                return InventoryVetting.Apply(found, new ModelVetter(), verdicts, cancellation);
            }).ConfigureAwait(false);

            if (policy is not null)
            {
                inventory = GovernanceInputs.ApplyPolicy(inventory, policy, today);
            }
            await ReportOutput.WriteAsync(inventory, reportFormat, parse.GetValue(output), cancellation).ConfigureAwait(false);
            return ExitCodeFor(inventory, threshold);
        });
        return command;
    }

    /// <summary>Findings at or above the threshold win over incompleteness: the actionable news first.</summary>
    internal static int ExitCodeFor(Inventory inventory, Severity threshold)
    {
        if (inventory.Findings.Any(f => f.Severity >= threshold))
        {
            return ExitCodes.Findings;
        }
        return inventory.Complete && inventory.Problems.Count == 0 ? ExitCodes.Ok : ExitCodes.Incomplete;
    }
}
