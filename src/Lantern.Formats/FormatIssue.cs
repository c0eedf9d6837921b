namespace Lantern.Formats;

/// <summary>
/// A non-fatal rule violation found while reading a header: the reader could go on, but the file
/// breaks its format's hardening rules (duplicate keys, overlapping tensors…). Vetting turns these
/// into findings; they never mean "safe".
/// </summary>
/// <param name="Code">Stable code such as <c>gguf.duplicate-key</c>.</param>
/// <param name="Offset">Byte offset in the input the issue refers to, or -1 when it has none.</param>
/// <param name="Message">One sentence for people.</param>
public sealed record FormatIssue(string Code, long Offset, string Message);
