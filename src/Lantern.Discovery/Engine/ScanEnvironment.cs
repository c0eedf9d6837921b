namespace Lantern.Discovery.Engine;

/// <summary>
/// Everything a detector may know about the endpoint without touching the disk: OS, the homes
/// to look in, environment variables and PATH. Built from the real process, or by tests.
/// </summary>
public sealed class ScanEnvironment
{
    private readonly IReadOnlyDictionary<string, string> _variables;

    public ScanEnvironment(HostOs os, IReadOnlyList<UserHome> homes, IReadOnlyDictionary<string, string> variables, IReadOnlyList<string> systemRoots)
    {
        ArgumentNullException.ThrowIfNull(variables);
        Os = os;
        Homes = homes;
        _variables = variables;
        SystemRoots = systemRoots;
    }

    public HostOs Os { get; }

    /// <summary>The homes swept: the current user's, or every home with <c>--all-users</c>.</summary>
    public IReadOnlyList<UserHome> Homes { get; }

    /// <summary>
    /// Prefix for absolute system locations (<c>/usr/share/ollama</c>, <c>/Applications</c>…).
    /// Empty list means "the real root"; tests pass a fixture folder so nothing outside it is read.
    /// </summary>
    public IReadOnlyList<string> SystemRoots { get; }

    /// <summary>An environment variable of the scanning process, or null when unset or empty.</summary>
    public string? Variable(string name) =>
        _variables.TryGetValue(name, out string? value) && !string.IsNullOrWhiteSpace(value) ? value : null;

    /// <summary>Directories on PATH, in order.</summary>
    public IReadOnlyList<string> PathDirectories =>
        Variable("PATH") is { } path
            ? path.Split(Os == HostOs.Windows ? ';' : ':', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            : [];

    /// <summary>Maps an absolute system path (written the OS's way) into the scanned root.</summary>
    public string SystemPath(string absolute)
    {
        if (SystemRoots.Count == 0)
        {
            return absolute;
        }
        string relative = absolute.Replace('\\', '/').TrimStart('/');
        if (relative.Length > 1 && relative[1] == ':')
        {
            relative = relative[0] + relative[2..];
        }
        return Path.Combine(SystemRoots[0], relative);
    }

    /// <summary>The environment of the current process on the current OS, scanning the current user only.</summary>
    public static ScanEnvironment FromCurrentProcess(bool allUsers)
    {
        HostOs os = OperatingSystem.IsWindows() ? HostOs.Windows : OperatingSystem.IsMacOS() ? HostOs.MacOS : HostOs.Linux;
        var variables = new Dictionary<string, string>(os == HostOs.Windows ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal);
        foreach (System.Collections.DictionaryEntry entry in Environment.GetEnvironmentVariables())
        {
            if (entry.Key is string key && entry.Value is string value)
            {
                variables[key] = value;
            }
        }
        string home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        var homes = new List<UserHome> { new(Environment.UserName, home, IsCurrentUser: true) };
        if (allUsers)
        {
            homes.AddRange(UserHome.EnumerateAll(os, home));
        }
        return new ScanEnvironment(os, homes, variables, []);
    }
}

/// <summary>A user's home directory. Environment variables apply only to the current user's.</summary>
public sealed record UserHome(string User, string Path, bool IsCurrentUser)
{
    /// <summary>Every home under /home, /Users or C:\Users (and root's), except the current one.</summary>
    public static IEnumerable<UserHome> EnumerateAll(HostOs os, string currentHome, IReadOnlyList<string>? parents = null)
    {
        parents ??= os switch
        {
            HostOs.Windows => [@"C:\Users"],
            HostOs.MacOS => ["/Users"],
            _ => ["/home"],
        };
        var seen = new HashSet<string>(StringComparer.Ordinal) { System.IO.Path.GetFullPath(currentHome) };
        if (os == HostOs.Linux && parents is ["/home"] && seen.Add("/root") && Directory.Exists("/root"))
        {
            yield return new UserHome("root", "/root", IsCurrentUser: false);
        }
        foreach (string parent in parents)
        {
            string[] children;
            try
            {
                children = Directory.GetDirectories(parent);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                continue;
            }
            foreach (string child in children)
            {
                string name = System.IO.Path.GetFileName(child);
                if (name is "Shared" or "Public" or "Default" or "All Users" or "Default User" || !seen.Add(System.IO.Path.GetFullPath(child)))
                {
                    continue;
                }
                yield return new UserHome(name, child, IsCurrentUser: false);
            }
        }
    }
}
