using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Lantern.Testing.Squid;

/// <summary>
/// A real Squid (Debian's <c>squid</c> package) on a free loopback port, configured in a temporary folder:
/// no cache, no DNS (a <c>hosts_file</c> points the given host names at 127.0.0.1), the access log in Squid's
/// default native format (<c>squid</c> logformat, compliance.md §7). Runs in the foreground (<c>-N</c>) as the
/// current user, or as <c>nobody</c> when the tests run as root (Squid refuses to keep root privileges).
/// <see cref="Stop"/> (or Dispose) shuts it down cleanly so that the access log is complete on disk.
/// Start takes well under a second and shutdown about one (shutdown_lifetime 0).
/// </summary>
public sealed class SquidProxy : IDisposable
{
    /// <summary>Path of the Squid binary, or null when it is not installed.</summary>
    public static string? SquidPath { get; } = File.Exists("/usr/sbin/squid") ? "/usr/sbin/squid" : null;

    public const string SquidMissing = "/usr/sbin/squid is not installed (apt-get install squid); the Squid integration test needs a real Squid (CI's .ci/run installs it).";

    /// <summary>How long start-up may take before the harness gives up (a cold start is ~0.3 s).</summary>
    private static readonly TimeSpan s_startTimeout = TimeSpan.FromSeconds(20);

    private readonly TempDirectory _dir;
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private bool _stopped;

    private SquidProxy(TempDirectory dir, Process process, int port)
    {
        _dir = dir;
        _process = process;
        Port = port;
    }

    public int Port { get; }

    public Uri ProxyUri => new("http://127.0.0.1:" + Port.ToString(CultureInfo.InvariantCulture) + "/");

    /// <summary>Squid's access log (native <c>squid</c> format); complete once <see cref="Stop"/> returned.</summary>
    public string AccessLogPath => Path.Combine(_dir.Path, "access.log");

    public string CacheLogPath => Path.Combine(_dir.Path, "cache.log");

    public string ConfigPath => Path.Combine(_dir.Path, "squid.conf");

    /// <summary>Starts Squid and waits until its port accepts connections.</summary>
    /// <param name="hostNames">Names the hosts_file maps to 127.0.0.1.</param>
    /// <param name="stripQueryTerms">
    /// Squid's default (<c>strip_query_terms on</c>) logs URLs without their query; off keeps it, as proxies
    /// configured for audit do, so the Hugging Face file name in <c>response-content-disposition</c> reaches the log.
    /// </param>
    public static SquidProxy Start(IEnumerable<string> hostNames, bool stripQueryTerms = false)
    {
        ArgumentNullException.ThrowIfNull(hostNames);
        string squid = SquidPath ?? throw new InvalidOperationException(SquidMissing);
        var dir = new TempDirectory("lantern-squid");
        try
        {
            string? effectiveUser = null;
            if (Environment.IsPrivilegedProcess)
            {
                // Squid drops root to cache_effective_user; that user must be able to write the logs and pid file.
                effectiveUser = "nobody";
                File.SetUnixFileMode(dir.Path, (UnixFileMode)0x1FF); // 0777
            }
            int port = FreePort();
            File.WriteAllText(Path.Combine(dir.Path, "hosts"), "127.0.0.1 " + string.Join(' ', hostNames) + "\n");
            File.WriteAllText(Path.Combine(dir.Path, "squid.conf"), Config(dir.Path, port, effectiveUser, stripQueryTerms));
            var info = new ProcessStartInfo(squid)
            {
                ArgumentList = { "-N", "-f", Path.Combine(dir.Path, "squid.conf") },
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                WorkingDirectory = dir.Path,
            };
            Process process = Process.Start(info) ?? throw new InvalidOperationException("squid did not start");
            var proxy = new SquidProxy(dir, process, port);
            process.OutputDataReceived += proxy.OnOutput;
            process.ErrorDataReceived += proxy.OnOutput;
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            proxy.WaitUntilListening();
            return proxy;
        }
        catch
        {
            dir.Dispose();
            throw;
        }
    }

    /// <summary>An HttpClient that sends every request through this Squid.</summary>
    public HttpClient CreateClient(bool followRedirects = true)
    {
#pragma warning disable CA2000 // the handler is owned and disposed by the HttpClient (disposeHandler: true)
        var handler = new SocketsHttpHandler
        {
            Proxy = new WebProxy(ProxyUri),
            UseProxy = true,
            AllowAutoRedirect = followRedirects,
            MaxAutomaticRedirections = 5,
            AutomaticDecompression = DecompressionMethods.None,
        };
        return new HttpClient(handler, disposeHandler: true) { Timeout = TimeSpan.FromSeconds(30) };
#pragma warning restore CA2000
    }

