namespace Lantern.Governance.Policy.Evaluation;

/// <summary>What an evaluation needs besides the inventory and the policy.</summary>
public sealed record PolicyEvaluationOptions
{
    /// <summary>The date review deadlines are compared with (the caller's clock, so tests and replays are stable).</summary>
    public required DateOnly Today { get; init; }

    /// <summary>The user whose group tiers apply; null means the inventory's <c>User</c>.</summary>
    public string? User { get; init; }
}
