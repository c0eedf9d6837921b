using Lantern.Core.Reporting;

namespace Lantern.Cli.Commands;

/// <summary>Usage errors: one line on stderr, exit 2.</summary>
internal static class Errors
{
    public static int Usage(string message)
    {
        Console.Error.WriteLine($"lantern: {message}");
        return ExitCodes.Usage;
    }
}
