using Lantern.NetLog.Analysis;
using Lantern.NetLog.Attribution;
using Lantern.NetLog.Hubs;
using Lantern.NetLog.Reading;
using Lantern.NetLog.Records;
using Lantern.NetLog.Tests.Hubs;

namespace Lantern.NetLog.Tests.Analysis;

public class NetLogAnalyzerTests
{
    private const string Sha = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    private const string Sha2 = "a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90";
    private const string R2 = "https://dd20bb891979d25aebc8bec07b2b3bbc.r2.cloudflarestorage.com";
    private const string Resolve = "https://huggingface.co/bartowski/Llama-3.2-1B-Instruct-GGUF/resolve/main/Llama-3.2-1B-Instruct-Q4_K_M.gguf";
    private const string Cdn = $"https://cdn-lfs.hf.co/repos/ab/cd/{Sha2}/{Sha}?response-content-disposition=attachment%3B+filename*%3DUTF-8%27%27Llama-3.2-1B-Instruct-Q4_K_M.gguf%3B";

    private static DateTimeOffset At(int minutes) => TestRecords.T0.AddMinutes(minutes);

    private static NetLogReport Analyze(IEnumerable<ProxyRecord> records, NetLogAnalysisOptions? options = null) =>
        NetLogAnalyzer.Analyze(records, new ProxyLogStats(), options ?? new NetLogAnalysisOptions());

    [Fact]
    public void Analyze_HfResolve302ThenCdn200_IsOneAcquisitionWithCdnBytes()
    {
        NetLogReport report = Analyze(
        [
            TestRecords.Get(Resolve, status: 302, bytes: 1200, time: At(0), line: 10),
            TestRecords.Get(Cdn, status: 200, bytes: 807_694_464, time: At(3), line: 11),
        ]);

        Acquisition a = Assert.Single(report.Acquisitions);
        Assert.Equal(AcquisitionKind.Model, a.Kind);
        Assert.Equal(Hub.HuggingFace, a.Hub);
        Assert.Equal("bartowski/Llama-3.2-1B-Instruct-GGUF", a.ModelId);
        Assert.Equal("Llama-3.2-1B-Instruct-Q4_K_M.gguf", a.File);
        Assert.Equal("main", a.Revision);
        Assert.Equal(807_694_464, a.Bytes);
        Assert.Equal(Confidence.High, a.Confidence);
        Assert.Equal(At(0), a.FirstSeen);
        Assert.Equal(At(3), a.LastSeen);
        Assert.Equal(["access.log:10", "access.log:11"], a.Evidence);
        Assert.Equal(2, a.EvidenceCount);
        Assert.Empty(report.HubAccess);
        Assert.Equal(2, report.Stats.Matched);
    }

    [Fact]
    public void Analyze_CdnRangePartsByShaOnly_JoinTheResolve()
    {
        NetLogReport report = Analyze(
        [
            TestRecords.Get(Resolve, status: 302, time: At(0)),
            TestRecords.Get(Cdn, status: 206, bytes: 400, time: At(1)),
            TestRecords.Get($"https://cdn-lfs.hf.co/repos/ab/cd/{Sha2}/{Sha}", status: 206, bytes: 600, time: At(2)),
        ]);
        Acquisition a = Assert.Single(report.Acquisitions);
        Assert.Equal(1000, a.Bytes);
        Assert.Equal(2, a.Parts);
    }

    [Fact]
    public void Analyze_ResolveWithoutTransfer_IsMediumConfidenceWithoutBytes()
    {
        NetLogReport report = Analyze([TestRecords.Get(Resolve, status: 302, bytes: 1200, time: At(0))]);
        Acquisition a = Assert.Single(report.Acquisitions);
        Assert.Equal(0, a.Bytes);
        Assert.Equal(Confidence.Medium, a.Confidence);
    }

    [Fact]
    public void Analyze_CdnOutsideWindow_IsNotJoined()
    {
        var options = new NetLogAnalysisOptions { JoinWindow = TimeSpan.FromMinutes(30) };
        NetLogReport report = Analyze(
        [
            TestRecords.Get(Resolve, status: 302, time: At(0)),
            TestRecords.Get(Cdn, status: 200, bytes: 5000, time: At(31)),
        ], options);

        Assert.Equal(2, report.Acquisitions.Count);
        Acquisition redirect = report.Acquisitions[0];
        Acquisition transfer = report.Acquisitions[1];
        Assert.Equal("bartowski/Llama-3.2-1B-Instruct-GGUF", redirect.ModelId);
        Assert.Equal(0, redirect.Bytes);
        Assert.Null(transfer.ModelId);
        Assert.Equal("Llama-3.2-1B-Instruct-Q4_K_M.gguf", transfer.File);
        Assert.Equal(5000, transfer.Bytes);
    }

