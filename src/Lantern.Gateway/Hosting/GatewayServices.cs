using Lantern.Gateway.Enforcement;
using Lantern.Gateway.Identity;
using Lantern.Gateway.Metrics;
using Lantern.Gateway.Recording;

namespace Lantern.Gateway.Hosting;

/// <summary>
/// The pluggable pieces of a gateway. Only <see cref="AuditSink"/> is required; the rest default to the built-in
/// implementations built from <see cref="GatewayOptions"/> (caller identity from the keys file and /proc, model identity
/// from the upstream) or to observe-only behaviour (no classifier, no enforcement).
/// </summary>
public sealed record GatewayServices
{
    public required IAuditSink AuditSink { get; init; }
    public IPromptClassifier Classifier { get; init; } = NoPromptClassifier.Instance;
    public ICallerIdentity? CallerIdentity { get; init; }
    public IModelIdentityResolver? ModelIdentity { get; init; }
    public IEnforcer Enforcer { get; init; } = ObserveOnlyEnforcer.Instance;
    public TimeProvider Clock { get; init; } = TimeProvider.System;
    public GatewayMetrics Metrics { get; init; } = new();

    /// <summary>Adds log providers (none by default: the audit record, not the log, is the gateway's output).</summary>
    public Action<Microsoft.Extensions.Logging.ILoggingBuilder>? ConfigureLogging { get; init; }
}
