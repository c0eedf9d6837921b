using System.Diagnostics;

namespace Lantern.EndToEnd.Tests.Gateway;

/// <summary>Runs a short-lived <c>lantern</c> command (audit verify, export) and returns its exit code and output.</summary>
internal static class CliRun
{
    public static (int ExitCode, string Stdout, string Stderr) Run(params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(typeof(Lantern.Cli.Commands.LanternCommandLine).Assembly.Location);
        foreach (string arg in args)
        {
            info.ArgumentList.Add(arg);
        }
        using var process = Process.Start(info)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(1)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("lantern did not finish within a minute.");
        }
        return (process.ExitCode, stdout.Result, stderr.Result);
    }
}
