using System.CommandLine;

namespace Lantern.Cli.Commands;

/// <summary>Builds the command tree. Each command lives in its own file; this only wires them.</summary>
internal static class LanternCommandLine
{
    public static RootCommand Build()
    {
        var root = new RootCommand("Lantern: inventory, vetting and governance of on-device AI.")
        {
            ScanCommand.Create(),
            AdvisoriesCommand.Create(),
            VetCommand.Create(),
            PolicyCommand.Create(),
            RegistryCommand.Create(),
            ControlsCommand.Create(),
            ReportCommand.Create(),
            NetLogCommand.Create(),
            GatewayCommand.Create(),
            AuditCommand.Create(),
        };
        return root;
    }

    public static async Task<int> InvokeAsync(string[] args)
    {
        ParseResult parse = Build().Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors)
            {
                await Console.Error.WriteLineAsync($"lantern: {error.Message}").ConfigureAwait(false);
            }
            return Core.Reporting.ExitCodes.Usage;
        }
        return await parse.InvokeAsync().ConfigureAwait(false);
    }
}
