using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Lantern.Core.Model;

namespace Lantern.Discovery.Host;

/// <summary>Limits for <see cref="ServerProber"/>; the defaults follow the task brief (≈1.5 s per request, 64 KiB bodies).</summary>
internal sealed record ServerProberOptions
{
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(1.5);

    /// <summary>Whole request: headers and body. A slow-drip server is cut here.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(1.5);

    /// <summary>All requests to one server together.</summary>
    public TimeSpan ServerBudget { get; init; } = TimeSpan.FromSeconds(8);

    public int MaxBodyBytes { get; init; } = 64 * 1024;
    public int MaxModels { get; init; } = 256;
}

/// <summary>What probing one endpoint established.</summary>
internal sealed record ProbeResult
{
    public string? Runtime { get; init; }
    public string? Version { get; init; }

    /// <summary>The request that identified the runtime, e.g. <c>GET /api/extra/version</c>.</summary>
    public string? IdentifiedBy { get; init; }

    /// <summary>True: the API answered without credentials; false: it asked for them (401/403); null: could not tell.</summary>
    public bool? Unauthenticated { get; init; }

    /// <summary>True when anything answered with HTTP at all.</summary>
    public bool Answered { get; init; }

    public IReadOnlyList<string> Models { get; init; } = [];
    public IReadOnlyList<ScanProblem> Problems { get; init; } = [];
}

/// <summary>
/// Identifies inference servers by asking them, loopback only (discovery.md §0.2, §3). Most specific
/// fingerprint first, because servers emulate each other (KoboldCpp answers Ollama's and llama.cpp's routes).
/// Every request is bounded in time and bytes; garbage, silence and floods become problems, never exceptions.
/// </summary>
internal sealed class ServerProber : IDisposable
{
    private const string ProblemSource = "host/probe";
    private const int MaxModelNameLength = 256;

    private readonly ServerProberOptions _options;
    private readonly HttpClient _client;

    public ServerProber(ServerProberOptions? options = null)
    {
        _options = options ?? new ServerProberOptions();
        var handler = new SocketsHttpHandler
        {
            ConnectTimeout = _options.ConnectTimeout,
            AllowAutoRedirect = false,
            // A proxy would carry loopback probes off the machine, or fail them.
            UseProxy = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
            MaxResponseHeadersLength = 64, // KiB
            MaxResponseDrainSize = 0,
            PooledConnectionLifetime = TimeSpan.FromSeconds(10),
        };
        _client = new HttpClient(handler, disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan };
        _client.DefaultRequestHeaders.UserAgent.ParseAdd("lantern-discovery/0.1");
    }

    public void Dispose() => _client.Dispose();

