namespace Lantern.Governance;

/// <summary>Identity of the governance library.</summary>
public static class GovernanceInfo
{
    public const string LibraryName = "lantern-governance";
}
