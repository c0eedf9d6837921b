using System.CommandLine;
using System.Runtime.InteropServices;
using Lantern.Core.Reporting;
using Lantern.Gateway.Audit;
using Lantern.Gateway.Hosting;
using Lantern.Gateway.Integration;
using Lantern.Gateway.Recording;
using Lantern.Governance.Policy;

namespace Lantern.Cli.Commands;

/// <summary>
/// <c>lantern gateway</c>: the audit gateway in front of a local inference server (docs/gateway.md). Runs until SIGINT or
/// SIGTERM, then writes a final signed checkpoint and exits 0.
/// </summary>
internal static class GatewayCommand
{
    public static Command Create()
    {
        var listen = new Option<string?>("--listen") { Description = "Client endpoint, e.g. 127.0.0.1:11434 (default 127.0.0.1:11434; port 0 picks one)." };
        var upstream = new Option<string?>("--upstream") { Description = "Inference server URL, e.g. http://127.0.0.1:11435." };
        var policy = new Option<string?>("--policy") { Description = "Local AI Use Policy file to enforce (docs/policy.md); without it calls are recorded, not governed." };
        var auditDir = new Option<string?>("--audit-dir") { Description = "Directory of the tamper-evident audit log (docs/audit-log.md)." };
        var capture = new Option<string?>("--capture") { Description = "Content kept in records: none, metadata (default), redacted, full. Overrides the policy." };
        capture.AcceptOnlyFromAmong("none", "metadata", "redacted", "full");
        var sink = new Option<string[]>("--sink") { Description = "SIEM sink URI (repeatable).", AllowMultipleArgumentsPerToken = false };
        var config = new Option<string?>("--config") { Description = "Gateway configuration file (YAML); flags override it." };
        var apiKeys = new Option<string?>("--api-keys") { Description = "Keys file with SHA-256 hashes of per-user API keys." };
        var signingKey = new Option<string?>("--signing-key") { Description = "Ed25519 checkpoint signing key (default: created in the audit directory on first start)." };
        var fsync = new Option<string?>("--fsync") { Description = "When a record counts as written: always (default), interval, none." };
        fsync.AcceptOnlyFromAmong("always", "interval", "none");
        var failOpen = new Option<bool>("--fail-open") { Description = "Pass calls when the audit log cannot be written (default: refuse them)." };
        var adminListen = new Option<string?>("--admin-listen") { Description = "Second endpoint serving only /metrics and /health." };
        var forwarder = new Option<string?>("--forwarder")
        {
            Description = "auto (default): JSON calls to an http:// upstream take the gateway's lean HTTP/1.1 path, the rest YARP; yarp: all through YARP.",
        };
        forwarder.AcceptOnlyFromAmong("auto", "yarp");

        var command = new Command("gateway", "Run the audit gateway in front of a local inference server (Ollama, llama-server, LM Studio, vLLM).")
        {
            listen, upstream, policy, auditDir, capture, sink, config, apiKeys, signingKey, fsync, failOpen, adminListen, forwarder,
        };
        command.SetAction(async (parse, cancellation) =>
        {
            GatewayOptions? options;
            try
            {
                options = BuildOptions(parse.GetValue(config), parse.GetValue(upstream), parse.GetValue(listen), parse.GetValue(adminListen),
                    parse.GetValue(auditDir), parse.GetValue(apiKeys), parse.GetValue(signingKey), parse.GetValue(fsync),
                    parse.GetValue(failOpen), parse.GetValue(sink) ?? [], parse.GetValue(forwarder));
            }
            catch (GatewayConfigException e)
            {
                return Errors.Usage(e.Message);
            }
            if (options is null)
            {
                return ExitCodes.Usage;
            }

            LocalAiPolicy? loaded = null;
            string? policyPath = parse.GetValue(policy);
            if (policyPath is not null)
            {
                loaded = GovernanceInputs.LoadPolicy(policyPath, DateOnly.FromDateTime(DateTime.UtcNow), out int exit);
                if (loaded is null)
                {
                    return exit;
                }
            }
            CaptureLevel? captureOverride = parse.GetValue(capture) is { } c ? GatewayOptionsFile.ParseCapture(c) : null;
            return await RunAsync(options, loaded, policyPath, captureOverride, cancellation).ConfigureAwait(false);
        });
        return command;
    }

