using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using Lantern.Testing;
using Lantern.Testing.Servers;

namespace Lantern.EndToEnd.Tests.Gateway;

/// <summary>
/// The durability promise (issue 7, docs/gateway.md "Terminal states and the durability guarantee"): after
/// <c>kill -9</c> under load, every call that received a complete response has its record, and verify passes.
/// </summary>
public class GatewayCrashTests
{
    private const int Clients = 32;
    private static readonly TimeSpan LoadTime = TimeSpan.FromSeconds(3);

    [Theory]
    [InlineData("always")]
    [InlineData("interval")] // records are appended inline by the calls themselves: the promise is the same for kill -9
    public async Task KillDashNine_UnderLoad_EveryCompletedResponseHasItsRecord_AndVerifyPasses(string fsync)
    {
        using var dir = new TempDirectory();
        string policy = dir.File("policy.yaml");
        await File.WriteAllTextAsync(policy, GatewayUpstream.Policy);
        string audit = Path.Combine(dir.Path, "audit");
        // Streams pause between chunks so that many calls are mid-response when the gateway dies.
        await using var upstream = new FakeInferenceUpstream(r => GatewayUpstream.Handle(r, TimeSpan.FromMilliseconds(20)));
        using GatewayProcess gateway = await GatewayProcess.StartAsync("--listen", "127.0.0.1:0", "--upstream", upstream.BaseUri.AbsoluteUri,
            "--policy", policy, "--audit-dir", audit, "--fsync", fsync);
        string verifierKey = gateway.VerifierKey;

        var completed = new ConcurrentBag<string>();
        int failedAfterKill = 0;
        using var stop = new CancellationTokenSource();
        using var client = new HttpClient(new SocketsHttpHandler { UseProxy = false, MaxConnectionsPerServer = Clients })
        {
            BaseAddress = gateway.ListenUri,
            Timeout = TimeSpan.FromSeconds(10),
        };
        string streamBody = string.Concat(GatewayUpstream.ChatStream.Select(l => l + "\n"));

        async Task Worker(int worker)
        {
            for (int i = 0; !stop.IsCancellationRequested; i++)
            {
                bool streamed = (worker + i) % 2 == 0;
                string body = streamed
                    ? """{"model":"llama3.2","messages":[{"role":"user","content":"hi"}]}"""
                    : """{"model":"llama3.2","messages":[{"role":"user","content":"hi"}],"stream":false}""";
                try
                {
                    using HttpResponseMessage response = await client.PostAsync("/api/chat", new StringContent(body), CancellationToken.None);
                    string text = Encoding.UTF8.GetString(await response.Content.ReadAsByteArrayAsync(CancellationToken.None));
                    // Complete means: success status and the whole body, as the upstream sent it.
                    if (response.StatusCode == HttpStatusCode.OK && text == (streamed ? streamBody : GatewayUpstream.ChatJson))
                    {
                        completed.Add(response.Headers.GetValues("X-Lantern-Record-Id").Single());
                    }
                }
                catch (Exception e) when (e is HttpRequestException or IOException or TaskCanceledException)
                {
                    Interlocked.Increment(ref failedAfterKill);
                    if (!stop.IsCancellationRequested)
                    {
                        await Task.Delay(5);
                    }
                }
            }
        }

        Task[] workers = [.. Enumerable.Range(0, Clients).Select(w => Task.Run(() => Worker(w)))];
        await Task.Delay(LoadTime);
        int before = completed.Count;
        var killed = Stopwatch.StartNew();
        gateway.KillHard();
        // Keep the clients going briefly so that calls in flight at the kill end as failures, then stop them.
        await Task.Delay(300);
        stop.Cancel();
        await Task.WhenAll(workers);

        Assert.True(before > 100, $"only {before} calls completed under load; the test did not load the gateway");
        Assert.True(failedAfterKill > 0, "no call was in flight when the gateway was killed");

        var logged = new HashSet<string>(StringComparer.Ordinal);
        foreach (string segment in Directory.GetFiles(audit, "audit-*.jsonl"))
        {
            foreach (string line in await File.ReadAllLinesAsync(segment))
            {
                try
                {
                    using JsonDocument record = JsonDocument.Parse(line);
                    logged.Add(record.RootElement.GetProperty("id").GetString()!);
                }
                catch (JsonException)
                {
                    // A torn last line is allowed; verify below says whether it is only that.
                }
            }
        }
        string[] missing = [.. completed.Where(id => !logged.Contains(id))];
        Assert.True(missing.Length == 0, $"{missing.Length} of {completed.Count} completed responses have no record, e.g. {missing.FirstOrDefault()}");

        (int exit, string stdout, string stderr) = CliRun.Run("audit", "verify", audit, "--key", verifierKey);
        Assert.True(exit == 0, stdout + stderr);
        Assert.Contains("VERIFIED", stdout, StringComparison.Ordinal);
        Assert.True(killed.Elapsed < TimeSpan.FromSeconds(15));
    }
}
