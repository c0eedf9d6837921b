using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Lantern.EndToEnd.Tests.Gateway;

/// <summary>
/// The real <c>lantern gateway</c> as a long-running child process: started with <c>--listen 127.0.0.1:0</c>, it is
/// ready once it prints its listening address on stderr, which also gives the verifier key.
/// </summary>
internal sealed partial class GatewayProcess : IDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _stderr = new();
    private readonly TaskCompletionSource<Uri> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private string? _verifierKey;

    private GatewayProcess(Process process)
    {
        _process = process;
    }

    public Uri ListenUri { get; private set; } = null!;
    public string VerifierKey => _verifierKey ?? throw new InvalidOperationException("no verifier key printed:\n" + Stderr);
    public string Stderr => string.Join('\n', _stderr);
    public int Id => _process.Id;

    [GeneratedRegex(@"listening on (?<uri>http://\S+) ")]
    private static partial Regex ListeningLine();

    [GeneratedRegex(@"verifier key (?<key>\S+)$")]
    private static partial Regex VerifierLine();

    public static async Task<GatewayProcess> StartAsync(params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(typeof(Lantern.Cli.Commands.LanternCommandLine).Assembly.Location);
        info.ArgumentList.Add("gateway");
        foreach (string arg in args)
        {
            info.ArgumentList.Add(arg);
        }
        var gateway = new GatewayProcess(Process.Start(info)!);
        gateway._process.ErrorDataReceived += (_, e) => gateway.OnStderr(e.Data);
        gateway._process.OutputDataReceived += (_, _) => { };
        gateway._process.BeginErrorReadLine();
        gateway._process.BeginOutputReadLine();
        Task exited = gateway._process.WaitForExitAsync();
        Task first = await Task.WhenAny(gateway._listening.Task, exited, Task.Delay(TimeSpan.FromSeconds(60)));
        if (first != gateway._listening.Task)
        {
            gateway.Dispose();
            throw new InvalidOperationException("lantern gateway did not start:\n" + gateway.Stderr);
        }
        gateway.ListenUri = await gateway._listening.Task;
        return gateway;
    }

    private void OnStderr(string? line)
    {
        if (line is null)
        {
            return;
        }
        _stderr.Enqueue(line);
        if (VerifierLine().Match(line) is { Success: true } key)
        {
            _verifierKey = key.Groups["key"].Value;
        }
        if (ListeningLine().Match(line) is { Success: true } listen)
        {
            _listening.TrySetResult(new Uri(listen.Groups["uri"].Value));
        }
    }

    /// <summary>SIGTERM, then waits for the exit code (the gateway writes its final checkpoint first).</summary>
    public async Task<int> TerminateAsync()
    {
        using (Process kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!)
        {
            await kill.WaitForExitAsync();
        }
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(40));
        await _process.WaitForExitAsync(timeout.Token);
        return _process.ExitCode;
    }

    /// <summary>SIGKILL on Linux: no shutdown code runs.</summary>
    public void KillHard()
    {
        _process.Kill();
        _process.WaitForExit();
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }
        _process.Dispose();
    }
}
