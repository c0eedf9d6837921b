namespace Lantern.Formats.Ollama;

/// <summary>The config blob (ollama/ollama <c>types/model/config.go</c> ConfigV2; discovery.md §2.1).</summary>
public sealed record OllamaModelConfig
{
    public string? ModelFormat { get; init; }
    public string? ModelFamily { get; init; }
    public IReadOnlyList<string> ModelFamilies { get; init; } = [];
    public string? ModelType { get; init; }
    public string? FileType { get; init; }
    public string? Architecture { get; init; }

    /// <summary>Set for a cloud model: a pointer with no local weights.</summary>
    public string? RemoteHost { get; init; }
    public string? RemoteModel { get; init; }

    /// <summary>Minimum Ollama version.</summary>
    public string? Requires { get; init; }
    public long? ContextLength { get; init; }
    public IReadOnlyList<string> Capabilities { get; init; } = [];
    public string? Renderer { get; init; }
    public string? Parser { get; init; }
    public string? BaseName { get; init; }

    public bool IsCloud => !string.IsNullOrEmpty(RemoteHost);
}
