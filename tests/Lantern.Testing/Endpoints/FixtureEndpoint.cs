using System.Security.Cryptography;
using System.Text;

namespace Lantern.Testing.Endpoints;

/// <summary>
/// A fake endpoint on disk, built by code: a home directory, a system root standing in for "/",
/// runtime layouts (Ollama store, HF cache, LM Studio home…), fake runtime executables that print
/// real version strings, and Python dist-info folders. Deleted on dispose.
/// </summary>
public sealed class FixtureEndpoint : IDisposable
{
    private readonly TempDirectory _root = new("lantern-endpoint");

    public FixtureEndpoint()
    {
        Home = Directory.CreateDirectory(System.IO.Path.Combine(_root.Path, "home", "alice")).FullName;
        SystemRoot = Directory.CreateDirectory(System.IO.Path.Combine(_root.Path, "sysroot")).FullName;
        Bin = Directory.CreateDirectory(System.IO.Path.Combine(_root.Path, "bin")).FullName;
    }

    public string Root => _root.Path;

    public string Home { get; }

    /// <summary>Stands in for "/": system paths like /usr/share/ollama are created under it.</summary>
    public string SystemRoot { get; }

    /// <summary>A directory to put on PATH, holding fake runtime executables.</summary>
    public string Bin { get; }

    public Dictionary<string, string> Variables { get; } = new(StringComparer.Ordinal);

    public string HomePath(string relative) => System.IO.Path.Combine(Home, relative);

    public string WriteFile(string path, byte[] content)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, content);
        return path;
    }

    public string WriteText(string path, string content) => WriteFile(path, Encoding.UTF8.GetBytes(content));

    /// <summary>A shell script named <paramref name="name"/> on <see cref="Bin"/> that prints <paramref name="output"/>.</summary>
    public string FakeExecutable(string name, string output, bool toStderr = false, int sleepSeconds = 0, string? directory = null)
    {
        string dir = directory ?? Bin;
        Directory.CreateDirectory(dir);
        string path = System.IO.Path.Combine(dir, name);
        string escaped = output.Replace("'", "'\"'\"'", StringComparison.Ordinal);
        string sleep = sleepSeconds > 0 ? $"sleep {sleepSeconds}\n" : string.Empty;
        File.WriteAllText(path, $"#!/bin/sh\n{sleep}printf '%s\\n' '{escaped}'{(toStderr ? " >&2" : string.Empty)}\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }

    /// <summary>A Python distribution folder <c>name-version.dist-info</c> in a venv under the home.</summary>
    public string DistInfo(string distribution, string version, string venv = ".venvs/ai")
    {
        string dir = System.IO.Path.Combine(Home, venv, "lib", "python3.12", "site-packages", $"{distribution}-{version}.dist-info");
        WriteText(System.IO.Path.Combine(dir, "METADATA"), $"Metadata-Version: 2.1\nName: {distribution}\nVersion: {version}\n");
        return dir;
    }

    /// <summary>Adds an Ollama model: a GGUF blob named by its digest, config and licence blobs, and the manifest.</summary>
    public OllamaFixtureModel OllamaModel(string store, string name, string tag, byte[] gguf, string? license = null, string host = "registry.ollama.ai", string ns = "library", string? remoteHost = null)
    {
        string blobs = System.IO.Path.Combine(store, "blobs");
        string modelDigest = gguf.Length == 0 ? string.Empty : WriteBlob(blobs, gguf);
        string configJson = remoteHost is null
            ? """{"model_format":"gguf","model_family":"llama","model_families":["llama"],"model_type":"1.2B","file_type":"Q4_K_M","architecture":"amd64","os":"linux"}"""
            : $$"""{"model_format":"","remote_host":"{{remoteHost}}","remote_model":"{{name}}","architecture":"amd64","os":"linux"}""";
        string configDigest = WriteBlob(blobs, Encoding.UTF8.GetBytes(configJson));
        var layers = new List<string>();
        if (gguf.Length > 0)
        {
            layers.Add($$"""{"mediaType":"application/vnd.ollama.image.model","digest":"sha256:{{modelDigest}}","size":{{gguf.Length}}}""");
        }
        if (license is not null)
        {
            byte[] text = Encoding.UTF8.GetBytes(license);
            layers.Add($$"""{"mediaType":"application/vnd.ollama.image.license","digest":"sha256:{{WriteBlob(blobs, text)}}","size":{{text.Length}}}""");
        }
        string manifest = $$"""
            {"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json",
             "config":{"mediaType":"application/vnd.docker.container.image.v1+json","digest":"sha256:{{configDigest}}","size":{{configJson.Length}}},
             "layers":[{{string.Join(",", layers)}}]}
            """;
        string manifestPath = WriteText(System.IO.Path.Combine(store, "manifests", host, ns, name, tag), manifest);
        return new OllamaFixtureModel(manifestPath, modelDigest.Length == 0 ? null : System.IO.Path.Combine(blobs, "sha256-" + modelDigest), modelDigest);
    }

    /// <summary>Writes content to <c>blobs/sha256-&lt;digest&gt;</c> and returns the hex digest.</summary>
    public string WriteBlob(string blobs, byte[] content)
    {
        string digest = Sha256(content);
        WriteFile(System.IO.Path.Combine(blobs, "sha256-" + digest), content);
        return digest;
    }

    /// <summary>
    /// Adds a Hugging Face hub repo: LFS blobs named by SHA-256, a snapshot of symlinks to them,
    /// refs/main, and an optional README with licence front matter.
    /// </summary>
    public string HuggingFaceRepo(string hubCache, string repoId, string revision, IReadOnlyDictionary<string, byte[]> files, string? readmeLicense = null)
    {
        string repo = System.IO.Path.Combine(hubCache, "models--" + repoId.Replace("/", "--", StringComparison.Ordinal));
        WriteText(System.IO.Path.Combine(repo, "refs", "main"), revision);
        string snapshot = System.IO.Path.Combine(repo, "snapshots", revision);
        Directory.CreateDirectory(snapshot);
        var all = new Dictionary<string, byte[]>(files, StringComparer.Ordinal);
        if (readmeLicense is not null)
        {
            all["README.md"] = Encoding.UTF8.GetBytes($"---\nlicense: {readmeLicense}\nbase_model: meta-llama/Llama-3.2-1B\ntags:\n- gguf\n---\n# Model card\n");
        }
        foreach (var (name, content) in all)
        {
            string blobName = Sha256(content);
            string blob = WriteFile(System.IO.Path.Combine(repo, "blobs", blobName), content);
            string link = System.IO.Path.Combine(snapshot, name);
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(link)!);
            File.CreateSymbolicLink(link, System.IO.Path.GetRelativePath(System.IO.Path.GetDirectoryName(link)!, blob));
        }
        return repo;
    }

    public static string Sha256(byte[] content) => Convert.ToHexStringLower(SHA256.HashData(content));

    public void Dispose() => _root.Dispose();
}

/// <summary>What <see cref="FixtureEndpoint.OllamaModel"/> wrote.</summary>
public sealed record OllamaFixtureModel(string ManifestPath, string? BlobPath, string Digest);
