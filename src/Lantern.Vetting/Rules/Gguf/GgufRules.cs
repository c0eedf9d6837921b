using Lantern.Core.Findings;
using Lantern.Vetting.Engine;
using Lantern.Vetting.Integration;

namespace Lantern.Vetting.Rules.Gguf;

/// <summary>
/// GGUF rule ids (LNT-GGF-0xx), documented in docs/vetting/gguf.md. Structural rules echo the
/// llama.cpp / gguf-py CVEs of formats.md §9.7; template rules echo CVE-2024-34359 (GHSA-56xg-wfcc-g829).
/// </summary>
public static class GgufRules
{
    public const string Unreadable = "LNT-GGF-001";
    public const string CountExceedsInput = "LNT-GGF-002";
    public const string ArrayNesting = "LNT-GGF-003";
    public const string UnknownValueType = "LNT-GGF-004";
    public const string HeaderOverLimit = "LNT-GGF-005";
    public const string TensorPastEof = "LNT-GGF-010";
    public const string TensorOverlap = "LNT-GGF-011";
    public const string TensorMisaligned = "LNT-GGF-012";
    public const string TooManyDims = "LNT-GGF-013";
    public const string UnknownTensorType = "LNT-GGF-014";
    public const string SizeOverflow = "LNT-GGF-015";
    public const string BlockMismatch = "LNT-GGF-016";
    public const string ZeroDim = "LNT-GGF-017";
    public const string DuplicateKey = "LNT-GGF-018";
    public const string DuplicateTensor = "LNT-GGF-019";
    public const string BadAlignment = "LNT-GGF-020";
    public const string BadEncoding = "LNT-GGF-021";
    public const string TensorNameTooLong = "LNT-GGF-022";
    public const string TemplateNotString = "LNT-GGF-023";
    public const string TemplateOverLimit = "LNT-GGF-024";
    public const string UnknownIssue = "LNT-GGF-029";
    public const string TemplateDunderAccess = "LNT-GGF-030";
    public const string TemplateBuiltDunder = "LNT-GGF-031";
    public const string TemplateCodeExecution = "LNT-GGF-032";
    public const string TemplateGadgetGlobal = "LNT-GGF-033";
    public const string TemplateAttrFilter = "LNT-GGF-034";
    public const string TemplatePrivateAttribute = "LNT-GGF-035";
    public const string TemplateObfuscatedString = "LNT-GGF-036";
    public const string TemplateDangerousName = "LNT-GGF-037";
    public const string TemplateLoaderStatement = "LNT-GGF-038";
    public const string TemplateOversize = "LNT-GGF-039";
    public const string TemplateUnparsable = "LNT-GGF-040";
    public const string TemplateUrl = "LNT-GGF-041";
    public const string TemplateOtherDunder = "LNT-GGF-042";

    private const string Cwe20 = "CWE-20";
    private const string Cwe1336 = "CWE-1336";

