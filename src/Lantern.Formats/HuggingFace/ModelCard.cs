namespace Lantern.Formats.HuggingFace;

/// <summary>
/// What Lantern reads from a Hugging Face model card's YAML front matter (huggingface/hub-docs
/// <c>docs/hub/model-cards.md</c>; discovery.md §2.3, §6).
/// </summary>
public sealed record ModelCard
{
    public static ModelCard Empty { get; } = new();

    /// <summary>True when the README starts with a closed <c>---</c> block.</summary>
    public bool HasFrontMatter { get; init; }

    /// <summary>Hub licence id (<c>apache-2.0</c>, <c>llama3.1</c>, <c>other</c>…).</summary>
    public string? License { get; init; }

    /// <summary><c>license_name</c>, used with <c>license: other</c> (<c>qwen</c>, <c>mrl</c>…).</summary>
    public string? LicenseName { get; init; }

    public string? LicenseLink { get; init; }

    /// <summary><c>base_model</c>: one repo id or a list.</summary>
    public IReadOnlyList<string> BaseModels { get; init; } = [];

    /// <summary><c>base_model_relation</c>: <c>quantized</c>, <c>finetune</c>, <c>adapter</c>, <c>merge</c>.</summary>
    public string? BaseModelRelation { get; init; }

    public string? PipelineTag { get; init; }

    public string? LibraryName { get; init; }

    public IReadOnlyList<string> Tags { get; init; } = [];

    /// <summary>Every top-level scalar key, as text (bounded), for fields this type does not name.</summary>
    public IReadOnlyDictionary<string, string> Scalars { get; init; } = new Dictionary<string, string>();
}
