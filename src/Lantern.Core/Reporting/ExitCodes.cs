namespace Lantern.Core.Reporting;

/// <summary>Exit codes every command keeps (ARCHITECTURE.md, "Contracts every command keeps").</summary>
public static class ExitCodes
{
    /// <summary>Nothing at or above the threshold.</summary>
    public const int Ok = 0;

    /// <summary>Findings at or above the threshold.</summary>
    public const int Findings = 1;

    /// <summary>Usage or configuration error.</summary>
    public const int Usage = 2;

    /// <summary>Incomplete: something could not be read or judged.</summary>
    public const int Incomplete = 3;
}
