namespace Lantern.Discovery;

/// <summary>Identity of the discovery engine, stamped into reports.</summary>
public static class DiscoveryInfo
{
    public const string EngineName = "lantern-discovery";
}