    [Fact]
    public void Analyze_InterleavedClients_EachGetsTheirOwnBytes()
    {
        NetLogReport report = Analyze(
        [
            TestRecords.Get(Resolve, status: 302, client: "10.0.0.1", time: At(0)),
            TestRecords.Get(Resolve, status: 302, client: "10.0.0.2", time: At(1)),
            TestRecords.Get(Cdn, bytes: 222, client: "10.0.0.2", time: At(2)),
            TestRecords.Get(Cdn, bytes: 111, client: "10.0.0.1", time: At(3)),
        ]);

        Assert.Equal(2, report.Acquisitions.Count);
        Assert.Equal(111, report.Acquisitions.Single(a => a.ClientIp == "10.0.0.1").Bytes);
        Assert.Equal(222, report.Acquisitions.Single(a => a.ClientIp == "10.0.0.2").Bytes);
        Assert.All(report.Acquisitions, a => Assert.Equal("bartowski/Llama-3.2-1B-Instruct-GGUF", a.ModelId));
    }

    [Fact]
    public void Analyze_OllamaManifestBlobsAndR2Parts_IsOnePull()
    {
        string blob1 = $"https://registry.ollama.ai/v2/library/llama3.2/blobs/sha256:{Sha}";
        string blob2 = $"https://registry.ollama.ai/v2/library/llama3.2/blobs/sha256:{Sha2}";
        NetLogReport report = Analyze(
        [
            TestRecords.Get("https://registry.ollama.ai/v2/library/llama3.2/manifests/1b", bytes: 857, time: At(0)),
            TestRecords.Get(blob1, status: 307, bytes: 600, time: At(0)),
            TestRecords.Get(blob2, status: 307, bytes: 600, time: At(0)),
            TestRecords.Get($"{R2}/ollama/docker/registry/v2/blobs/sha256/e3/{Sha}/data", status: 206, bytes: 700_000_000, time: At(2)),
            TestRecords.Get($"{R2}/ollama/docker/registry/v2/blobs/sha256/e3/{Sha}/data", status: 206, bytes: 600_000_000, time: At(2)),
            TestRecords.Get($"{R2}/ollama/docker/registry/v2/blobs/sha256/a1/{Sha2}/data", status: 200, bytes: 1_400, time: At(3)),
            // Another client pulling something else at the same time does not mix in.
            TestRecords.Get($"{R2}/ollama/docker/registry/v2/blobs/sha256/e3/{Sha}/data", status: 206, client: "10.0.0.99", bytes: 5, time: At(2)),
        ]);

        Acquisition pull = report.Acquisitions.Single(a => a.ClientIp == "10.0.0.15");
        Assert.Equal("llama3.2:1b", pull.ModelId);
        Assert.Equal(Hub.Ollama, pull.Hub);
        Assert.Equal("1b", pull.Revision);
        Assert.Equal(1_300_001_400, pull.Bytes);
        Assert.Equal(3, pull.Parts);
        Assert.Equal([$"sha256:{Sha}", $"sha256:{Sha2}"], pull.Blobs);
        Assert.Equal(Confidence.High, pull.Confidence);
        Assert.Equal(6, pull.EvidenceCount);
        Acquisition other = report.Acquisitions.Single(a => a.ClientIp == "10.0.0.99");
        Assert.Null(other.ModelId);
        Assert.Equal(5, other.Bytes);
    }

    [Fact]
    public void Analyze_OllamaPartLoggedBeforeItsBlobRequest_StillOnePull()
    {
        NetLogReport report = Analyze(
        [
            TestRecords.Get("https://registry.ollama.ai/v2/library/qwen3/manifests/8b", time: At(0)),
            TestRecords.Get($"{R2}/ollama/docker/registry/v2/blobs/sha256/e3/{Sha}/data", status: 206, bytes: 300, time: At(0)),
            TestRecords.Get($"https://registry.ollama.ai/v2/library/qwen3/blobs/sha256:{Sha}", status: 307, time: At(0)),
            TestRecords.Get($"{R2}/ollama/docker/registry/v2/blobs/sha256/e3/{Sha}/data", status: 206, bytes: 700, time: At(1)),
        ]);
        Acquisition pull = Assert.Single(report.Acquisitions);
        Assert.Equal("qwen3:8b", pull.ModelId);
        Assert.Equal(1000, pull.Bytes);
        Assert.Equal(2, pull.Parts);
        Assert.Equal(4, pull.EvidenceCount);
    }

