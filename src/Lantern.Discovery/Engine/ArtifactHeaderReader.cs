using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Lantern.Formats;
using Lantern.Formats.Gguf;
using Lantern.Formats.Safetensors;
using Lantern.Formats.Sniffing;

namespace Lantern.Discovery.Engine;

/// <summary>
/// Reads the metadata an inventory shows from a model file's header, never its tensor data.
/// Malformed headers come back as a problem message, the artifact stays in the inventory.
/// </summary>
internal static class ArtifactHeaderReader
{
    /// <summary>GGUF keys copied into the inventory as they are.</summary>
    private static readonly string[] GgufInventoryKeys =
    [
        "general.architecture", "general.name", "general.basename", "general.size_label", "general.finetune",
        "general.version", "general.organization", "general.author", "general.quantized_by",
        "general.license", "general.license.name", "general.license.link", "general.type", "general.quantization_version",
        "general.repo_url", "general.url", "general.base_model.0.name", "general.base_model.0.organization",
        "general.base_model.0.repo_url", "general.base_model.count", "tokenizer.ggml.model",
    ];

    public static HeaderFacts Read(string path, ModelFormatId format, long length)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 64 * 1024, FileOptions.SequentialScan);
            return format switch
            {
                ModelFormatId.Gguf => FromGguf(GgufReader.Read(stream)),
                ModelFormatId.Safetensors => FromSafetensors(SafetensorsReader.Read(stream, length)),
                _ => HeaderFacts.Empty,
            };
        }
        catch (ModelFormatException ex)
        {
            return HeaderFacts.Empty with { Malformed = $"{ex.Code} at byte {ex.Offset}: {ex.Message}" };
        }
        catch (FileNotFoundException)
        {
            return HeaderFacts.Empty with { Unreadable = "File disappeared during the scan." };
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return HeaderFacts.Empty with { Unreadable = ex.Message };
        }
    }

    private static HeaderFacts FromGguf(GgufHeader header)
    {
        var metadata = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["gguf.version"] = header.Version.ToString(CultureInfo.InvariantCulture),
            ["tensorCount"] = header.TensorCount.ToString(CultureInfo.InvariantCulture),
            ["parameterCount"] = header.ParameterCount.ToString(CultureInfo.InvariantCulture),
        };
        foreach (string key in GgufInventoryKeys)
        {
            if (header.GetString(key) is { } text)
            {
                metadata[key] = Truncate(text, 512);
            }
            else if (header.GetUInt64(key) is { } number)
            {
                metadata[key] = number.ToString(CultureInfo.InvariantCulture);
            }
        }
        if (header.FileTypeName is { } fileType)
        {
            metadata["general.file_type"] = fileType;
            metadata["quantization"] = fileType;
        }
        if (header.GetString("general.architecture") is { } arch && header.GetUInt64(arch + ".context_length") is { } context)
        {
            metadata["contextLength"] = context.ToString(CultureInfo.InvariantCulture);
        }
        foreach (var (key, template) in header.ChatTemplates)
        {
            metadata[$"chatTemplateSha256:{key}"] = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(template)));
        }
        if (header.BigEndian)
        {
            metadata["gguf.byteOrder"] = "big-endian";
        }
        if (header.Issues.Count > 0)
        {
            metadata["formatIssues"] = string.Join("; ", header.Issues.Take(5).Select(i => i.Code));
        }
        string? license = header.GetString("general.license") ?? header.GetString("general.license.name");
        return new HeaderFacts(metadata, license, license is null ? null : "gguf:general.license", null, null);
    }

    private static HeaderFacts FromSafetensors(SafetensorsHeader header)
    {
        var metadata = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["tensorCount"] = header.Tensors.Count.ToString(CultureInfo.InvariantCulture),
            ["parameterCount"] = header.ParameterCount.ToString(CultureInfo.InvariantCulture),
        };
        if (header.PredominantDtype is { } dtype)
        {
            metadata["dtype"] = dtype;
        }
        foreach (var (key, value) in header.Metadata.Take(32))
        {
            metadata["__metadata__." + Truncate(key, 128)] = Truncate(value, 512);
        }
        if (header.Issues.Count > 0)
        {
            metadata["formatIssues"] = string.Join("; ", header.Issues.Take(5).Select(i => i.Code));
        }
        return new HeaderFacts(metadata, null, null, null, null);
    }

    private static string Truncate(string value, int max) => value.Length <= max ? value : value[..max] + "…";
}

/// <summary>What a header told us, or why it could not.</summary>
internal sealed record HeaderFacts(
    IReadOnlyDictionary<string, string> Metadata,
    string? License,
    string? LicenseSource,
    string? Malformed,
    string? Unreadable)
{
    public static HeaderFacts Empty { get; } = new(new SortedDictionary<string, string>(StringComparer.Ordinal), null, null, null, null);
}
