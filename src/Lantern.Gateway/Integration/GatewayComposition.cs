using Lantern.Gateway.Audit;
using Lantern.Gateway.Enforcement;
using Lantern.Gateway.Hosting;
using Lantern.Gateway.Recording;
using Lantern.Gateway.Sinks;
using Lantern.Governance.Policy;

namespace Lantern.Gateway.Integration;

/// <summary>
/// Builds a running gateway's parts from its options and policy: the audit log (opened, recovered, signing key loaded or
/// created), the <see cref="AuditLogSink"/>, the policy's classifier and enforcer. Precedence for the capture level:
/// <see cref="GatewayCompositionOptions.CaptureOverride"/> (the CLI flag), then the policy's <c>gateway.capture</c>,
/// then <see cref="GatewayOptions.Capture"/>. Rules come from the policy's <c>gateway:</c> section when it has one
/// (the governed document decides), else from <see cref="GatewayOptions.Rules"/>.
/// </summary>
public sealed class GatewayComposition : IAsyncDisposable
{
    /// <summary>File name of the signing key created in the audit directory when none is configured.</summary>
    public const string DefaultSigningKeyFile = "audit-signing.key";

    private GatewayComposition(GatewayOptions options, GatewayServices services, AuditLogWriter writer, AuditLogSink sink,
        AuditSigningKey key, string keyPath, bool keyCreated, SiemForwarder? forwarder)
    {
        Forwarder = forwarder;
        Options = options;
        Services = services;
        Writer = writer;
        Sink = sink;
        SigningKey = key;
        SigningKeyPath = keyPath;
        SigningKeyCreated = keyCreated;
    }

    /// <summary>The options with the effective capture level and rules applied.</summary>
    public GatewayOptions Options { get; }
    public GatewayServices Services { get; }
    public AuditLogWriter Writer { get; }
    public AuditLogSink Sink { get; }

    /// <summary>The SIEM forwarder fed with every committed record and checkpoint; null without <c>--sink</c>.</summary>
    public SiemForwarder? Forwarder { get; }
    public AuditSigningKey SigningKey { get; }
    public string SigningKeyPath { get; }

    /// <summary>True when this start created the signing key (first start without a configured key).</summary>
    public bool SigningKeyCreated { get; }

    /// <summary>Verifier key for auditors and the SIEM.</summary>
    public string VerifierKey => SigningKey.VerifierKey;

    /// <exception cref="GatewayConfigException">No audit directory, or an unusable signing key.</exception>
    /// <exception cref="PolicyRuleException">A policy classification rule the gateway cannot run.</exception>
    /// <exception cref="AuditLogException">The audit log cannot be opened (in use, inconsistent).</exception>
    public static GatewayComposition Create(GatewayOptions options, LocalAiPolicy? policy, GatewayCompositionOptions? composition = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        composition ??= new GatewayCompositionOptions();
        string auditDirectory = options.AuditDirectory
            ?? throw new GatewayConfigException("an audit directory is required (--audit-dir or auditDir:): the gateway records every call");

        CaptureLevel capture = composition.CaptureOverride
            ?? (policy?.Gateway is { } gw ? GatewayOptionsFile.ParseCapture(gw.CaptureLevel) : null)
            ?? options.Capture;
        GatewayRules rules = policy?.Gateway is { } section ? RulesFrom(section) : options.Rules;
        GatewayOptions effective = options with { Capture = capture, Rules = rules };

        IPromptClassifier classifier = PromptClassifierAdapter.FromPolicy(policy);

        Directory.CreateDirectory(auditDirectory);
        (AuditSigningKey key, string keyPath, bool created) = LoadOrCreateKey(options.SigningKeyFile, auditDirectory, composition.KeyName);
        AuditLogOptions logOptions = composition.ConfigureAuditLog(new AuditLogOptions
        {
            Directory = auditDirectory,
            SigningKey = key,
            FsyncPolicy = options.AuditFsync,
        });
        AuditLogWriter writer = AuditLogWriter.Open(logOptions);
        var sink = new AuditLogSink(writer, options.Upstream.AbsoluteUri, policy?.Metadata.Version, capture);
        var services = new GatewayServices
        {
            AuditSink = sink,
            Classifier = classifier,
            Enforcer = policy is null ? ObserveOnlyEnforcer.Instance : new PolicyEnforcer(policy, rules),
        };
        SiemForwarder? forwarder = null;
        if (options.Sinks.Count > 0)
        {
            try
            {
                forwarder = new SiemForwarder(options.Sinks.Select(SiemSinkSpec.Parse).ToList(), Path.Combine(auditDirectory, "siem-spill"));
            }
            catch (Exception e) when (e is SiemSinkSpecException or IOException)
            {
                writer.Dispose();
                throw new GatewayConfigException($"SIEM sink: {e.Message}");
            }
            // Off the hot path: the record is already durable in the log; the forwarder only queues (or spills) it.
            sink.RecordCommitted += record => forwarder.TryEnqueue(record);
            // Checkpoints go to the SIEM too: its copy is the external witness against truncation (docs/audit-log.md).
            writer.CheckpointWritten += (_, checkpoint) => forwarder.TryEnqueue(checkpoint);
            services.Metrics.SetQueueDepthSource(() => forwarder.QueueDepth);
            services.Metrics.SetSiemStatusSource(forwarder.Status);
        }
        return new GatewayComposition(effective, services, writer, sink, key, keyPath, created, forwarder);
    }