    [Fact]
    public void Analyze_OllamaManifestOnly_IsAccessNotAcquisition()
    {
        NetLogReport report = Analyze([TestRecords.Get("https://registry.ollama.ai/v2/library/llama3.2/manifests/1b", time: At(0))]);
        Assert.Empty(report.Acquisitions);
        HubAccess access = Assert.Single(report.HubAccess);
        Assert.Equal("llama3.2:1b", access.ModelId);
        Assert.Equal(1, access.FileRequests);
    }

    [Fact]
    public void Analyze_OllamaFromHuggingFace_JoinsBlobToCdnBySha()
    {
        NetLogReport report = Analyze(
        [
            TestRecords.Get("https://hf.co/v2/bartowski/Llama-3.2-1B-Instruct-GGUF/manifests/Q4_K_M", time: At(0)),
            TestRecords.Get($"https://hf.co/v2/bartowski/Llama-3.2-1B-Instruct-GGUF/blobs/sha256:{Sha}", status: 302, time: At(0)),
            TestRecords.Get($"https://cdn-lfs.hf.co/repos/ab/cd/{Sha2}/{Sha}", bytes: 800_000_000, time: At(4)),
        ]);
        Acquisition a = Assert.Single(report.Acquisitions);
        Assert.Equal("hf.co/bartowski/Llama-3.2-1B-Instruct-GGUF:Q4_K_M", a.ModelId);
        Assert.Equal(800_000_000, a.Bytes);
        Assert.Equal([$"sha256:{Sha}"], a.Blobs);
    }

    [Fact]
    public void Analyze_GitHubReleaseRedirect_IsOneRuntimeInstaller()
    {
        NetLogReport report = Analyze(
        [
            TestRecords.Get("https://github.com/ggml-org/llama.cpp/releases/download/b4000/llama-b4000-bin-win-cuda-cu12.4-x64.zip", status: 302, time: At(0)),
            TestRecords.Get("https://objects.githubusercontent.com/github-production-release-asset-2e65be/612354784/abc?response-content-disposition=attachment%3B%20filename%3Dllama-b4000-bin-win-cuda-cu12.4-x64.zip", bytes: 150_000_000, time: At(1)),
        ]);
        Acquisition a = Assert.Single(report.Acquisitions);
        Assert.Equal(AcquisitionKind.RuntimeInstaller, a.Kind);
        Assert.Equal(Hub.GitHubRelease, a.Hub);
        Assert.Equal("ggml-org/llama.cpp", a.ModelId);
        Assert.Equal("b4000", a.Revision);
        Assert.Equal("llama-b4000-bin-win-cuda-cu12.4-x64.zip", a.File);
        Assert.Equal(150_000_000, a.Bytes);
        Assert.Equal(Confidence.High, a.Confidence);
    }

    [Fact]
    public void Analyze_OllamaInstallerViaGitHub_IsOneRuntimeInstallerFromOllama()
    {
        NetLogReport report = Analyze(
        [
            TestRecords.Get("https://ollama.com/download/OllamaSetup.exe", status: 302, time: At(0)),
            TestRecords.Get("https://github.com/ollama/ollama/releases/latest/download/OllamaSetup.exe", status: 302, time: At(0)),
            TestRecords.Get("https://release-assets.githubusercontent.com/github-production-release-asset/1/u?response-content-disposition=attachment%3B%20filename%3DOllamaSetup.exe", bytes: 700_000_000, time: At(2)),
        ]);
        Acquisition a = Assert.Single(report.Acquisitions);
        Assert.Equal(Hub.Ollama, a.Hub);
        Assert.Equal("ollama/ollama", a.ModelId);
        Assert.Equal("latest", a.Revision);
        Assert.Equal(700_000_000, a.Bytes);
    }

