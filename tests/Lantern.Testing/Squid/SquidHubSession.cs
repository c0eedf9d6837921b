using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Lantern.Testing.Squid;

/// <summary>
/// Runs the canned model downloads through a real Squid in front of a <see cref="FakeModelHub"/> and then
/// shuts Squid down, leaving its access log on disk at <see cref="AccessLogPath"/> until disposed — the input
/// for tests that run <c>lantern netlog analyze</c> over a log Squid itself wrote. Downloads: a Hugging Face
/// GGUF (resolve 302 → CDN 200), an Ollama pull of <c>llama3.2:1b</c> (manifest, config blob through its 307,
/// model blob as a 307 then two parallel range parts from R2), a llama.cpp release zip (302 → release-assets).
/// The whole run takes a second or two (8 MB + 4 MB bodies over loopback).
/// </summary>
public sealed class SquidHubSession : IDisposable
{
    private SquidHubSession(FakeModelHub hub, SquidProxy proxy)
    {
        Hub = hub;
        Proxy = proxy;
    }

    public FakeModelHub Hub { get; }

    public SquidProxy Proxy { get; }

    public string AccessLogPath => Proxy.AccessLogPath;

    /// <summary>Body bytes the client received per request it made, keyed by the URL it asked for.</summary>
    public Dictionary<string, long> ReceivedBytes { get; } = [];

    /// <summary>Wall-clock time of the downloads plus Squid's shutdown.</summary>
    public TimeSpan Elapsed { get; private set; }

    /// <summary>Starts hub and Squid, performs every download, stops Squid. Throws with Squid's diagnostics on failure.</summary>
    public static async Task<SquidHubSession> RunDownloadsAsync(int ggufBytes = 8 * 1024 * 1024, int ollamaModelBytes = 4 * 1024 * 1024, bool stripQueryTerms = false)
    {
#pragma warning disable CA2000 // ownership moves to the session, disposed by the caller; on failure both are disposed below
        var hub = new FakeModelHub(ggufBytes, ollamaModelBytes);
        SquidProxy proxy;
        try
        {
            proxy = SquidProxy.Start(FakeModelHub.HostNames, stripQueryTerms);
        }
        catch
        {
            hub.Dispose();
            throw;
        }
        var session = new SquidHubSession(hub, proxy);
#pragma warning restore CA2000
        try
        {
            var clock = Stopwatch.StartNew();
            await session.DownloadAllAsync().ConfigureAwait(false);
            proxy.Stop();
            session.Elapsed = clock.Elapsed;
            return session;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or InvalidOperationException)
        {
            string diagnostics = proxy.Diagnostics() + "\nhub saw: " + string.Join(" | ", hub.Requests);
            session.Dispose();
            throw new InvalidOperationException("download through squid failed: " + e.Message + "\n" + diagnostics, e);
        }
    }

    public void Dispose()
    {
        Proxy.Dispose();
        Hub.Dispose();
    }

    private async Task DownloadAllAsync()
    {
        using HttpClient following = Proxy.CreateClient(followRedirects: true);
        using HttpClient raw = Proxy.CreateClient(followRedirects: false);
        following.DefaultRequestHeaders.UserAgent.ParseAdd("huggingface_hub/0.35.0");
        following.DefaultRequestHeaders.UserAgent.ParseAdd("python/3.12.3");

        await GetAsync(following, Hub.HfResolveUri, expectedStatus: 200).ConfigureAwait(false);

        raw.DefaultRequestHeaders.UserAgent.ParseAdd("ollama/0.12.6 (amd64 linux) Go/go1.24.1");
        using var manifestRequest = new HttpRequestMessage(HttpMethod.Get, Hub.OllamaManifestUri);
        manifestRequest.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/vnd.docker.distribution.manifest.v2+json"));
        using HttpResponseMessage manifest = await raw.SendAsync(manifestRequest).ConfigureAwait(false);
        manifest.EnsureSuccessStatusCode();
        string manifestJson = await manifest.Content.ReadAsStringAsync().ConfigureAwait(false);
        Record(Hub.OllamaManifestUri, manifestJson.Length);
        using JsonDocument parsed = JsonDocument.Parse(manifestJson);
        string configDigest = parsed.RootElement.GetProperty("config").GetProperty("digest").GetString()!["sha256:".Length..];
        string modelDigest = parsed.RootElement.GetProperty("layers")[0].GetProperty("digest").GetString()!["sha256:".Length..];

        // Small blob: follow the 307 like a plain GET.
        Uri configR2 = await RedirectTargetAsync(raw, Hub.OllamaBlobUri(configDigest)).ConfigureAwait(false);
        await GetAsync(raw, configR2, expectedStatus: 200).ConfigureAwait(false);

        // Model blob: resolve the 307 once, then fetch parallel range parts from R2, as ollama's downloader does.
        Uri modelR2 = await RedirectTargetAsync(raw, Hub.OllamaBlobUri(modelDigest)).ConfigureAwait(false);
        long half = Hub.OllamaModelBytes / 2;
        await Task.WhenAll(
            GetAsync(raw, modelR2, expectedStatus: 206, rangeFrom: 0, rangeTo: half - 1),
            GetAsync(raw, modelR2, expectedStatus: 206, rangeFrom: half, rangeTo: Hub.OllamaModelBytes - 1)).ConfigureAwait(false);

        using HttpClient browser = Proxy.CreateClient(followRedirects: true);
        browser.DefaultRequestHeaders.UserAgent.ParseAdd("curl/8.5.0");
        await GetAsync(browser, Hub.GitHubReleaseUri, expectedStatus: 200).ConfigureAwait(false);
    }

    private static async Task<Uri> RedirectTargetAsync(HttpClient client, Uri uri)
    {
        using HttpResponseMessage response = await client.GetAsync(uri, HttpCompletionOption.ResponseHeadersRead).ConfigureAwait(false);
        if ((int)response.StatusCode != 307 || response.Headers.Location is null)
        {
            throw new InvalidOperationException($"expected a 307 with Location from {uri}, got {(int)response.StatusCode}");
        }
        return response.Headers.Location;
    }

    private async Task GetAsync(HttpClient client, Uri uri, int expectedStatus, long? rangeFrom = null, long? rangeTo = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, uri);
        if (rangeFrom is not null)
        {
            request.Headers.Range = new RangeHeaderValue(rangeFrom, rangeTo);
        }
        using HttpResponseMessage response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead).ConfigureAwait(false);
        if ((int)response.StatusCode != expectedStatus)
        {
            throw new InvalidOperationException($"GET {uri} answered {(int)response.StatusCode}, expected {expectedStatus}");
        }
        using Stream body = await response.Content.ReadAsStreamAsync().ConfigureAwait(false);
        byte[] buffer = new byte[81920];
        long total = 0;
        int read;
        while ((read = await body.ReadAsync(buffer).ConfigureAwait(false)) > 0)
        {
            total += read;
        }
        Record(uri, total, rangeFrom);
    }

    private void Record(Uri uri, long bytes, long? rangeFrom = null)
    {
        string key = rangeFrom is null ? uri.AbsoluteUri : uri.AbsoluteUri + "#range=" + rangeFrom.Value.ToString(CultureInfo.InvariantCulture);
        lock (ReceivedBytes)
        {
            ReceivedBytes[key] = bytes;
        }
    }
}
