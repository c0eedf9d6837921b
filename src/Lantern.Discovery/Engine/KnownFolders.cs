namespace Lantern.Discovery.Engine;

/// <summary>
/// Per-OS application folders for one home, honouring the XDG / Windows variables only for the
/// scanning user (another user's environment is not ours to read).
/// </summary>
public sealed class KnownFolders
{
    private readonly ScanEnvironment _env;
    private readonly UserHome _home;

    public KnownFolders(ScanEnvironment env, UserHome home)
    {
        _env = env;
        _home = home;
    }

    public string Home => _home.Path;

    /// <summary>A variable that applies to this home (null for other users' homes).</summary>
    public string? Variable(string name) => _home.IsCurrentUser ? _env.Variable(name) : null;

    /// <summary>Linux <c>$XDG_DATA_HOME</c>, macOS Application Support, Windows Roaming AppData.</summary>
    public string Data => _env.Os switch
    {
        HostOs.Windows => Variable("APPDATA") ?? Path.Combine(Home, "AppData", "Roaming"),
        HostOs.MacOS => Path.Combine(Home, "Library", "Application Support"),
        _ => Variable("XDG_DATA_HOME") ?? Path.Combine(Home, ".local", "share"),
    };

    /// <summary>Linux <c>$XDG_DATA_HOME</c>, macOS Application Support, Windows Local AppData (Qt's AppLocalData).</summary>
    public string LocalData => _env.Os switch
    {
        HostOs.Windows => Variable("LOCALAPPDATA") ?? Path.Combine(Home, "AppData", "Local"),
        _ => Data,
    };

    /// <summary>Linux <c>$XDG_CONFIG_HOME</c>, macOS Application Support, Windows Roaming AppData.</summary>
    public string Config => _env.Os switch
    {
        HostOs.Linux => Variable("XDG_CONFIG_HOME") ?? Path.Combine(Home, ".config"),
        _ => Data,
    };

    /// <summary>Linux <c>$XDG_CACHE_HOME</c>, macOS Library/Caches, Windows Local AppData.</summary>
    public string Cache => _env.Os switch
    {
        HostOs.Windows => Variable("LOCALAPPDATA") ?? Path.Combine(Home, "AppData", "Local"),
        HostOs.MacOS => Path.Combine(Home, "Library", "Caches"),
        _ => Variable("XDG_CACHE_HOME") ?? Path.Combine(Home, ".cache"),
    };

    /// <summary>Where per-user programs install on Windows (<c>%LOCALAPPDATA%\Programs</c>).</summary>
    public string WindowsPrograms => Path.Combine(LocalData, "Programs");
}
