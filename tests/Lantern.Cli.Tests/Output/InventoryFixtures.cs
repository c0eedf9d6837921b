using Lantern.Core.Findings;
using Lantern.Core.Model;

namespace Lantern.Cli.Tests.Output;

/// <summary>Inventories for renderer tests: one with every field and collection set, one with nothing.</summary>
internal static class InventoryFixtures
{
    public static readonly DateTimeOffset ScannedAt = new(2026, 3, 14, 9, 26, 53, TimeSpan.Zero);

    public const string LlamaSha = "6a1a2eb6d15622bf3c96857206351ba97e1af16c30d7a74ee38970e434e9407e";
    public const string QwenSha = "0f7a1e3c9b2d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7";

    public static Inventory Empty() => new()
    {
        Host = "empty-host",
        User = "nobody",
        ScannedAt = ScannedAt,
    };

    public static Inventory Full() => new()
    {
        Host = "ws-042.corp.example",
        User = "alice",
        ScannedAt = ScannedAt,
        Os = "Ubuntu 24.04.2 LTS (Linux 6.8.0-57-generic x86_64)",
        LanternVersion = "0.1.0",
        Complete = false,
        Runtimes =
        [
            new RuntimeInstall
            {
                Id = "ollama",
                Name = "Ollama",
                Version = "0.12.3",
                VersionSource = "/api/version",
                Executable = "/usr/local/bin/ollama",
                Paths = [new RuntimePath("install", "/usr/local/bin/ollama"), new RuntimePath("models", "/usr/share/ollama/.ollama/models")],
                Listening = ["0.0.0.0:11434"],
                Advisories =
                [
                    new AdvisoryMatch
                    {
                        Id = "GO-2025-4251",
                        Aliases = ["CVE-2025-63389"],
                        Summary = "No authentication on model-management endpoints",
                        Severity = "critical",
                        Status = "fix-unconfirmed",
                    },
                    new AdvisoryMatch
                    {
                        Id = "GO-2026-5748",
                        Aliases = ["CVE-2026-7482", "GHSA-x8qc-fggm-mpqg"],
                        Summary = "Heap out-of-bounds read in the GGUF loader during quantisation",
                        Severity = "high",
                        Fixed = "0.17.1",
                        Status = "affected",
                    },
                ],
                Properties = new SortedDictionary<string, string>(StringComparer.Ordinal) { ["llama.cpp"] = "b6400" },
            },
            new RuntimeInstall
            {
                Id = "llama.cpp",
                Name = "llama.cpp",
                Version = "b4321",
                VersionSource = "--version",
                Executable = "/opt/llama.cpp/llama-server",
                Paths = [new RuntimePath("install", "/opt/llama.cpp")],
                Listening = ["127.0.0.1:8080"],
                Advisories =
                [
                    new AdvisoryMatch
                    {
                        Id = "CVE-2025-49847",
                        Summary = "Vocab loader oversized token length leads to heap overflow",
                        Severity = "medium",
                        Fixed = "b5662",
                    },
                ],
            },
            new RuntimeInstall { Id = "lmstudio", Name = "LM Studio", Version = "0.3.30" },
        ],
        Artifacts =
        [
            new ModelArtifact
            {
                Path = "/usr/share/ollama/.ollama/models/blobs/sha256-" + LlamaSha,
                Format = "gguf",
                SizeBytes = 1_321_083_008,
                Sha256 = LlamaSha,
                DigestSource = "runtime-name",
                Runtime = "ollama",
                ModelName = "llama3.2:1b",
                Revision = "baf6a787fdff",
                Aliases = ["llama3.2:latest"],
                License = new ModelLicense { Id = "llama3.2", Raw = "LLAMA 3.2 COMMUNITY LICENSE AGREEMENT", Source = "ollama:license-layer", TextSha256 = new string('c', 64) },
                Metadata = new SortedDictionary<string, string>(StringComparer.Ordinal)
                {
                    ["general.architecture"] = "llama",
                    ["general.file_type"] = "Q8_0",
                    ["general.name"] = "Llama 3.2 1B Instruct",
                },
                Verdict = "safe",
            },
            new ModelArtifact
            {
                // The same bytes in a second place: the BOM must show one component with two paths.
                Path = "/home/alice/models/[red]llama-copy.gguf",
                Format = "gguf",
                SizeBytes = 1_321_083_008,
                Sha256 = LlamaSha,
                DigestSource = "computed",
                Verdict = "safe",
            },
            new ModelArtifact
            {
                Path = "/home/alice/.cache/huggingface/hub/models--Qwen--Qwen2.5-0.5B/snapshots/abc/model.safetensors",
                Format = "safetensors",
                SizeBytes = 988_097_824,
                Sha256 = QwenSha,
                DigestSource = "cache",
                Runtime = "huggingface",
                ModelName = "Qwen/Qwen2.5-0.5B",
                License = new ModelLicense { Id = "apache-2.0", Source = "hf:readme" },
                Metadata = new SortedDictionary<string, string>(StringComparer.Ordinal) { ["dtype"] = "BF16" },
                Verdict = "suspicious",
            },
            new ModelArtifact
            {
                Path = "/home/alice/Downloads/pytorch_model.bin",
                Format = "pytorch-zip",
                SizeBytes = 4096,
                License = new ModelLicense { Id = "unknown", Source = "none" },
                Verdict = "incomplete",
            },
            new ModelArtifact
            {
                Path = "/usr/share/ollama/.ollama/models/manifests/registry.ollama.ai/library/gpt-oss/120b-cloud",
                Format = "ollama-cloud",
                Runtime = "ollama",
                ModelName = "gpt-oss:120b-cloud",
                Cloud = true,
                Verdict = "not-a-model",
            },
        ],
        Servers =
        [
            new InferenceServer
            {
                Address = "0.0.0.0",
                Port = 11434,
                BindScope = "wildcard",
                Runtime = "ollama",
                Version = "0.12.3",
                IdentifiedBy = "GET /api/version",
                Pid = 1234,
                ProcessName = "ollama",
                Unauthenticated = true,
                ExposedBeyondLoopback = true,
                Models = ["llama3.2:1b"],
            },
            new InferenceServer
            {
                Address = "127.0.0.1",
                Port = 8080,
                BindScope = "loopback",
                Runtime = "llama.cpp",
                IdentifiedBy = "GET /props",
                Unauthenticated = false,
            },
        ],
        Processes =
        [
            new InferenceProcess
            {
                Pid = 1234,
                ParentPid = 1,
                User = "ollama",
                Name = "ollama",
                Executable = "/usr/local/bin/ollama",
                CommandLine = "/usr/local/bin/ollama serve",
                Runtime = "ollama",
                ModelPaths = ["/usr/share/ollama/.ollama/models/blobs/sha256-" + LlamaSha],
                Gpu = [new GpuUse { Device = "GPU-5f1c2a9e-0000-0000-0000-000000000000", MemoryBytes = 1_610_612_736, Source = "nvidia-smi" }],
            },
        ],
        Gpu = new GpuSummary
        {
            State = "available",
            Devices = ["NVIDIA RTX 4090 (GPU-5f1c2a9e-0000-0000-0000-000000000000)"],
            Sources = ["nvidia-smi"],
            Note = "per-process memory from nvidia-smi",
        },
        Findings =
        [
            new Finding
            {
                RuleId = "LNT-SRV-001",
                Severity = Severity.Critical,
                Message = "Ollama answers without authentication on all interfaces (0.0.0.0:11434).",
                Evidence = new SortedDictionary<string, string>(StringComparer.Ordinal) { ["address"] = "0.0.0.0:11434", ["pid"] = "1234" },
                Controls = ["ISO27001:A.8.20", "ISO42001:A.6.2.6"],
                Remediation = "Bind OLLAMA_HOST to 127.0.0.1 or put the audit gateway in front.",
            },
            new Finding { RuleId = "LNT-MDL-002", Severity = Severity.Low, Message = "Model licence unknown." },
        ],
        Problems =
        [
            new ScanProblem { Subject = "/root/.ollama", Code = ProblemCodes.Unreadable, Message = "Permission denied.", Source = "ollama" },
        ],
        Stats = new ScanStats
        {
            Roots = ["/home", "/usr/share/ollama"],
            FilesSeen = 15_320,
            DirectoriesSeen = 2_048,
            BytesHashed = 988_097_824,
            DigestCacheHits = 3,
            DurationMs = 4_211,
        },
    };
}
