namespace Lantern.Discovery.Engine;

/// <summary>
/// One runtime's knowledge of where it lives. A detector says where to look and what the layout
/// means; the engine owns the I/O, the time budget and error handling (STYLE.md, "Plug-ins").
/// Registration is one line in <see cref="Lantern.Discovery.DetectorRegistry"/>.
/// </summary>
public interface IRuntimeDetector
{
    /// <summary>Stable lowercase id, used in reports, advisories and policies.</summary>
    string Id { get; }

    /// <summary>Bumped when the detector's output changes, so cached results can be invalidated.</summary>
    int Version { get; }

    string DisplayName { get; }

    /// <summary>Python distributions (dist-info names, normalised to lowercase with '_') that mean this runtime is installed.</summary>
    IReadOnlyList<string> PythonDistributions => [];

    /// <summary>Finds installs, stores and claims. Called once per scan, under the detector's own budget.</summary>
    void Detect(DetectorContext context);
}