    [Fact]
    public void Analyze_CivitaiDownloadThenDelivery_JoinsOnTheLatestRequest()
    {
        NetLogReport report = Analyze(
        [
            TestRecords.Get("https://civitai.com/api/download/models/128713?type=Model&format=SafeTensor", status: 307, time: At(0)),
            TestRecords.Get("https://civitai-delivery-worker-prod.5ac0637cfd0766c97916cefa3764fbdf.r2.cloudflarestorage.com/model/1/x.safetensors?response-content-disposition=attachment%3B%20filename%3D%22realisticVisionV60B1.safetensors%22", bytes: 2_100_000_000, time: At(5)),
        ]);
        Acquisition a = Assert.Single(report.Acquisitions);
        Assert.Equal("128713", a.ModelId);
        Assert.Equal("realisticVisionV60B1.safetensors", a.File);
        Assert.Equal(2_100_000_000, a.Bytes);
    }

    [Fact]
    public void Analyze_Tunnels_AreHubTransfersWithConfidenceByHostAndBytes()
    {
        NetLogReport report = Analyze(
        [
            TestRecords.Connect("cdn-lfs.hf.co", 4_718_592_000, time: At(0)),
            TestRecords.Connect("huggingface.co", 900_000_000, time: At(0)),
            TestRecords.Connect("transfer.xethub.hf.co", 50_000_000, time: At(0)),
        ]);
        Assert.Equal(3, report.Acquisitions.Count);
        Assert.All(report.Acquisitions, a =>
        {
            Assert.Equal(AcquisitionKind.HubTransfer, a.Kind);
            Assert.Null(a.ModelId);
            Assert.Null(a.File);
        });
        Assert.Equal(Confidence.Medium, report.Acquisitions.Single(a => a.Host == "cdn-lfs.hf.co").Confidence);
        Assert.Equal(Confidence.Low, report.Acquisitions.Single(a => a.Host == "huggingface.co").Confidence);
        Assert.Equal(Confidence.Low, report.Acquisitions.Single(a => a.Host == "transfer.xethub.hf.co").Confidence);
    }

    [Fact]
    public void Analyze_ParallelTunnelSessions_SumIntoOneTransfer()
    {
        NetLogReport report = Analyze(
        [
            TestRecords.Connect("transfer.xethub.hf.co", 60_000_000, time: At(0)),
            TestRecords.Connect("transfer.xethub.hf.co", 60_000_000, time: At(1)),
        ]);
        Acquisition a = Assert.Single(report.Acquisitions);
        Assert.Equal(120_000_000, a.Bytes);
        Assert.Equal(2, a.Parts);
        Assert.Equal(Confidence.Medium, a.Confidence);
    }

    [Fact]
    public void Analyze_PagesApiAndMetadata_AreAccessNotAcquisitions()
    {
        NetLogReport report = Analyze(
        [
            TestRecords.Get("https://huggingface.co/org/repo", time: At(0), user: "alice"),
            TestRecords.Get("https://huggingface.co/org/repo", time: At(5), user: "alice"),
            TestRecords.Get("https://huggingface.co/api/models/org/repo", time: At(6), user: "alice"),
            TestRecords.Get("https://huggingface.co/org/repo/resolve/main/config.json", time: At(7), user: "alice"),
            TestRecords.Get("https://huggingface.co/org/repo/resolve/main/model.safetensors", method: "HEAD", status: 302, time: At(8), user: "alice"),
            TestRecords.Get("https://huggingface.co/org/repo/resolve/main/model.safetensors", status: 401, time: At(9), user: "alice"),
        ]);
        Assert.Empty(report.Acquisitions);
        HubAccess access = Assert.Single(report.HubAccess);
        Assert.Equal("org/repo", access.ModelId);
        Assert.Equal("alice", access.User);
        Assert.Equal(2, access.PageViews);
        Assert.Equal(1, access.ApiCalls);
        Assert.Equal(3, access.FileRequests);
        Assert.Equal(At(0), access.FirstSeen);
        Assert.Equal(At(9), access.LastSeen);
    }

    [Fact]
    public void Analyze_DatasetFile_IsDatasetAcquisition()
    {
        NetLogReport report = Analyze([TestRecords.Get("https://huggingface.co/datasets/org/data/resolve/main/train.parquet", bytes: 9000, time: At(0))]);
        Acquisition a = Assert.Single(report.Acquisitions);
        Assert.Equal(AcquisitionKind.Dataset, a.Kind);
        Assert.Equal("datasets/org/data", a.ModelId);
        Assert.Equal(9000, a.Bytes);
    }

