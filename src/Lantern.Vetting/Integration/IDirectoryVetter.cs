using Lantern.Vetting.Engine;

namespace Lantern.Vetting.Integration;

/// <summary>
/// Judges a model that is a directory rather than a file (a TensorFlow SavedModel: <c>saved_model.pb</c>
/// plus <c>variables/</c>). <see cref="PathVetting"/> asks each registered one whether it claims a directory.
/// </summary>
public interface IDirectoryVetter
{
    /// <summary>Stable lowercase id (<c>tf-savedmodel</c>).</summary>
    string Id { get; }

    /// <summary>True when <paramref name="directory"/> is a model this vetter judges as a whole.</summary>
    bool Claims(string directory);

    VetResult Vet(string directory, ModelVetter engine, CancellationToken cancellation);
}

/// <summary>An <see cref="IDirectoryVetter"/> made of two delegates, so a vetter in another folder registers with one line.</summary>
public sealed class DelegateDirectoryVetter(string id, Func<string, bool> claims, Func<string, ModelVetter, CancellationToken, VetResult> vet) : IDirectoryVetter
{
    public string Id => id;

    public bool Claims(string directory) => claims(directory);

    public VetResult Vet(string directory, ModelVetter engine, CancellationToken cancellation) => vet(directory, engine, cancellation);
}

/// <summary>
/// Directory vetters, one line each. The TF SavedModel line is added where
/// <c>Lantern.Vetting.Rules.TensorFlow.SavedModelVetting</c> exists:
/// <code>
/// new DelegateDirectoryVetter("tf-savedmodel", SavedModelDirectory.Claims, SavedModelVetting.VetDirectory),
/// </code>
/// Until then a SavedModel directory is reported <c>incomplete</c> (LNT-VET-003) and its files are still vetted one by one.
/// </summary>
public static class DirectoryVetterRegistry
{
    public static IReadOnlyList<IDirectoryVetter> All { get; } =
    [
        new DelegateDirectoryVetter("tf-savedmodel", SavedModelDirectory.Claims, Rules.TensorFlow.SavedModelVetting.VetDirectory),
    ];
}

/// <summary>How a TF SavedModel directory is recognised: it holds <c>saved_model.pb</c> (tensorflow/python/saved_model/constants.py).</summary>
public static class SavedModelDirectory
{
    public const string MarkerFile = "saved_model.pb";

    public static bool Claims(string directory) => File.Exists(Path.Combine(directory, MarkerFile));
}
