namespace Lantern.Vetting.Rules.Onnx;

/// <summary>Rule ids for ONNX (docs/vetting/onnx.md).</summary>
public static class OnnxRules
{
    /// <summary>External-data <c>location</c> is absolute, has a drive/UNC prefix or a <c>..</c> segment (CVE-2024-27318, CVE-2022-25882).</summary>
    public const string ExternalPathEscapes = "LNT-ONX-001";

    /// <summary>External-data file (or a folder on its way) is a link that resolves outside the model's folder.</summary>
    public const string ExternalLinkEscapes = "LNT-ONX-002";

    /// <summary>External-data file is missing or shorter than offset + length: the model cannot be judged completely.</summary>
    public const string ExternalMissing = "LNT-ONX-003";

    /// <summary>External-data entry without a location, or an unknown data_location.</summary>
    public const string ExternalMalformed = "LNT-ONX-004";

    /// <summary>Node or opset import in a domain outside the standard ONNX / ONNX Runtime domains (custom operator library).</summary>
    public const string CustomDomain = "LNT-ONX-005";

    /// <summary>Operator that calls back into Python (ORT PythonOp, onnxruntime-extensions PyOp…).</summary>
    public const string PythonOp = "LNT-ONX-006";

    /// <summary>A reader limit (depth, field count, name length) stopped the walk.</summary>
    public const string LimitReached = "LNT-ONX-007";

    /// <summary>ModelProto without a graph.</summary>
    public const string NoGraph = "LNT-ONX-008";
}