    [Fact]
    public void Analyze_SinceUntil_FiltersTimedRecordsAndKeepsUntimed()
    {
        var options = new NetLogAnalysisOptions { Since = At(10), Until = At(20) };
        NetLogReport report = Analyze(
        [
            TestRecords.Get("https://huggingface.co/a/early/resolve/main/m.gguf", time: At(5)),
            TestRecords.Get("https://huggingface.co/a/inside/resolve/main/m.gguf", time: At(10)),
            TestRecords.Get("https://huggingface.co/a/late/resolve/main/m.gguf", time: At(20)),
            TestRecords.Get("https://huggingface.co/a/untimed/resolve/main/n.gguf", noTime: true),
        ], options);
        Assert.Equal(["a/inside", "a/untimed"], report.Acquisitions.Select(a => a.ModelId).Order(StringComparer.Ordinal));
        Assert.Equal(2, report.Stats.OutsideTimeRange);
        Assert.Equal(1, report.Stats.WithoutTime);
        Assert.Equal(4, report.Stats.Records);
    }

    [Fact]
    public void Analyze_Attribution_ProxyUserWinsAndHostnameComesFromTable()
    {
        AttributionTable table = AttributionTable.FromEntries(
        [
            new AttributionEntry("10.0.0.15", "laptop-17", "bob", At(-60), At(60), "t:2"),
            new AttributionEntry("10.0.0.16", "desk-3", "carol", At(-60), null, "t:3"),
        ]);
        NetLogReport report = Analyze(
        [
            TestRecords.Get("https://huggingface.co/a/one/resolve/main/m.gguf", client: "10.0.0.15", user: "alice", time: At(0)),
            TestRecords.Get("https://huggingface.co/a/two/resolve/main/m.gguf", client: "10.0.0.16", time: At(0)),
            TestRecords.Get("https://huggingface.co/a/three/resolve/main/m.gguf", client: "10.0.0.15", time: At(90)),
        ], new NetLogAnalysisOptions { Attribution = table });

        Acquisition one = report.Acquisitions.Single(a => a.ModelId == "a/one");
        Assert.Equal(("alice", "laptop-17"), (one.User, one.Hostname));
        Acquisition two = report.Acquisitions.Single(a => a.ModelId == "a/two");
        Assert.Equal(("carol", "desk-3"), (two.User, two.Hostname));
        Acquisition three = report.Acquisitions.Single(a => a.ModelId == "a/three");
        Assert.Null(three.User);
        Assert.Null(three.Hostname);
    }

    [Fact]
    public void Analyze_Stats_CarryReaderCounters()
    {
        var stats = new ProxyLogStats();
        stats.AddLines(10);
        stats.AddParsed(6);
        stats.AddSkipped(2);
        stats.AddMalformed("access.log", 7, "bad", 10);
        stats.AddMalformed("access.log", 9, "bad", 10);
        stats.FormatsByInput["access.log"] = "squid";
        NetLogReport report = NetLogAnalyzer.Analyze([TestRecords.Get(Resolve, status: 302)], stats, new NetLogAnalysisOptions());
        Assert.Equal(10, report.Stats.LinesRead);
        Assert.Equal(6, report.Stats.Parsed);
        Assert.Equal(2, report.Stats.Malformed);
        Assert.Equal([7L, 9L], report.Stats.MalformedExamples.Select(m => m.LineNumber));
        Assert.Equal("squid", report.Stats.Formats["access.log"]);
        Assert.Equal(1, report.Stats.Acquisitions);
    }

    [Fact]
    public void Analyze_ManyDistinctDownloads_KeepsOpenStateBounded()
    {
        var options = new NetLogAnalysisOptions { MaxOpenJoins = 100 };
        var joiner = new AcquisitionJoiner(options);
        int maxOpen = 0;
        for (int i = 0; i < 5_000; i++)
        {
            // All at the same instant: only the cap, not the window, can close them.
            ProxyRecord r = TestRecords.Get($"https://huggingface.co/org/repo{i}/resolve/main/m{i}.gguf", status: 302, time: At(0));
            joiner.Add(r, HubClassifier.Classify(r)!);
            maxOpen = Math.Max(maxOpen, joiner.OpenJoins);
        }
        joiner.Complete();
        Assert.True(maxOpen <= 101, $"open joins peaked at {maxOpen}");
        Assert.True(joiner.JoinsEvictedEarly > 0);
        Assert.Equal(5_000, joiner.Acquisitions().Count);
    }

