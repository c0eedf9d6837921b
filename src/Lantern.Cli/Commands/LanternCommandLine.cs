using System.CommandLine;

namespace Lantern.Cli.Commands;

/// <summary>Builds the command tree. Each command lives in its own file; this only wires them.</summary>
internal static class LanternCommandLine
{
    public static RootCommand Build()
    {
        var root = new RootCommand("Lantern: inventory, vetting and governance of on-device AI.");
        return root;
    }

    public static Task<int> InvokeAsync(string[] args) => Build().Parse(args).InvokeAsync();
}