    private static GatewayOptions? BuildOptions(string? configPath, string? upstream, string? listen, string? adminListen, string? auditDir,
        string? apiKeys, string? signingKey, string? fsync, bool failOpen, string[] sinks, string? forwarder)
    {
        GatewayOptions options;
        if (configPath is not null)
        {
            options = GatewayOptionsFile.Load(configPath);
        }
        else if (upstream is null)
        {
            Errors.Usage("--upstream URL is required (or --config FILE with upstream:).");
            return null;
        }
        else
        {
            options = new GatewayOptions { Upstream = ParseUpstream(upstream) };
        }
        if (upstream is not null)
        {
            options = options with { Upstream = ParseUpstream(upstream) };
        }
        if (listen is not null)
        {
            options = options with { Listen = GatewayOptionsFile.ParseEndpoint(listen) ?? throw new GatewayConfigException($"--listen '{listen}' is not an address:port such as 127.0.0.1:11434") };
        }
        if (adminListen is not null)
        {
            options = options with { AdminListen = GatewayOptionsFile.ParseEndpoint(adminListen) ?? throw new GatewayConfigException($"--admin-listen '{adminListen}' is not an address:port") };
        }
        if (auditDir is not null)
        {
            options = options with { AuditDirectory = Path.GetFullPath(auditDir) };
        }
        if (apiKeys is not null)
        {
            options = options with { ApiKeysFile = Path.GetFullPath(apiKeys) };
        }
        if (signingKey is not null)
        {
            options = options with { SigningKeyFile = Path.GetFullPath(signingKey) };
        }
        if (fsync is not null)
        {
            options = options with { AuditFsync = GatewayOptionsFile.ParseFsync(fsync)!.Value };
        }
        if (failOpen)
        {
            options = options with { FailOpen = true };
        }
        if (forwarder is not null)
        {
            options = options with { Forwarding = GatewayOptionsFile.ParseForwarder(forwarder)!.Value };
        }
        if (sinks.Length > 0)
        {
            options = options with { Sinks = sinks };
        }
        if (options.AuditDirectory is null)
        {
            throw new GatewayConfigException("--audit-dir DIR is required: the gateway records every call in a tamper-evident log.");
        }
        return options;
    }

    private static Uri ParseUpstream(string text) =>
        Uri.TryCreate(text, UriKind.Absolute, out Uri? uri) && uri.Scheme is "http" or "https"
            ? uri
            : throw new GatewayConfigException($"--upstream '{text}' is not an http:// or https:// URL");

    private static async Task<int> RunAsync(GatewayOptions options, LocalAiPolicy? policy, string? policyPath, CaptureLevel? captureOverride,
        CancellationToken cancellation)
    {
        GatewayComposition composition;
        try
        {
            composition = GatewayComposition.Create(options, policy, new GatewayCompositionOptions { CaptureOverride = captureOverride });
        }
        catch (GatewayConfigException e)
        {
            return Errors.Usage(e.Message);
        }
        catch (PolicyRuleException e)
        {
            Console.Error.WriteLine(e.Line > 0 ? $"error: {policyPath}:{e.Line}:{e.Column}: {e.Message}" : $"error: {policyPath}: {e.Message}");
            return Errors.Usage($"policy '{policyPath}' cannot be applied by the gateway; nothing was started.");
        }
        catch (AuditLogException e)
        {
            Console.Error.WriteLine($"lantern: cannot open the audit log in {options.AuditDirectory}: {e.Message}");
            Console.Error.WriteLine($"lantern: run 'lantern audit verify {options.AuditDirectory}' and start a new directory if it does not verify.");
            return ExitCodes.Incomplete;
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        using PosixSignalRegistration sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        using PosixSignalRegistration sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
        void OnSignal(PosixSignalContext context)
        {
            context.Cancel = true;
            stop.Cancel();
        }

        try
        {
            if (composition.SigningKeyCreated)
            {
                Console.Error.WriteLine($"lantern gateway: created audit signing key {composition.SigningKeyPath} (mode 0600); keep it readable only by the gateway's account.");
            }
            if (composition.Writer.Recovery is { } recovery)
            {
                Console.Error.WriteLine($"lantern gateway: repaired a torn last record in {recovery.Segment} ({recovery.TornBytes} bytes kept as {recovery.SavedAs}).");
            }
            GatewayHost host;
            try
            {
                host = await GatewayHost.BuildAsync(composition.Options, composition.Services, stop.Token).ConfigureAwait(false);
            }
            catch (IOException e)
            {
                Console.Error.WriteLine($"lantern: cannot listen on {options.Listen}: {e.Message}");
                return ExitCodes.Incomplete;
            }
            await using (host.ConfigureAwait(false))
            {
                // The listening line comes last: whoever waits for it (a service manager, a test) then has everything.
                Console.Error.WriteLine($"lantern gateway: audit log {options.AuditDirectory}, verifier key {composition.VerifierKey}");
                Console.Error.WriteLine($"lantern gateway: listening on {host.ListenUri} -> {options.Upstream} (capture {Name(composition.Options.Capture)}, policy {(policy is null ? "none: observe only" : $"'{policy.Metadata.Name}' {policy.Metadata.Version}")})");
                if (host.AdminUri is { } admin)
                {
                    Console.Error.WriteLine($"lantern gateway: admin endpoint {admin}");
                }
                await host.RunUntilCancelledAsync(stop.Token).ConfigureAwait(false);
            }
        }
        finally
        {
            try
            {
                await composition.CloseAsync().ConfigureAwait(false);
                Console.Error.WriteLine($"lantern gateway: stopped; final checkpoint covers {composition.Writer.LastSeq} records.");
            }
            catch (AuditLogException e)
            {
                Console.Error.WriteLine($"lantern gateway: the final checkpoint could not be written: {e.Message}");
            }
        }
        return ExitCodes.Ok;
    }

    private static string Name(CaptureLevel level) => level.ToString().ToLowerInvariant();
}
