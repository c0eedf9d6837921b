using Lantern.Core.Findings;
using Lantern.Vetting.Engine;

namespace Lantern.Vetting.Rules.Containers;

/// <summary>
/// Rule ids of the container vetters (docs/vetting/containers.md): LNT-ZIP (zip structure), LNT-PTH (PyTorch
/// containers), LNT-NPY (NumPy), LNT-JBL (joblib and compressed pickles), LNT-ARC (7z and tar).
/// </summary>
public static class ContainerRules
{
    public const string ZipNameMismatch = "LNT-ZIP-001";
    public const string ZipHeaderMismatch = "LNT-ZIP-002";
    public const string ZipFakeEncryption = "LNT-ZIP-003";
    public const string ZipEncrypted = "LNT-ZIP-004";
    public const string ZipUnsupportedMethod = "LNT-ZIP-005";
    public const string ZipCrcMismatch = "LNT-ZIP-006";
    public const string ZipDuplicateName = "LNT-ZIP-007";
    public const string ZipHiddenMember = "LNT-ZIP-008";
    public const string ZipPrependedData = "LNT-ZIP-009";
    public const string ZipAppendedData = "LNT-ZIP-010";
    public const string ZipInflationLimit = "LNT-ZIP-011";
    public const string ZipPickleMisnamed = "LNT-ZIP-012";
    public const string ZipUnsafePath = "LNT-ZIP-013";
    public const string ZipMemberUnreadable = "LNT-ZIP-014";
    public const string ZipPatchedFlag = "LNT-ZIP-015";
    public const string ZipLimit = "LNT-ZIP-016";

    public const string TorchOutsideRoot = "LNT-PTH-001";
    public const string TorchScriptCode = "LNT-PTH-002";
    public const string TorchScriptDangerousCode = "LNT-PTH-003";
    public const string TorchLegacyTooFewPickles = "LNT-PTH-004";
    public const string TorchLegacyExtraPickles = "LNT-PTH-005";
    public const string TorchPickleBoundary = "LNT-PTH-006";
    public const string TorchTarUnexpectedMember = "LNT-PTH-007";
    public const string TorchTarLayout = "LNT-PTH-008";
    public const string TorchStreamLimit = "LNT-PTH-009";

    public const string NumpyObjectArray = "LNT-NPY-001";
    public const string NumpyDataLength = "LNT-NPY-002";
    public const string NumpyTrailingData = "LNT-NPY-003";
    public const string NpzMemberNotNpy = "LNT-NPY-004";
    public const string NumpyHeaderOddity = "LNT-NPY-005";

    public const string CompressedPayload = "LNT-JBL-001";
    public const string CompressionUnsupported = "LNT-JBL-002";
    public const string CompressionCorrupt = "LNT-JBL-003";
    public const string CompressionLimit = "LNT-JBL-004";

    public const string ArchiveUnreadableMember = "LNT-ARC-001";
    public const string ArchiveMalformed = "LNT-ARC-002";
    public const string ArchiveLimit = "LNT-ARC-003";

    internal static VetFinding Finding(string ruleId, Verdict implies, Severity severity, string message, params (string Key, string Value)[] evidence)
    {
        var dict = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach ((string key, string value) in evidence)
        {
            dict[key] = value;
        }
        return new VetFinding { RuleId = ruleId, Implies = implies, Severity = severity, Message = message, Evidence = dict };
    }

    internal static string Str(long value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