    /// <summary>The gateway switches of a policy's <c>gateway:</c> section.</summary>
    public static GatewayRules RulesFrom(GatewayPolicy section)
    {
        ArgumentNullException.ThrowIfNull(section);
        return new GatewayRules
        {
            AllowManagement = section.AllowManagement,
            AllowCloudModels = section.AllowCloudModels,
            AllowApprovedByName = section.AllowApprovedByName,
            AllowUnknownRoutes = section.AllowUnknownRoutes,
            RequireUseCaseFor = section.RequireUseCaseFor,
        };
    }

    /// <summary>Writes a final signed checkpoint covering every record, then closes the log.</summary>
    public async Task CloseAsync()
    {
        try
        {
            await Writer.CheckpointAsync().ConfigureAwait(false);
        }
        finally
        {
            await Writer.DisposeAsync().ConfigureAwait(false);
            // After the final checkpoint, so it reaches the SIEM (or the spill file for the next start).
            if (Forwarder is not null)
            {
                await Forwarder.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Writer.DisposeAsync().ConfigureAwait(false);
        if (Forwarder is not null)
        {
            await Forwarder.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static (AuditSigningKey Key, string Path, bool Created) LoadOrCreateKey(string? configured, string auditDirectory, string keyName)
    {
        string path = configured ?? Path.Combine(auditDirectory, DefaultSigningKeyFile);
        try
        {
            if (configured is null && !File.Exists(path))
            {
                // First start: a fresh Ed25519 key, written 0600 (AuditSigningKey.Save creates the file with that mode).
                AuditSigningKey created = AuditSigningKey.Generate(keyName);
                created.Save(path);
                return (created, path, true);
            }
            return (AuditSigningKey.Load(path), path, false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or ArgumentException or InvalidDataException)
        {
            throw new GatewayConfigException($"{path}: cannot use the audit signing key: {e.Message}", e);
        }
    }
}

/// <summary>What <see cref="GatewayComposition.Create"/> takes beyond <see cref="GatewayOptions"/>.</summary>
public sealed record GatewayCompositionOptions
{
    /// <summary>Capture level from the command line; wins over the policy and the configuration file.</summary>
    public CaptureLevel? CaptureOverride { get; init; }

    /// <summary>Name of a signing key created on first start (appears in checkpoints and the verifier key).</summary>
    public string KeyName { get; init; } = "lantern-gateway-" + SafeHost();

    /// <summary>Adjusts the audit log options (tests: small segments, frequent checkpoints).</summary>
    public Func<AuditLogOptions, AuditLogOptions> ConfigureAuditLog { get; init; } = o => o;

    private static string SafeHost()
    {
        string host = Environment.MachineName.ToLowerInvariant();
        return new string([.. host.Where(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.')]) is { Length: > 0 } s ? s : "host";
    }
}
