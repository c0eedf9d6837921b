using System.Text.Json;
using System.Text.Json.Serialization;
using Lantern.Core.Findings;
using Lantern.Core.Model;

namespace Lantern.Core.Reporting;

/// <summary>Source-generated JSON for the report contract: camelCase, enums as camelCase strings, nulls omitted.</summary>
[JsonSourceGenerationOptions(
    JsonSerializerDefaults.Web,
    WriteIndented = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UseStringEnumConverter = true,
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(Inventory))]
[JsonSerializable(typeof(Finding))]
public sealed partial class LanternJsonContext : JsonSerializerContext;