    public static IReadOnlyList<VetRuleDescriptor> All { get; } =
    [
        new(Unreadable, Verdict.Malformed, Severity.Medium, "GGUF header unreadable", "Bad magic, unsupported version or a header that ends early: no loader can use it and some misread it.", [Cwe20]),
        new(CountExceedsInput, Verdict.Malformed, Severity.High, "GGUF count or length exceeds the file", "A tensor/KV count, array count or string length larger than the bytes left or our limits; the heap overflows of CVE-2024-21802, CVE-2024-23496 and CVE-2025-53630 start this way.", [Cwe20, "CWE-122", "CVE-2024-21802", "CVE-2024-23496", "CVE-2025-53630"]),
        new(ArrayNesting, Verdict.Malformed, Severity.Medium, "GGUF arrays nested too deep", "Arrays nested past 8 levels; gguf-py's recursive reader exhausts its stack on them.", [Cwe20, "CWE-674"]),
        new(UnknownValueType, Verdict.Malformed, Severity.Medium, "GGUF unknown value type", "A KV value type outside 0–12; loaders reject or misparse it (llama.cpp #19856).", [Cwe20]),
        new(HeaderOverLimit, Verdict.Incomplete, Severity.Low, "GGUF header over the read limit", "The header is larger than Lantern reads (512 MiB); it was not judged completely.", ["incomplete"]),
        new(TensorPastEof, Verdict.Malformed, Severity.High, "GGUF tensor past end of file", "A tensor's data extends past the end of the file: out-of-bounds reads in loaders (CVE-2026-7482 \"Bleeding Llama\").", [Cwe20, "CWE-125"]),
        new(TensorOverlap, Verdict.Malformed, Severity.High, "GGUF tensors overlap", "Two tensors share bytes; loaders that trust offsets alias or overrun buffers.", [Cwe20, "CWE-125"]),
        new(TensorMisaligned, Verdict.Malformed, Severity.Medium, "GGUF tensor misaligned", "A tensor offset is not a multiple of general.alignment (gguf.md).", [Cwe20]),
        new(TooManyDims, Verdict.Malformed, Severity.High, "GGUF tensor has more than 4 dimensions", "n_dims > GGML_MAX_DIMS (4) overflows the fixed ne[4] array (CVE-2024-21802 family).", [Cwe20, "CWE-787", "CVE-2024-21802"]),
        new(UnknownTensorType, Verdict.Malformed, Severity.High, "GGUF unknown tensor type", "A ggml type id that is unknown, removed or negative; type tables are indexed with it (llama.cpp #19856).", [Cwe20, "CWE-129"]),
        new(SizeOverflow, Verdict.Malformed, Severity.High, "GGUF tensor size overflows", "Element or byte counts overflow 64 bits: ggml_nbytes maps a huge logical tensor onto a small allocation (CVE-2026-33298, CVE-2025-53630, CVE-2026-27940).", [Cwe20, "CWE-190", "CVE-2026-33298", "CVE-2025-53630", "CVE-2026-27940"]),
        new(BlockMismatch, Verdict.Malformed, Severity.Medium, "GGUF row not a multiple of the block", "ne0 is not a multiple of the quantisation block, so the byte size is undefined.", [Cwe20]),
        new(ZeroDim, Verdict.Malformed, Severity.Medium, "GGUF tensor with a zero dimension", "A zero dimension (gguf hardening checklist: each dim > 0).", [Cwe20]),
        new(DuplicateKey, Verdict.Malformed, Severity.Medium, "GGUF duplicate metadata key", "A key appears twice; loaders disagree on which wins (llama.cpp #19856), so a reviewer may see a different template than the runtime.", [Cwe20]),
        new(DuplicateTensor, Verdict.Malformed, Severity.Medium, "GGUF duplicate tensor name", "A tensor name appears twice.", [Cwe20]),
        new(BadAlignment, Verdict.Malformed, Severity.Medium, "GGUF invalid alignment", "general.alignment is not a u32 non-zero power of two (llama.cpp #19856).", [Cwe20]),
        new(BadEncoding, Verdict.Malformed, Severity.Low, "GGUF invalid encoding", "Invalid UTF-8 key or tensor name, empty key, or a bool that is not 0/1.", [Cwe20]),
        new(TensorNameTooLong, Verdict.Malformed, Severity.High, "GGUF tensor name longer than 64 bytes", "Tensor names over GGML_MAX_NAME (64) overflow the fixed name buffer when copied.", [Cwe20, "CWE-787"]),
        new(TemplateNotString, Verdict.Malformed, Severity.Medium, "GGUF chat template is not a string", "A tokenizer.chat_template key holds another type.", [Cwe20]),
        new(TemplateOverLimit, Verdict.Suspicious, Severity.Medium, "GGUF chat template too large to read", "A chat template over 1 MiB: only its start was analysed; real templates are under 64 KiB.", ["template"]),
        new(UnknownIssue, Verdict.Malformed, Severity.Low, "GGUF other header violation", "A header rule violation without a more specific rule.", [Cwe20]),
        new(TemplateDunderAccess, Verdict.Malicious, Severity.Critical, "Chat template reaches Python internals", "The template reads a dunder attribute used for Jinja sandbox escape (__class__, __globals__, __subclasses__, __builtins__…): CVE-2024-34359 \"Llama Drama\" code execution.", [Cwe1336, "CWE-94", "CVE-2024-34359", "template"]),
        new(TemplateBuiltDunder, Verdict.Malicious, Severity.Critical, "Chat template builds a dunder name", "A sandbox-escape attribute name is assembled from pieces (concatenation, join, reverse, format, escapes, {% set %} laundering) to evade filters.", [Cwe1336, "CWE-94", "CVE-2024-34359", "template"]),
        new(TemplateCodeExecution, Verdict.Malicious, Severity.Critical, "Chat template calls code execution", "The template calls popen/system/eval/exec/__import__/open or similar.", [Cwe1336, "CWE-78", "CVE-2024-34359", "template"]),
        new(TemplateGadgetGlobal, Verdict.Suspicious, Severity.High, "Chat template uses a sandbox-escape gadget", "A Jinja/Flask global used in escape chains (lipsum, cycler, joiner, self, config, request, url_for…) or attribute access on namespace/range.", [Cwe1336, "template"]),
        new(TemplateAttrFilter, Verdict.Suspicious, Severity.High, "Chat template uses |attr", "Dynamic attribute access by a computed name; chat templates have no need for it.", [Cwe1336, "template"]),
        new(TemplatePrivateAttribute, Verdict.Suspicious, Severity.Medium, "Chat template reads a private attribute", "An attribute or key starting with '_' is read (e.g. self._TemplateReference__context).", [Cwe1336, "template"]),
        new(TemplateObfuscatedString, Verdict.Suspicious, Severity.Medium, "Chat template obfuscates a string", "An escape sequence spells a plain ASCII letter, digit or underscore (\\x5f, \\u005f), or %c formatting builds characters from codes.", [Cwe1336, "template"]),
        new(TemplateDangerousName, Verdict.Suspicious, Severity.High, "Chat template names a dangerous module", "os, subprocess, sys, builtins, importlib, socket… as a name or string in an expression.", [Cwe1336, "template"]),
        new(TemplateLoaderStatement, Verdict.Suspicious, Severity.Medium, "Chat template loads other templates", "{% import %}, {% include %}, {% extends %} or {% from %}: a GGUF template has no loader to use.", [Cwe1336, "template"]),
        new(TemplateOversize, Verdict.Suspicious, Severity.Medium, "Chat template unusually large or complex", "Over 64 KiB, over 20,000 tokens, or brackets nested over 32 deep.", ["template"]),
        new(TemplateUnparsable, Verdict.Suspicious, Severity.Medium, "Chat template does not tokenize", "An unterminated tag, string or comment: the template is not well-formed Jinja.", ["template"]),
        new(TemplateUrl, Verdict.Suspicious, Severity.Medium, "Chat template contains a URL", "Poisoned templates inject attacker URLs into replies (Pillar Security / Splunk inference-time template poisoning).", ["template", "backdoor"]),
        new(TemplateOtherDunder, Verdict.Suspicious, Severity.High, "Chat template reads a dunder attribute", "A double-underscore attribute outside the known escape gadgets.", [Cwe1336, "template"]),
    ];

