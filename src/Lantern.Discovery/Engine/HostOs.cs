namespace Lantern.Discovery.Engine;

/// <summary>
/// The operating system whose path conventions apply. Detectors know every OS's paths even
/// though tests run on Linux, so a fixture can play a macOS or Windows home.
/// </summary>
public enum HostOs
{
    Linux,
    MacOS,
    Windows,
}
