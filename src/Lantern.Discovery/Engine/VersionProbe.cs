using System.Diagnostics;
using System.Text;

namespace Lantern.Discovery.Engine;

/// <summary>
/// Runs a runtime's own binary with a version flag. Bounded: a few seconds and a few KiB of
/// output, no stdin, killed with its process tree on timeout. Only executables found at a
/// runtime's known names and install locations are run — never a file found by the sweep.
/// </summary>
internal sealed class VersionProbe
{
    /// <summary>Output past this is dropped: version banners are one or two lines.</summary>
    private const int MaxOutputChars = 8 * 1024;

    private readonly TimeSpan _timeout;
    private readonly bool _enabled;

    public VersionProbe(TimeSpan timeout, bool enabled)
    {
        _timeout = timeout;
        _enabled = enabled;
    }

    public VersionProbeResult Run(string executable, IReadOnlyList<string> arguments, CancellationToken cancellation)
    {
        if (!_enabled)
        {
            return new VersionProbeResult(null, null, TimedOut: false, NotRun: "running runtime binaries is disabled (--no-exec)");
        }
        if (ExecutableTrust.WhyNotTrusted(executable) is { } distrust)
        {
            return new VersionProbeResult(null, null, TimedOut: false, NotRun: distrust);
        }
        var info = new ProcessStartInfo(executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            CreateNoWindow = true,
        };
        foreach (string argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }
        // A version query must not reach a server or pull anything: point clients at nowhere.
        info.Environment["OLLAMA_HOST"] = "127.0.0.1:1";
        try
        {
            using var process = Process.Start(info);
            if (process is null)
            {
                return new VersionProbeResult(null, "Process could not be started.", TimedOut: false);
            }
            process.StandardInput.Close();
            var stdout = new StringBuilder();
            var stderr = new StringBuilder();
            process.OutputDataReceived += (_, e) => Append(stdout, e.Data);
            process.ErrorDataReceived += (_, e) => Append(stderr, e.Data);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
            timeout.CancelAfter(_timeout);
            try
            {
                process.WaitForExitAsync(timeout.Token).GetAwaiter().GetResult();
            }
            catch (OperationCanceledException) when (!cancellation.IsCancellationRequested)
            {
                TryKill(process);
                return new VersionProbeResult(null, $"'{Path.GetFileName(executable)}' did not answer its version flag within {_timeout.TotalSeconds:0.#} s.", TimedOut: true);
            }
            process.WaitForExit();
            string output;
            lock (stdout)
            {
                lock (stderr)
                {
                    output = stdout.ToString() + stderr.ToString();
                }
            }
            return new VersionProbeResult(output, null, TimedOut: false);
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            return new VersionProbeResult(null, $"Could not run: {ex.Message}", TimedOut: false);
        }
        catch (InvalidOperationException ex)
        {
            return new VersionProbeResult(null, $"Could not run: {ex.Message}", TimedOut: false);
        }
    }

    private static void Append(StringBuilder builder, string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (builder)
        {
            if (builder.Length < MaxOutputChars)
            {
                builder.Append(line.AsSpan(0, Math.Min(line.Length, MaxOutputChars - builder.Length))).Append('\n');
            }
        }
    }

    private static void TryKill(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
        }
        catch (System.ComponentModel.Win32Exception)
        {
        }
    }
}

/// <summary>What running a version flag gave: output, an error (a problem), or why it was deliberately not run.</summary>
internal sealed record VersionProbeResult(string? Output, string? Error, bool TimedOut, string? NotRun = null);
