namespace Lantern.Core.Findings;

/// <summary>How much a finding matters. Ordered: a threshold compares with &gt;=.</summary>
public enum Severity
{
    Info = 0,
    Low = 1,
    Medium = 2,
    High = 3,
    Critical = 4,
}