    [Fact]
    public void Analyze_TimeMovesOn_ClosesStaleJoinsByWindow()
    {
        var options = new NetLogAnalysisOptions { JoinWindow = TimeSpan.FromMinutes(10) };
        var joiner = new AcquisitionJoiner(options);
        for (int i = 0; i < 3_000; i++)
        {
            ProxyRecord r = TestRecords.Get($"https://huggingface.co/org/repo{i}/resolve/main/m.gguf", status: 302, time: At(i));
            joiner.Add(r, HubClassifier.Classify(r)!);
        }
        // A sweep runs every 1024 records; joins older than the window are gone.
        Assert.True(joiner.OpenJoins < 1_100, $"{joiner.OpenJoins} joins still open");
        Assert.Equal(0, joiner.JoinsEvictedEarly);
    }

    [Fact]
    public void Analyze_CraftedByteCounts_SaturateInsteadOfOverflowing()
    {
        NetLogReport report = Analyze(
        [
            TestRecords.Connect("cdn-lfs.hf.co", long.MaxValue - 1, time: At(0)),
            TestRecords.Connect("cdn-lfs.hf.co", long.MaxValue - 1, time: At(0)),
        ]);
        Assert.Equal(long.MaxValue, Assert.Single(report.Acquisitions).Bytes);
    }

    [Fact]
    public void Analyze_EvidenceIsCappedButCounted()
    {
        var records = Enumerable.Range(0, 50)
            .Select(i => TestRecords.Get($"{R2}/ollama/docker/registry/v2/blobs/sha256/e3/{Sha}/data", status: 206, bytes: 10, time: At(0), line: i + 1))
            .ToList();
        Acquisition a = Assert.Single(Analyze(records, new NetLogAnalysisOptions { MaxEvidence = 5 }).Acquisitions);
        Assert.Equal(5, a.Evidence.Count);
        Assert.Equal(50, a.EvidenceCount);
        Assert.Equal(500, a.Bytes);
    }

    [Fact]
    public void Analyze_SameFileDownloadedTwiceWithinWindow_IsTwoAcquisitions()
    {
        NetLogReport report = Analyze(
        [
            TestRecords.Get(Resolve, status: 302, bytes: 1200, time: At(0)),
            TestRecords.Get(Cdn, status: 200, bytes: 807_694_464, time: At(3)),
            TestRecords.Get(Resolve, status: 302, bytes: 1200, time: At(20)),
            TestRecords.Get(Cdn, status: 200, bytes: 807_694_464, time: At(24)),
        ]);

        // A finished download closes at once; the second is a download of its own, not doubled bytes.
        Assert.Equal(2, report.Acquisitions.Count);
        Assert.All(report.Acquisitions, a => Assert.Equal(807_694_464, a.Bytes));
    }

    [Fact]
    public void Analyze_TunnelsSeparatedByLongPause_AreTwoHubTransfers()
    {
        NetLogReport report = Analyze(
        [
            TestRecords.Connect("cdn-lfs.hf.co", 300_000_000, time: At(0)),
            TestRecords.Connect("cdn-lfs.hf.co", 300_000_000, time: At(5)),
            TestRecords.Connect("cdn-lfs.hf.co", 300_000_000, time: At(60)),
            TestRecords.Get("https://example.org/", time: At(120)),
        ]);

        Assert.Equal([600_000_000L, 300_000_000L], report.Acquisitions.Select(a => a.Bytes).ToArray());
    }

    [Fact]
    public void Analyze_StreamingSink_SameAcquisitionsAsKeptReport()
    {
        ProxyRecord[] records =
        [
            TestRecords.Get(Resolve, status: 302, bytes: 1200, time: At(0)),
            TestRecords.Get(Cdn, status: 200, bytes: 807_694_464, time: At(3)),
            TestRecords.Connect("cdn-lfs.hf.co", 300_000_000, time: At(4)),
        ];
        var streamed = new List<Acquisition>();

        NetLogReport kept = Analyze(records);
        NetLogReport sunk = Analyze(records, new NetLogAnalysisOptions { OnAcquisition = streamed.Add });

        Assert.Empty(sunk.Acquisitions);
        Assert.Equal(kept.Stats.Acquisitions, sunk.Stats.Acquisitions);
        Assert.Equal(kept.Acquisitions.Select(a => (a.Kind, a.Bytes, a.File)).Order(), streamed.Select(a => (a.Kind, a.Bytes, a.File)).Order());
    }
}
