namespace Lantern.Governance.Policy.Loading;

/// <summary>
/// What <see cref="PolicyLoader"/> made of a policy file. A policy is handed out only when there are no
/// errors: an invalid file is never half-applied. Warnings never block loading.
/// </summary>
public sealed class PolicyLoadResult
{
    internal PolicyLoadResult(LocalAiPolicy? policy, IReadOnlyList<PolicyDiagnostic> errors, IReadOnlyList<PolicyDiagnostic> warnings)
    {
        Policy = errors.Count == 0 ? policy : null;
        Errors = errors;
        Warnings = warnings;
    }

    /// <summary>The loaded policy, or null when <see cref="Errors"/> is not empty.</summary>
    public LocalAiPolicy? Policy { get; }

    /// <summary>Problems that make the file unusable, in document order (exit code 2 for <c>lantern policy check</c>).</summary>
    public IReadOnlyList<PolicyDiagnostic> Errors { get; }

    /// <summary>Gaps worth fixing that do not stop the policy from being applied.</summary>
    public IReadOnlyList<PolicyDiagnostic> Warnings { get; }

    public bool IsValid => Policy is not null;
}
