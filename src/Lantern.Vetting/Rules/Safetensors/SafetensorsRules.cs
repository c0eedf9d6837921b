using Lantern.Core.Findings;
using Lantern.Vetting.Engine;
using Lantern.Vetting.Integration;

namespace Lantern.Vetting.Rules.Safetensors;

/// <summary>safetensors rule ids (LNT-SFT-0xx), documented in docs/vetting/safetensors.md (formats.md §3).</summary>
public static class SafetensorsRules
{
    public const string Unreadable = "LNT-SFT-001";
    public const string HeaderLength = "LNT-SFT-002";
    public const string InvalidJson = "LNT-SFT-003";
    public const string SizeMismatch = "LNT-SFT-010";
    public const string OutOfBounds = "LNT-SFT-011";
    public const string Overlap = "LNT-SFT-012";
    public const string Gap = "LNT-SFT-013";
    public const string BufferMismatch = "LNT-SFT-014";
    public const string ReversedOffsets = "LNT-SFT-015";
    public const string UnknownDtype = "LNT-SFT-016";
    public const string DuplicateTensor = "LNT-SFT-017";
    public const string MetadataNotStrings = "LNT-SFT-020";
    public const string DuplicateMetadata = "LNT-SFT-021";
    public const string MetadataOversize = "LNT-SFT-022";
    public const string UnknownField = "LNT-SFT-023";
    public const string UnknownIssue = "LNT-SFT-029";

    private const string Cwe20 = "CWE-20";

    public static IReadOnlyList<VetRuleDescriptor> All { get; } =
    [
        new(Unreadable, Verdict.Malformed, Severity.Medium, "safetensors header unreadable", "The file ends inside the length prefix or header, or the header is empty or does not start with '{'.", [Cwe20]),
        new(HeaderLength, Verdict.Malformed, Severity.High, "safetensors header length out of bounds", "N is over 100,000,000 bytes (the crate's MAX_HEADER_SIZE) or larger than the file; loaders that allocate N first can be exhausted.", [Cwe20, "CWE-789"]),
        new(InvalidJson, Verdict.Malformed, Severity.Medium, "safetensors header is not well-formed", "The header is not valid JSON, nests too deep, or an entry lacks or mistypes dtype, shape or data_offsets.", [Cwe20]),
        new(SizeMismatch, Verdict.Malformed, Severity.High, "safetensors dtype × shape ≠ byte range", "A tensor's byte range does not hold exactly product(shape) × dtype size bytes (or the size overflows 64 bits).", [Cwe20, "CWE-131"]),
        new(OutOfBounds, Verdict.Malformed, Severity.High, "safetensors tensor past end of file", "A tensor's data_offsets point past the end of the file.", [Cwe20, "CWE-125"]),
        new(Overlap, Verdict.Malformed, Severity.High, "safetensors tensors overlap", "Two tensors share bytes of the buffer.", [Cwe20]),
        new(Gap, Verdict.Malformed, Severity.Medium, "safetensors gap in the buffer", "Bytes of the buffer belong to no tensor; the crate refuses holes, and they can carry a hidden payload.", [Cwe20]),
        new(BufferMismatch, Verdict.Malformed, Severity.Medium, "safetensors buffer size ≠ file", "The tensors describe a buffer that does not end exactly at end of file (trailing data or missing bytes).", [Cwe20]),
        new(ReversedOffsets, Verdict.Malformed, Severity.High, "safetensors offsets reversed", "A tensor ends before it begins.", [Cwe20]),
        new(UnknownDtype, Verdict.Malformed, Severity.Medium, "safetensors unknown dtype", "A dtype the format does not define.", [Cwe20]),
        new(DuplicateTensor, Verdict.Malformed, Severity.Medium, "safetensors duplicate tensor name", "A tensor name appears twice; loaders disagree on which wins.", [Cwe20]),
        new(MetadataNotStrings, Verdict.Malformed, Severity.Medium, "safetensors __metadata__ is not strings only", "__metadata__ must be a string→string map.", [Cwe20]),
        new(DuplicateMetadata, Verdict.Malformed, Severity.Low, "safetensors duplicate __metadata__", "__metadata__ or one of its keys appears twice.", [Cwe20]),
        new(MetadataOversize, Verdict.Suspicious, Severity.Medium, "safetensors __metadata__ unusually large", "More than 4,096 entries or a value over 1 MiB: real files carry a few short strings.", ["metadata"]),
        new(UnknownField, Verdict.Suspicious, Severity.Low, "safetensors tensor entry has an unknown field", "A tensor entry carries a field besides dtype, shape and data_offsets.", ["metadata"]),
        new(UnknownIssue, Verdict.Malformed, Severity.Low, "safetensors other header violation", "A header rule violation without a more specific rule.", [Cwe20]),
    ];

    private static readonly Dictionary<string, VetRuleDescriptor> ById = All.ToDictionary(r => r.Id, StringComparer.Ordinal);

    public static VetRuleDescriptor Describe(string id) => ById[id];

    /// <summary>Maps a reader issue or exception code (<c>safetensors.*</c>) to its rule.</summary>
    public static string ForCode(string code) => code switch
    {
        "safetensors.truncated" or "safetensors.header-empty" or "safetensors.bad-header-start" => Unreadable,
        "safetensors.header-over-limit" or "safetensors.header-exceeds-file" => HeaderLength,
        "safetensors.invalid-json" or "safetensors.tensor-not-object" or "safetensors.tensor-missing-field" or "safetensors.bad-dtype"
            or "safetensors.bad-offsets" or "safetensors.bad-number" or "safetensors.bad-shape" or "safetensors.dims-over-limit" or "safetensors.name-over-limit"
            or "safetensors.tensor-count-over-limit" => InvalidJson,
        "safetensors.size-mismatch" or "safetensors.size-overflow" or "safetensors.parameter-count-overflow" => SizeMismatch,
        "safetensors.out-of-bounds" => OutOfBounds,
        "safetensors.overlap" => Overlap,
        "safetensors.gap" => Gap,
        "safetensors.buffer-size-mismatch" => BufferMismatch,
        "safetensors.offsets-reversed" => ReversedOffsets,
        "safetensors.dtype-unknown" => UnknownDtype,
        "safetensors.duplicate-tensor" => DuplicateTensor,
        "safetensors.metadata-non-string" or "safetensors.metadata-not-object" => MetadataNotStrings,
        "safetensors.duplicate-metadata" or "safetensors.duplicate-metadata-key" => DuplicateMetadata,
        "safetensors.metadata-over-limit" or "safetensors.metadata-value-truncated" => MetadataOversize,
        "safetensors.tensor-unknown-field" => UnknownField,
        _ => UnknownIssue,
    };
}