    private static readonly Dictionary<string, VetRuleDescriptor> ById = All.ToDictionary(r => r.Id, StringComparer.Ordinal);

    public static VetRuleDescriptor Describe(string id) => ById[id];

    /// <summary>Maps a reader issue or exception code (<c>gguf.*</c>) to its rule.</summary>
    public static string ForCode(string code) => code switch
    {
        "gguf.bad-magic" or "gguf.unsupported-version" or "gguf.truncated" => Unreadable,
        "gguf.kv-count-over-limit" or "gguf.kv-count-exceeds-input" or "gguf.tensor-count-over-limit" or "gguf.tensor-count-exceeds-input"
            or "gguf.array-over-limit" or "gguf.array-exceeds-input" or "gguf.string-over-limit" or "gguf.string-exceeds-input" => CountExceedsInput,
        "gguf.array-depth-over-limit" => ArrayNesting,
        "gguf.unknown-value-type" => UnknownValueType,
        "gguf.header-over-limit" => HeaderOverLimit,
        "gguf.tensor-past-eof" => TensorPastEof,
        "gguf.tensor-overlap" => TensorOverlap,
        "gguf.tensor-misaligned" => TensorMisaligned,
        "gguf.tensor-dims-too-many" or "gguf.tensor-dims-over-limit" => TooManyDims,
        "gguf.tensor-type-unknown" => UnknownTensorType,
        "gguf.tensor-size-overflow" or "gguf.parameter-count-overflow" => SizeOverflow,
        "gguf.tensor-block-mismatch" => BlockMismatch,
        "gguf.tensor-dim-zero" => ZeroDim,
        "gguf.duplicate-key" => DuplicateKey,
        "gguf.duplicate-tensor" => DuplicateTensor,
        "gguf.alignment-invalid" or "gguf.alignment-wrong-type" => BadAlignment,
        "gguf.key-invalid-utf8" or "gguf.key-empty" or "gguf.tensor-name-invalid-utf8" or "gguf.bool-invalid" => BadEncoding,
        "gguf.tensor-name-too-long" => TensorNameTooLong,
        "gguf.chat-template-not-string" => TemplateNotString,
        "gguf.chat-template-over-limit" => TemplateOverLimit,
        _ => UnknownIssue,
    };
}
