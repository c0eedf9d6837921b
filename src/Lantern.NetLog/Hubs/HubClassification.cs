namespace Lantern.NetLog.Hubs;

/// <summary>What <see cref="HubClassifier"/> makes of one record.</summary>
internal sealed record HubClassification
{
    public required RecordKind Kind { get; init; }
    public required Hub Hub { get; init; }

    /// <summary>
    /// <c>org/repo</c> (HF; <c>datasets/org/repo</c>, <c>spaces/org/repo</c> for those repo types), <c>name:tag</c>
    /// (Ollama, <c>library/</c> stripped), <c>hf.co/org/repo:quant</c>, <c>owner/name</c> (ModelScope), model version
    /// id (Civitai), <c>owner/model/framework/variation/version</c> (Kaggle), or the runtime for installers.
    /// </summary>
    public string? ModelId { get; init; }

    /// <summary>Repository path of the file (HF, ModelScope), or the file name where only that is known.</summary>
    public string? FilePath { get; init; }

    /// <summary>Last component of <see cref="FilePath"/>, the key CDN transfers are joined on.</summary>
    public string? FileName { get; init; }

    public string? Revision { get; init; }

    /// <summary>Lower-case hex SHA-256 of an Ollama blob, or of an HF LFS file from its CDN path.</summary>
    public string? Digest { get; init; }

    /// <summary>Repository name an Ollama manifest or blob belongs to (model id without tag), for joining blobs to pulls.</summary>
    public string? Repository { get; init; }

    /// <summary>The host serves weights in bulk (LFS CDN, Xet, Ollama R2, Civitai delivery).</summary>
    public bool WeightHost { get; init; }

    public Confidence Confidence { get; init; } = Confidence.High;
}