    /// <summary>Probes <paramref name="address"/>:<paramref name="port"/>, which must be a loopback address.</summary>
    /// <exception cref="ArgumentException">The address is not loopback: we never send traffic off the machine.</exception>
    public async Task<ProbeResult> ProbeAsync(IPAddress address, int port, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(address);
        IPAddress target = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
        if (!IPAddress.IsLoopback(target))
        {
            throw new ArgumentException($"Only loopback addresses are probed, not {address}.", nameof(address));
        }
        string host = target.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{target}]" : target.ToString();
        var session = new Session(this, new Uri($"http://{host}:{port.ToString(CultureInfo.InvariantCulture)}/"), cancellationToken);
        using var budget = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        budget.CancelAfter(_options.ServerBudget);
        session.Budget = budget.Token;
        try
        {
            await session.RunAsync().ConfigureAwait(false);
        }
        catch (ProbeAbortedException)
        {
            // The server stopped answering sensibly: keep what was learned, the problem is already recorded.
        }
        return session.ToResult();
    }

    private sealed class ProbeAbortedException : Exception
    {
    }

    private readonly record struct Reply(int Status, string Body, bool Truncated)
    {
        public bool Ok => Status is >= 200 and < 300;
        public bool AuthDenied => Status is 401 or 403;
    }

    /// <summary>State of one probe: what answered, what was learned, what went wrong.</summary>
    private sealed class Session(ServerProber owner, Uri baseUri, CancellationToken caller)
    {
        private readonly List<ScanProblem> _problems = [];
        private readonly List<string> _models = [];
        private string? _runtime;
        private string? _version;
        private string? _identifiedBy;
        private bool _answered;
        private bool _apiOpen;
        private bool _apiDenied;

        public CancellationToken Budget { get; set; }

        public ProbeResult ToResult() => new()
        {
            Runtime = _runtime,
            Version = _version,
            IdentifiedBy = _identifiedBy,
            Answered = _answered,
            Unauthenticated = _apiOpen ? true : _apiDenied ? false : _runtime is not null ? true : null,
            Models = _models,
            Problems = _problems,
        };

        public async Task RunAsync()
        {
            // 1. KoboldCpp first: it also answers Ollama's and llama.cpp's routes (discovery.md §3).
            Reply kobold = await GetAsync("/api/extra/version").ConfigureAwait(false);
            if (kobold.Ok && TryJson(kobold.Body, out JsonElement k) && Str(k, "result") is string result
                && result.Contains("KoboldCpp", StringComparison.OrdinalIgnoreCase))
            {
                Identify(RuntimeIds.KoboldCpp, Str(k, "version"), "GET /api/extra/version");
                await ListOpenAiModelsAsync().ConfigureAwait(false);
                return;
            }

            // 2. Ollama: "Ollama is running" at / and {"version":…} at /api/version.
            Reply root = await GetAsync("/").ConfigureAwait(false);
            if (root.Ok && root.Body.Contains("Ollama is running", StringComparison.Ordinal))
            {
                Reply version = await GetAsync("/api/version").ConfigureAwait(false);
                string? v = version.Ok && TryJson(version.Body, out JsonElement ve) ? Str(ve, "version") : null;
                Identify(RuntimeIds.Ollama, v, v is null ? "GET /" : "GET /api/version");
                await ListOllamaModelsAsync("/api/tags").ConfigureAwait(false);
                await ListOllamaModelsAsync("/api/ps").ConfigureAwait(false);
                return;
            }

            // 3. LM Studio.
            Reply greeting = await GetAsync("/lmstudio-greeting").ConfigureAwait(false);
            if (greeting.Ok && TryJson(greeting.Body, out JsonElement g) && g.ValueKind == JsonValueKind.Object
                && g.TryGetProperty("lmstudio", out JsonElement flag) && flag.ValueKind == JsonValueKind.True)
            {
                Reply status = await GetAsync("/lms-status").ConfigureAwait(false);
                string? v = status.Ok && TryJson(status.Body, out JsonElement s) ? Str(s, "version") : null;
                Identify(RuntimeIds.LmStudio, v, "GET /lmstudio-greeting");
                await ListOpenAiModelsAsync().ConfigureAwait(false);
                return;
            }

            // 4. llama.cpp llama-server: /props carries build_info (b<build>-<commit>).
            Reply props = await GetAsync("/props").ConfigureAwait(false);
            NoteAuth(props, api: true);
            if (props.Ok && TryJson(props.Body, out JsonElement p) && Str(p, "build_info") is string build)
            {
                // build_info is "b<build>-<commit>"; the build alone is the version advisories compare.
                int dash = build.IndexOf('-', StringComparison.Ordinal);
                Identify(RuntimeIds.LlamaCpp, dash > 1 ? build[..dash] : build, "GET /props");
                if (Str(p, "model_path") is string modelPath)
                {
                    AddModel(modelPath);
                }
                await ListOpenAiModelsAsync().ConfigureAwait(false);
                return;
            }

            // 5. vLLM: /version and owned_by "vllm".
            Reply vllmVersion = await GetAsync("/version").ConfigureAwait(false);
            string? vllmVer = vllmVersion.Ok && TryJson(vllmVersion.Body, out JsonElement vv) ? Str(vv, "version") : null;
            string? owner = await ListOpenAiModelsAsync().ConfigureAwait(false);
            if (owner == "vllm")
            {
                Identify(RuntimeIds.Vllm, vllmVer, vllmVer is null ? "GET /v1/models" : "GET /version");
                return;
            }
            if (vllmVer is not null && _apiDenied)
            {
                // vLLM with --api-key: /version stays open while /v1 asks for the key (gateway.md §2.3).
                Identify(RuntimeIds.Vllm, vllmVer, "GET /version");
                return;
            }

            // 6. Open WebUI: public /api/config names itself; its API needs a login by default.
            Reply config = await GetAsync("/api/config").ConfigureAwait(false);
            if (config.Ok && TryJson(config.Body, out JsonElement c) && Str(c, "name") is string name
                && name.Contains("Open WebUI", StringComparison.OrdinalIgnoreCase))
            {
                Identify(RuntimeIds.OpenWebUi, Str(c, "version"), "GET /api/config");
                NoteAuth(await GetAsync("/api/models").ConfigureAwait(false), api: true);
                return;
            }

            // 7. TGI: /info with model_id.
            Reply info = await GetAsync("/info").ConfigureAwait(false);
            if (info.Ok && TryJson(info.Body, out JsonElement i) && Str(i, "model_id") is string modelId)
            {
                Identify(RuntimeIds.TextGenerationInference, Str(i, "version"), "GET /info");
                AddModel(modelId);
                return;
            }

            // 8. Foundry Local: /openai/status.
            Reply foundry = await GetAsync("/openai/status").ConfigureAwait(false);
            if (foundry.Ok && TryJson(foundry.Body, out JsonElement f) && f.ValueKind == JsonValueKind.Object)
            {
                Identify(RuntimeIds.FoundryLocal, null, "GET /openai/status");
                return;
            }

            // 9. OpenAI-compatible servers that name themselves in owned_by.
            string? byOwner = owner switch
            {
                "llamacpp" => RuntimeIds.LlamaCpp,
                "sglang" => RuntimeIds.SgLang,
                "koboldcpp" => RuntimeIds.KoboldCpp,
                "lmstudio" or "organization_owner" => null,
                _ => null,
            };
            if (byOwner is not null)
            {
                Identify(byOwner, null, "GET /v1/models");
                return;
            }

            // 10. LocalAI: /readyz, checked late because the route name is generic.
            // A catch-all server answers 200 everywhere; ask for a path nobody serves before trusting /readyz.
            Reply ready = await GetAsync("/readyz").ConfigureAwait(false);
            if (ready.Ok && !ready.Truncated && !(await GetAsync("/lantern-probe-no-such-route").ConfigureAwait(false)).Ok)
            {
                Identify(RuntimeIds.LocalAi, null, "GET /readyz");
                return;
            }

            if (owner is not null)
            {
                Identify(RuntimeIds.OpenAiCompatible, null, "GET /v1/models");
            }
        }

        private void Identify(string runtime, string? version, string how)
        {
            _runtime = runtime;
            _version = version is null ? null : BoundedText.Clip(version, 128);
            _identifiedBy = how;
        }

        private void AddModel(string name)
        {
            if (name.Length > 0 && _models.Count < owner._options.MaxModels && !_models.Contains(name, StringComparer.Ordinal))
            {
                _models.Add(BoundedText.Clip(name, MaxModelNameLength));
            }
        }

        private void NoteAuth(Reply reply, bool api)
        {
            if (!api)
            {
                return;
            }
            if (reply.Ok)
            {
                _apiOpen = true;
            }
            else if (reply.AuthDenied)
            {
                _apiDenied = true;
            }
        }

        /// <summary>GET /v1/models: records model ids and returns the first <c>owned_by</c>.</summary>
        private async Task<string?> ListOpenAiModelsAsync()
        {
            Reply reply = await GetAsync("/v1/models").ConfigureAwait(false);
            NoteAuth(reply, api: true);
            if (!reply.Ok || !TryJson(reply.Body, out JsonElement doc) || doc.ValueKind != JsonValueKind.Object
                || !doc.TryGetProperty("data", out JsonElement data) || data.ValueKind != JsonValueKind.Array)
            {
                return null;
            }
            string? firstOwner = null;
            foreach (JsonElement model in data.EnumerateArray())
            {
                if (Str(model, "id") is string id)
                {
                    AddModel(id);
                }
                firstOwner ??= Str(model, "owned_by");
            }
            return firstOwner;
        }

        /// <summary>Ollama's /api/tags and /api/ps: <c>{"models":[{"name":…,"digest":…}]}</c> (gateway.md §1.4).</summary>
        private async Task ListOllamaModelsAsync(string path)
        {
            Reply reply = await GetAsync(path).ConfigureAwait(false);
            NoteAuth(reply, api: true);
            if (!reply.Ok || !TryJson(reply.Body, out JsonElement doc) || doc.ValueKind != JsonValueKind.Object
                || !doc.TryGetProperty("models", out JsonElement models) || models.ValueKind != JsonValueKind.Array)
            {
                return;
            }
            foreach (JsonElement model in models.EnumerateArray())
            {
                if ((Str(model, "name") ?? Str(model, "model")) is string name)
                {
                    AddModel(name);
                }
            }
        }

        private async Task<Reply> GetAsync(string path)
        {
            caller.ThrowIfCancellationRequested();
            if (Budget.IsCancellationRequested)
            {
                _problems.Add(Problem(ProblemCodes.Timeout, "The probe's time budget for this server was spent."));
                throw new ProbeAbortedException();
            }
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(baseUri, path));
            request.Headers.Accept.ParseAdd("application/json");
            using var perRequest = CancellationTokenSource.CreateLinkedTokenSource(Budget);
            perRequest.CancelAfter(owner._options.RequestTimeout);
            try
            {
                using HttpResponseMessage response = await owner._client
                    .SendAsync(request, HttpCompletionOption.ResponseHeadersRead, perRequest.Token).ConfigureAwait(false);
                _answered = true;
                Stream stream = await response.Content.ReadAsStreamAsync(perRequest.Token).ConfigureAwait(false);
                await using (stream.ConfigureAwait(false))
                {
                    (string body, bool truncated) = await ReadBoundedAsync(stream, owner._options.MaxBodyBytes, perRequest.Token).ConfigureAwait(false);
                    return new Reply((int)response.StatusCode, body, truncated);
                }
            }
            catch (OperationCanceledException) when (!caller.IsCancellationRequested)
            {
                _problems.Add(Problem(ProblemCodes.Timeout, $"GET {path} did not complete within {owner._options.RequestTimeout.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture)} s."));
                throw new ProbeAbortedException();
            }
            catch (HttpRequestException e)
            {
                _problems.Add(Problem(ProblemCodes.ProbeFailed, $"GET {path} failed: {BoundedText.Clip(e.Message, 200)}"));
                throw new ProbeAbortedException();
            }
            catch (IOException e)
            {
                _problems.Add(Problem(ProblemCodes.ProbeFailed, $"GET {path} failed while reading: {BoundedText.Clip(e.Message, 200)}"));
                throw new ProbeAbortedException();
            }
        }

        private ScanProblem Problem(string code, string message) =>
            new() { Subject = baseUri.ToString(), Code = code, Message = message, Source = ProblemSource };
    }

    /// <summary>Reads at most <paramref name="max"/> bytes; a longer body is cut (and will not parse as JSON, so it identifies nothing).</summary>
    private static async Task<(string Body, bool Truncated)> ReadBoundedAsync(Stream stream, int max, CancellationToken cancellationToken)
    {
        byte[] buffer = new byte[max];
        int filled = 0;
        while (filled < max)
        {
            int read = await stream.ReadAsync(buffer.AsMemory(filled, max - filled), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                return (Encoding.UTF8.GetString(buffer, 0, filled), false);
            }
            filled += read;
        }
        return (Encoding.UTF8.GetString(buffer, 0, filled), true);
    }

    // Server JSON is small and flat; a depth cap keeps a crafted document from costing more than its bytes.
    private static readonly JsonDocumentOptions JsonOptions = new() { MaxDepth = 32 };

    private static bool TryJson(string body, out JsonElement root)
    {
        root = default;
        try
        {
            using JsonDocument doc = JsonDocument.Parse(body, JsonOptions);
            root = doc.RootElement.Clone();
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static string? Str(JsonElement element, string property) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(property, out JsonElement value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;
}
