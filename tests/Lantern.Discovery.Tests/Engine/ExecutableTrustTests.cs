using Lantern.Core.Model;
using Lantern.Discovery.Engine;
using Lantern.Testing.Endpoints;

namespace Lantern.Discovery.Tests.Engine;

/// <summary>A scan (often root) runs a runtime binary for its version only when no other user could have planted it.</summary>
public class ExecutableTrustTests
{
    [Fact]
    public void Scan_BinaryWritableByOthers_NotRunVersionUnknownNoProblem()
    {
        using var endpoint = new FixtureEndpoint();
        string marker = Path.Combine(endpoint.Root, "ran");
        string exe = endpoint.FakeExecutable("ollama", "ollama version is 0.12.3");
        File.AppendAllText(exe, $"touch '{marker}'\n");
        File.SetUnixFileMode(exe, File.GetUnixFileMode(exe) | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute | UnixFileMode.OtherRead);

        Inventory inventory = EndpointScan.Run(endpoint);

        RuntimeInstall runtime = Assert.Single(inventory.Runtimes, r => r.Id == "ollama" && r.Executable is not null);
        Assert.Null(runtime.Version);
        Assert.Contains("writable by group or others", runtime.Properties["version.notRead"], StringComparison.Ordinal);
        Assert.False(File.Exists(marker), "the untrusted binary was executed");
        Assert.True(inventory.Complete);
    }

    [Fact]
    public void Scan_BinaryOwnedByAnotherUser_NotRun()
    {
        using var endpoint = new FixtureEndpoint();
        string exe = endpoint.FakeExecutable("llama-server", "version: 5662 (1f6e0b62)");
        if (Environment.UserName != "root")
        {
            // Only root can give a file away; an ordinary user's own binaries are trusted, which the other tests cover.
            Assert.Null(Lantern.Discovery.Engine.ExecutableTrust.WhyNotTrusted(exe));
            return;
        }
        using (var chown = System.Diagnostics.Process.Start("chown", ["65534", exe])!)
        {
            chown.WaitForExit();
        }

        Inventory inventory = EndpointScan.Run(endpoint);

        RuntimeInstall runtime = Assert.Single(inventory.Runtimes, r => r.Id == "llama.cpp");
        Assert.Null(runtime.Version);
        Assert.Contains("uid 65534", runtime.Properties["version.notRead"], StringComparison.Ordinal);
    }

    [Fact]
    public void Scan_NoExec_VersionUnknownButScanComplete()
    {
        using var endpoint = new FixtureEndpoint();
        endpoint.FakeExecutable("ollama", "ollama version is 0.12.3");

        Inventory inventory = EndpointScan.Run(endpoint, new ScanOptions { RunBinaries = false });

        RuntimeInstall runtime = Assert.Single(inventory.Runtimes, r => r.Id == "ollama" && r.Executable is not null);
        Assert.Null(runtime.Version);
        Assert.True(inventory.Complete);
        Assert.Empty(inventory.Problems);
    }
}
