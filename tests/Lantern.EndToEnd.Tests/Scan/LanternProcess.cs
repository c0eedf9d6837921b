using System.Diagnostics;
using Lantern.Testing.Endpoints;

namespace Lantern.EndToEnd.Tests.Scan;

/// <summary>
/// Runs the real <c>lantern</c> CLI as a child process with the fixture endpoint as its world:
/// HOME, PATH and the XDG/HF/Ollama variables point into the fixture, so nothing of the machine
/// running the tests leaks into the report.
/// </summary>
internal static class LanternProcess
{
    public static (int ExitCode, string Stdout, string Stderr) Run(FixtureEndpoint endpoint, params string[] args) =>
        RunAs(endpoint, unprivileged: false, args);

    /// <summary>
    /// As <see cref="Run"/>, but when the tests run as root the CLI is started as <c>nobody</c> (setpriv), so
    /// file permissions bite as they do for an ordinary user. The caller must make the fixture readable by nobody.
    /// </summary>
    public static (int ExitCode, string Stdout, string Stderr) RunAs(FixtureEndpoint endpoint, bool unprivileged, params string[] args)
    {
        string cli = typeof(Lantern.Cli.Commands.LanternCommandLine).Assembly.Location;
        bool dropRoot = unprivileged && Environment.UserName == "root";
        var info = new ProcessStartInfo(dropRoot ? "setpriv" : "dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (dropRoot)
        {
            // The checkout may sit where nobody cannot read it: run a copy of the CLI from inside the fixture.
            cli = CopyCli(Path.GetDirectoryName(cli)!, Path.Combine(endpoint.Root, "cli"));
            foreach (string arg in new[] { "--reuid=65534", "--regid=65534", "--clear-groups", "--", "dotnet" })
            {
                info.ArgumentList.Add(arg);
            }
            info.Environment["DOTNET_CLI_HOME"] = endpoint.Home;
        }
        info.ArgumentList.Add(cli);
        foreach (string arg in args)
        {
            info.ArgumentList.Add(arg);
        }
        foreach (string name in new[] { "OLLAMA_MODELS", "HF_HOME", "HF_HUB_CACHE", "HUGGINGFACE_HUB_CACHE", "LLAMA_CACHE", "XDG_CACHE_HOME", "XDG_DATA_HOME", "XDG_CONFIG_HOME", "JAN_DATA_FOLDER", "DATA_DIR", "VLLM_CACHE_ROOT", "LOCALAI_MODELS_PATH", "FOUNDRY_LOCAL_CACHE_DIR" })
        {
            info.Environment.Remove(name);
        }
        info.Environment["HOME"] = endpoint.Home;
        info.Environment["PATH"] = endpoint.Bin + ":/usr/bin:/bin";
        info.Environment["XDG_CACHE_HOME"] = Path.Combine(endpoint.Root, "xdg-cache");
        info.Environment["XDG_DATA_HOME"] = Path.Combine(endpoint.Root, "xdg-data");
        foreach (var (key, value) in endpoint.Variables)
        {
            info.Environment[key] = value;
        }
        using var process = Process.Start(info)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("lantern did not finish within 2 minutes.");
        }
        return (process.ExitCode, stdout.Result, stderr.Result);
    }

    private static string CopyCli(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (string file in Directory.EnumerateFiles(from))
        {
            string name = Path.GetFileName(file);
            if (name.EndsWith(".dll", StringComparison.Ordinal) || name.StartsWith("lantern.", StringComparison.Ordinal))
            {
                File.Copy(file, Path.Combine(to, name), overwrite: true);
            }
        }
        using var chown = Process.Start("chown", ["-R", "65534:65534", to])!;
        chown.WaitForExit();
        return Path.Combine(to, "lantern.dll");
    }
}