    /// <summary>Shuts Squid down (<c>-k shutdown</c>) and waits for it, so the access log is flushed.</summary>
    public void Stop()
    {
        if (_stopped)
        {
            return;
        }
        _stopped = true;
        if (!_process.HasExited)
        {
            using (Process? signal = Process.Start(new ProcessStartInfo(SquidPath!)
            {
                ArgumentList = { "-k", "shutdown", "-f", ConfigPath },
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            }))
            {
                signal?.WaitForExit(10_000);
            }
            if (!_process.WaitForExit(15_000))
            {
                _process.Kill();
                _process.WaitForExit(5_000);
                throw new InvalidOperationException("squid did not shut down within 15 s; killed. " + Diagnostics());
            }
        }
    }

    /// <summary>The access log lines Squid wrote; stops Squid first if it still runs.</summary>
    public IReadOnlyList<string> ReadAccessLog()
    {
        Stop();
        return File.Exists(AccessLogPath) ? File.ReadAllLines(AccessLogPath) : [];
    }

    /// <summary>Squid's own output and the tail of cache.log, for failure messages.</summary>
    public string Diagnostics()
    {
        string cacheLog = File.Exists(CacheLogPath) ? File.ReadAllText(CacheLogPath) : "(no cache.log)";
        if (cacheLog.Length > 4000)
        {
            cacheLog = cacheLog[^4000..];
        }
        lock (_output)
        {
            return "squid output: " + _output + "\ncache.log: " + cacheLog;
        }
    }

    public void Dispose()
    {
        try
        {
            Stop();
        }
        finally
        {
            _process.Dispose();
            _dir.Dispose();
        }
    }

    private void OnOutput(object sender, DataReceivedEventArgs e)
    {
        if (e.Data is null)
        {
            return;
        }
        lock (_output)
        {
            if (_output.Length < 16_000)
            {
                _output.AppendLine(e.Data);
            }
        }
    }

    private void WaitUntilListening()
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < s_startTimeout)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException("squid exited during start-up with code " + _process.ExitCode.ToString(CultureInfo.InvariantCulture) + ". " + Diagnostics());
            }
            try
            {
                using var probe = new TcpClient();
                probe.Connect(IPAddress.Loopback, Port);
                return;
            }
            catch (SocketException)
            {
                Thread.Sleep(50);
            }
        }
        _process.Kill();
        throw new InvalidOperationException("squid did not listen within " + s_startTimeout.TotalSeconds.ToString(CultureInfo.InvariantCulture) + " s. " + Diagnostics());
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>squid.conf for a private, cacheless, DNS-less proxy (squid-cache.org/Doc/config/ for each directive).</summary>
    private static string Config(string dir, int port, string? effectiveUser, bool stripQueryTerms)
    {
        var conf = new StringBuilder();
        conf.Append("http_port 127.0.0.1:").Append(port.ToString(CultureInfo.InvariantCulture)).Append('\n');
        conf.Append("visible_hostname lantern-test\n");
        conf.Append("acl lantern_client src 127.0.0.1/32\n");
        conf.Append("http_access allow lantern_client\n");
        conf.Append("http_access deny all\n");
        conf.Append("cache deny all\n");
        conf.Append("cache_mem 8 MB\n");
        conf.Append("hosts_file ").Append(Path.Combine(dir, "hosts")).Append('\n');
        // Every name the tests use is in hosts_file; a nameserver that answers nothing keeps Squid off the network.
        conf.Append("dns_nameservers 127.0.0.1\n");
        conf.Append("access_log stdio:").Append(Path.Combine(dir, "access.log")).Append(" squid\n");
        conf.Append("cache_log ").Append(Path.Combine(dir, "cache.log")).Append('\n');
        conf.Append("pid_filename ").Append(Path.Combine(dir, "squid.pid")).Append('\n');
        conf.Append("coredump_dir ").Append(dir).Append('\n');
        conf.Append("netdb_filename none\n");
        conf.Append("pinger_enable off\n");
        conf.Append("logfile_rotate 0\n");
        conf.Append("strip_query_terms ").Append(stripQueryTerms ? "on" : "off").Append('\n');
        // Close client connections at once on shutdown instead of the default 30 s grace period.
        conf.Append("shutdown_lifetime 0 seconds\n");
        if (effectiveUser is not null)
        {
            conf.Append("cache_effective_user ").Append(effectiveUser).Append('\n');
        }
        return conf.ToString();
    }
}
