using System.Text.Json.Serialization;

namespace Lantern.Core.Findings;

/// <summary>How much a finding matters. Ordered: a threshold compares with &gt;=. Serialised lowercase.</summary>
public enum Severity
{
    [JsonStringEnumMemberName("info")]
    Info = 0,

    [JsonStringEnumMemberName("low")]
    Low = 1,

    [JsonStringEnumMemberName("medium")]
    Medium = 2,

    [JsonStringEnumMemberName("high")]
    High = 3,

    [JsonStringEnumMemberName("critical")]
    Critical = 4,
}
