using Lantern.Core.Model;
using Lantern.Discovery.Detectors.Common;
using Lantern.Discovery.Engine;

namespace Lantern.Discovery.Detectors.DockerModelRunner;

/// <summary>
/// Docker Model Runner: an OCI content store at <c>$MODELS_PATH</c> or <c>~/.docker/models</c>, blobs
/// under <c>blobs/sha256/&lt;hex&gt;</c> named by digest (docker/model-runner; discovery.md §2.15).
/// </summary>
public sealed class DockerModelRunnerDetector : InstalledRuntimeDetector
{
    public override string Id => "docker-model-runner";

    public override string DisplayName => "Docker Model Runner";

    protected override IReadOnlyList<string> ExecutableNames => ["docker-model", "dmr", "com.docker.llama-server"];

    protected override IEnumerable<string> InstallDirectories(DetectorContext context, KnownFolders home)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(home);
        return [Path.Combine(home.Home, ".docker", "cli-plugins"), context.Environment.SystemPath("/usr/libexec/docker/cli-plugins"), context.Environment.SystemPath("/Applications/Docker.app/Contents/Resources/bin")];
    }

    protected override IEnumerable<string> ModelDirectories(DetectorContext context, KnownFolders home)
    {
        ArgumentNullException.ThrowIfNull(home);
        yield return Path.Combine(home.Home, ".docker", "models");
    }

    public override void Detect(DetectorContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        base.Detect(context);
        foreach (KnownFolders home in context.HomeFolders)
        {
            string blobs = Path.Combine(home.Home, ".docker", "models", "blobs", "sha256");
            foreach (string blob in context.Files(blobs))
            {
                string name = Path.GetFileName(blob);
                if (name.Length == 64 && name.All(char.IsAsciiHexDigitLower))
                {
                    context.Claim(new ArtifactClaim { Path = blob, Runtime = Id, NamedSha256 = name });
                }
            }
        }
    }
}
