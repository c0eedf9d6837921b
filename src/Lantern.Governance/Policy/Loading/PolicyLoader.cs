using System.Globalization;
using System.Text;

namespace Lantern.Governance.Policy.Loading;

/// <summary>
/// Loads and validates a Local AI Use Policy file (docs/policy.md). The file is treated as hostile: size is
/// checked before anything is parsed, anchors/aliases/tags and deep or huge documents are refused, and
/// every key and value is checked. A policy is returned only when there are no errors — never half-applied.
/// </summary>
public static class PolicyLoader
{
    private static ReadOnlySpan<byte> Utf8Bom => [0xEF, 0xBB, 0xBF];

    /// <summary>Reads and validates the policy at <paramref name="path"/>; I/O problems are errors, not exceptions.</summary>
    public static PolicyLoadResult Load(string path) => Load(path, PolicyLoadOptions.Default);

    /// <inheritdoc cref="Load(string)"/>
    public static PolicyLoadResult Load(string path, PolicyLoadOptions options)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(options);
        string? text;
        string? problem;
        try
        {
            (text, problem) = ReadBounded(path, options.MaxFileBytes);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            (text, problem) = (null, ex is FileNotFoundException or DirectoryNotFoundException ? "file not found" : "cannot read the file: " + ex.Message);
        }
        if (text is null)
        {
            return FileError(path, problem!);
        }
        return Parse(text, path, options);
    }

    /// <summary>Validates policy YAML held in memory; <paramref name="sourceName"/> names it in diagnostics.</summary>
    public static PolicyLoadResult Parse(string yamlText, string sourceName) => Parse(yamlText, sourceName, PolicyLoadOptions.Default);

    /// <inheritdoc cref="Parse(string, string)"/>
    public static PolicyLoadResult Parse(string yamlText, string sourceName, PolicyLoadOptions options)
    {
        ArgumentNullException.ThrowIfNull(yamlText);
        ArgumentNullException.ThrowIfNull(sourceName);
        ArgumentNullException.ThrowIfNull(options);
        // Characters are at least one UTF-8 byte each, so this bounds the work before counting bytes exactly.
        if (yamlText.Length > options.MaxFileBytes || Encoding.UTF8.GetByteCount(yamlText) > options.MaxFileBytes)
        {
            return FileError(sourceName, TooLarge(options.MaxFileBytes));
        }

        var errors = new List<PolicyDiagnostic>();
        var warnings = new List<PolicyDiagnostic>();
        PolicyNode? root = PolicyYamlReader.Read(yamlText, sourceName, options, errors);
        LocalAiPolicy? policy = null;
        if (root is not null)
        {
            var mapper = new PolicyMapper(sourceName, errors);
            policy = mapper.Map(root);
            if (policy is not null)
            {
                DateOnly today = options.Today ?? DateOnly.FromDateTime(DateTime.UtcNow);
                new PolicySemantics(sourceName, errors, warnings).Check(policy, mapper.Locations, today);
            }
        }
        return new PolicyLoadResult(policy, InDocumentOrder(errors), InDocumentOrder(warnings));
    }

    private static (string? Text, string? Problem) ReadBounded(string path, int maxBytes)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
        if (stream.CanSeek && stream.Length > maxBytes)
        {
            return (null, TooLarge(maxBytes));
        }
        // The length can change under us (or be unknown for a pipe): read at most one byte past the limit.
        byte[] buffer = new byte[checked(maxBytes + 1)];
        int total = 0;
        int read;
        while (total < buffer.Length && (read = stream.Read(buffer, total, buffer.Length - total)) > 0)
        {
            total += read;
        }
        if (total > maxBytes)
        {
            return (null, TooLarge(maxBytes));
        }
        try
        {
            var utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
            ReadOnlySpan<byte> bytes = buffer.AsSpan(0, total);
            if (bytes.StartsWith(Utf8Bom))
            {
                bytes = bytes[3..];
            }
            return (utf8.GetString(bytes), null);
        }
        catch (DecoderFallbackException)
        {
            return (null, "the file is not valid UTF-8; save the policy as UTF-8 text");
        }
    }

    private static string TooLarge(int maxBytes) =>
        string.Create(CultureInfo.InvariantCulture, $"the file is larger than {maxBytes / 1024} KiB, the limit for a policy file; it was not parsed");

    private static PolicyLoadResult FileError(string source, string message) =>
        new(null, [new PolicyDiagnostic(source, 0, 0, "", message)], []);

    private static PolicyDiagnostic[] InDocumentOrder(List<PolicyDiagnostic> diagnostics) =>
        [.. diagnostics.OrderBy(d => d.Line).ThenBy(d => d.Column)];
}
