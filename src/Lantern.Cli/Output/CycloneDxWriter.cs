using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Lantern.Core.Model;

namespace Lantern.Cli.Output;

/// <summary>
/// The inventory as a CycloneDX 1.6 ML-BOM (JSON), written by hand with <see cref="Utf8JsonWriter"/>:
/// the CycloneDX.Core package is not available to us, and the subset we need is small.
/// Layout follows reference/discovery.md §7: one <c>machine-learning-model</c> component per distinct
/// model (by SHA-256), runtimes as <c>application</c> components with purls, servers as services,
/// advisories as vulnerabilities, and everything without a standard field as <c>lantern:*</c> properties.
/// Output is deterministic for a given inventory (sorted, serial number derived from host and time).
/// </summary>
internal static class CycloneDxWriter
{
    public const string SpecVersion = "1.6";

    // bom-1.6.schema.json definitions/version: "maxLength": 1024.
    private const int MaxVersionLength = 1024;

    // An arbitrary, fixed namespace for Lantern's name-based serial numbers (RFC 9562 §5.8, Appendix B.2).
    private static readonly byte[] SerialNamespace = Guid.Parse("6c2e4b8a-7f1d-4a3e-9b5c-2d8e0f1a3c47").ToByteArray(bigEndian: true);

    private static readonly JsonWriterOptions WriterOptions = new()
    {
        Indented = true,
        // The BOM is a file for tools, never embedded in HTML, so keep '+', '<' and non-ASCII readable.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static void Write(Inventory inventory, Stream stream)
    {
        ArgumentNullException.ThrowIfNull(inventory);
        ArgumentNullException.ThrowIfNull(stream);
        using (var json = new Utf8JsonWriter(stream, WriterOptions))
        {
            WriteBom(json, inventory);
        }
        stream.WriteByte((byte)'\n');
    }

    public static void Write(Inventory inventory, TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Write(ToJson(inventory));
    }

    public static string ToJson(Inventory inventory)
    {
        using var buffer = new MemoryStream();
        Write(inventory, buffer);
        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, checked((int)buffer.Length));
    }

    /// <summary>
    /// <c>urn:uuid:</c> serial derived from host and scan time, so the same scan always gets the same
    /// serial (stable golden files) and different scans differ. UUIDv8 name-based with SHA-256
    /// (RFC 9562 Appendix B.2): v5 would need SHA-1, which we keep out of the code base.
    /// </summary>
    public static string SerialNumber(Inventory inventory)
    {
        ArgumentNullException.ThrowIfNull(inventory);
        string name = inventory.Host + "\n" + inventory.ScannedAt.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);
        byte[] nameBytes = Encoding.UTF8.GetBytes(name);
        byte[] input = new byte[SerialNamespace.Length + nameBytes.Length];
        SerialNamespace.CopyTo(input, 0);
        nameBytes.CopyTo(input, SerialNamespace.Length);
        byte[] hash = SHA256.HashData(input);
        Span<byte> uuid = hash.AsSpan(0, 16);
        uuid[6] = (byte)((uuid[6] & 0x0F) | 0x80); // version 8
        uuid[8] = (byte)((uuid[8] & 0x3F) | 0x80); // variant 10xx (RFC 9562 §4.1)
        return "urn:uuid:" + new Guid(uuid, bigEndian: true).ToString("D");
    }

    private static void WriteBom(Utf8JsonWriter json, Inventory inventory)
    {
        IReadOnlyList<RuntimeInstall> runtimes = [.. inventory.Runtimes
            .OrderBy(r => r.Id, StringComparer.Ordinal)
            .ThenBy(r => r.Version, StringComparer.Ordinal)
            .ThenBy(r => r.Executable, StringComparer.Ordinal)
            .ThenBy(r => r.Name, StringComparer.Ordinal)];
        Dictionary<RuntimeInstall, string> runtimeRefs = AssignRuntimeRefs(runtimes);
        IReadOnlyList<ModelGroup> models = ModelGroup.From(inventory.Artifacts);

        json.WriteStartObject();
        json.WriteString("bomFormat", "CycloneDX");
        json.WriteString("specVersion", SpecVersion);
        json.WriteString("serialNumber", SerialNumber(inventory));
        json.WriteNumber("version", 1);
        WriteMetadata(json, inventory);

        json.WriteStartArray("components");
        foreach (RuntimeInstall runtime in runtimes)
        {
            WriteRuntime(json, runtime, runtimeRefs[runtime]);
        }
        foreach (ModelGroup model in models)
        {
            WriteModel(json, model);
        }
        json.WriteEndArray();

        if (inventory.Servers.Count > 0)
        {
            WriteServices(json, inventory);
        }
        WriteVulnerabilities(json, runtimes, runtimeRefs);
        json.WriteEndObject();
    }

    private static void WriteMetadata(Utf8JsonWriter json, Inventory inventory)
    {
        json.WriteStartObject("metadata");
        json.WriteString("timestamp", inventory.ScannedAt.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture));

        // "operations": inventory of what is installed and running (bom-1.6 metadata.lifecycles).
        json.WriteStartArray("lifecycles");
        json.WriteStartObject();
        json.WriteString("phase", "operations");
        json.WriteEndObject();
        json.WriteEndArray();

        json.WriteStartObject("tools");
        json.WriteStartArray("components");
        json.WriteStartObject();
        json.WriteString("type", "application");
        json.WriteString("name", "lantern");
        WriteVersion(json, inventory.LanternVersion);
        json.WriteEndObject();
        json.WriteEndArray();
        json.WriteEndObject();

        json.WriteStartObject("component");
        json.WriteString("type", "device");
        json.WriteString("bom-ref", "endpoint");
        json.WriteString("name", inventory.Host);
        var properties = new PropertyList();
        properties.Add("lantern:user", inventory.User);
        properties.Add("lantern:os", inventory.Os);
        properties.Add("lantern:complete", inventory.Complete);
        properties.Add("lantern:problemCount", inventory.Problems.Count);
        if (inventory.Gpu is { } gpu)
        {
            properties.Add("lantern:gpuState", gpu.State);
            properties.AddEach("lantern:gpuDevice", gpu.Devices);
        }
        properties.Write(json);
        json.WriteEndObject();

        json.WriteEndObject();
    }

    private static Dictionary<RuntimeInstall, string> AssignRuntimeRefs(IReadOnlyList<RuntimeInstall> runtimes)
    {
        // bom-refs must be unique in the BOM; two installs of one version get "#2", "#3" in sorted order.
        var refs = new Dictionary<RuntimeInstall, string>(ReferenceEqualityComparer.Instance);
        var used = new HashSet<string>(StringComparer.Ordinal);
        foreach (RuntimeInstall runtime in runtimes)
        {
            string baseRef = "runtime:" + runtime.Id + "@" + (runtime.Version ?? "unknown");
            string candidate = baseRef;
            for (int n = 2; !used.Add(candidate); n++)
            {
                candidate = baseRef + "#" + n.ToString(CultureInfo.InvariantCulture);
            }
            refs[runtime] = candidate;
        }
        return refs;
    }

    private static void WriteRuntime(Utf8JsonWriter json, RuntimeInstall runtime, string bomRef)
    {
        json.WriteStartObject();
        json.WriteString("type", "application");
        json.WriteString("bom-ref", bomRef);
        json.WriteString("name", runtime.Name);
        WriteVersion(json, runtime.Version);
        json.WriteString("purl", PackageUrls.ForRuntime(runtime));

        var properties = new PropertyList();
        properties.Add("lantern:runtime", runtime.Id);
        properties.Add("lantern:versionSource", runtime.VersionSource);
        properties.Add("lantern:executable", runtime.Executable);
        foreach (RuntimePath path in runtime.Paths.OrderBy(p => p.Kind, StringComparer.Ordinal).ThenBy(p => p.Path, StringComparer.Ordinal))
        {
            properties.Add("lantern:path:" + path.Kind, path.Path);
        }
        properties.AddEach("lantern:listening", runtime.Listening);
        foreach (KeyValuePair<string, string> property in runtime.Properties.Where(p => !IsEmbeddedComponent(p.Key)).OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            properties.Add("lantern:" + property.Key, property.Value);
        }
        properties.Write(json);

        // An embedded llama.cpp build has CVEs of its own (discovery.md §0.3): give it a purl scanners can match.
        KeyValuePair<string, string>[] embedded = [.. runtime.Properties.Where(p => IsEmbeddedComponent(p.Key)).OrderBy(p => p.Key, StringComparer.Ordinal)];
        if (embedded.Length > 0)
        {
            json.WriteStartArray("components");
            foreach (KeyValuePair<string, string> component in embedded)
            {
                json.WriteStartObject();
                json.WriteString("type", "library");
                json.WriteString("bom-ref", bomRef + "/" + component.Key + "@" + component.Value);
                json.WriteString("name", component.Key);
                WriteVersion(json, component.Value);
                json.WriteString("purl", PackageUrls.For(component.Key, component.Value));
                json.WriteEndObject();
            }
            json.WriteEndArray();
        }
        json.WriteEndObject();
    }

    private static bool IsEmbeddedComponent(string key) => key is "llama.cpp";

    private static void WriteModel(Utf8JsonWriter json, ModelGroup model)
    {
        ModelArtifact lead = model.Lead;
        json.WriteStartObject();
        json.WriteString("type", "machine-learning-model");
        json.WriteString("bom-ref", model.BomRef);
        json.WriteString("name", model.Name);
        WriteVersion(json, model.Version);

        if (model.Sha256 is not null)
        {
            json.WriteStartArray("hashes");
            json.WriteStartObject();
            json.WriteString("alg", "SHA-256");
            json.WriteString("content", model.Sha256);
            json.WriteEndObject();
            json.WriteEndArray();
        }

        WriteLicenses(json, model.Artifacts);
        WriteModelCard(json, model.Artifacts);

        var properties = new PropertyList();
        properties.AddEach("lantern:runtime", model.Artifacts.Select(a => a.Runtime));
        properties.AddEach("lantern:path", model.Artifacts.Select(a => a.Path));
        properties.AddEach("lantern:format", model.Artifacts.Select(a => a.Format));
        properties.AddEach("lantern:quantization", model.Artifacts.Select(Quantization));
        properties.Add("lantern:sizeBytes", lead.SizeBytes);
        properties.Add("lantern:cloud", model.Artifacts.Any(a => a.Cloud));
        properties.Add("lantern:verdict", model.Verdict);
        properties.AddEach("lantern:alias", model.Artifacts.SelectMany(a => a.Aliases.Prepend(a.ModelName ?? string.Empty)).Where(n => n.Length > 0 && n != model.Name));
        properties.AddEach("lantern:revision", model.Artifacts.Select(a => a.Revision).Where(r => r != model.Version));
        properties.AddEach("lantern:digestSource", model.Artifacts.Select(a => a.DigestSource));
        properties.AddEach("lantern:licenseSource", model.Artifacts.Select(a => a.License?.Source));
        properties.Write(json);
        json.WriteEndObject();
    }

    private static string? Quantization(ModelArtifact artifact) =>
        artifact.Metadata.TryGetValue("general.file_type", out string? fileType) ? fileType
        : artifact.Metadata.TryGetValue("quantization", out string? quantization) ? quantization
        : null;

    private static void WriteLicenses(Utf8JsonWriter json, IReadOnlyList<ModelArtifact> artifacts)
    {
        // license.id must be in the SPDX enum (spdx.schema.json) or the BOM is invalid; hub ids such as
        // "llama3.2" go in license.name. "unknown"/"other" say nothing a licence field could carry.
        var seen = new SortedSet<(bool IsSpdx, string Value)>(Comparer<(bool IsSpdx, string Value)>.Create((a, b) =>
            a.IsSpdx != b.IsSpdx ? b.IsSpdx.CompareTo(a.IsSpdx) : string.CompareOrdinal(a.Value, b.Value)));
        foreach (ModelLicense license in artifacts.Select(a => a.License).OfType<ModelLicense>())
        {
            string id = license.Id.Trim();
            if (id.Length == 0 || id.Equals("unknown", StringComparison.OrdinalIgnoreCase) || id.Equals("other", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }
            seen.Add(SpdxLicenseIds.TryNormalize(id, out string? spdx) ? (true, spdx) : (false, id));
        }
        if (seen.Count == 0)
        {
            return;
        }
        json.WriteStartArray("licenses");
        foreach ((bool isSpdx, string value) in seen)
        {
            json.WriteStartObject();
            json.WriteStartObject("license");
            json.WriteString(isSpdx ? "id" : "name", value);
            json.WriteEndObject();
            json.WriteEndObject();
        }
        json.WriteEndArray();
    }

    private static void WriteModelCard(Utf8JsonWriter json, IReadOnlyList<ModelArtifact> artifacts)
    {
        // modelCard.modelParameters allows architectureFamily and modelArchitecture as free strings
        // (bom-1.6 definitions/modelCard). GGUF: general.architecture is the family ("llama"),
        // general.name the specific model; HF config.json: model_type / architectures.
        string? family = FirstMetadata(artifacts, "general.architecture", "model_type");
        string? architecture = FirstMetadata(artifacts, "general.name", "architectures");
        if (family is null && architecture is null)
        {
            return;
        }
        json.WriteStartObject("modelCard");
        json.WriteStartObject("modelParameters");
        if (family is not null)
        {
            json.WriteString("architectureFamily", family);
        }
        if (architecture is not null)
        {
            json.WriteString("modelArchitecture", architecture);
        }
        json.WriteEndObject();
        json.WriteEndObject();
    }

    private static string? FirstMetadata(IReadOnlyList<ModelArtifact> artifacts, params string[] keys)
    {
        foreach (string key in keys)
        {
            foreach (ModelArtifact artifact in artifacts)
            {
                if (artifact.Metadata.TryGetValue(key, out string? value) && !string.IsNullOrWhiteSpace(value))
                {
                    return value;
                }
            }
        }
        return null;
    }

    private static void WriteServices(Utf8JsonWriter json, Inventory inventory)
    {
        var processes = new Dictionary<int, InferenceProcess>();
        foreach (InferenceProcess process in inventory.Processes)
        {
            processes.TryAdd(process.Pid, process);
        }

        json.WriteStartArray("services");
        var used = new HashSet<string>(StringComparer.Ordinal);
        foreach (InferenceServer server in inventory.Servers
            .OrderBy(s => s.Address, StringComparer.Ordinal)
            .ThenBy(s => s.Port)
            .ThenBy(s => s.Runtime, StringComparer.Ordinal))
        {
            string endpoint = Endpoint(server);
            string bomRef = "server:" + endpoint;
            for (int n = 2; !used.Add(bomRef); n++)
            {
                bomRef = "server:" + endpoint + "#" + n.ToString(CultureInfo.InvariantCulture);
            }

            json.WriteStartObject();
            json.WriteString("bom-ref", bomRef);
            json.WriteString("name", (server.Runtime ?? "inference-server") + " " + endpoint);
            WriteVersion(json, server.Version);
            json.WriteStartArray("endpoints");
            json.WriteStringValue("http://" + endpoint);
            json.WriteEndArray();
            if (server.Unauthenticated is bool unauthenticated)
            {
                json.WriteBoolean("authenticated", !unauthenticated);
            }
            // Reachable from beyond the host: the service sits across a trust boundary (bom-1.6 service).
            json.WriteBoolean("x-trust-boundary", server.ExposedBeyondLoopback);

            var properties = new PropertyList();
            properties.Add("lantern:runtime", server.Runtime);
            properties.Add("lantern:bindAddress", server.Address);
            properties.Add("lantern:port", server.Port);
            properties.Add("lantern:bindScope", server.BindScope);
            properties.Add("lantern:exposed", server.ExposedBeyondLoopback);
            properties.Add("lantern:identifiedBy", server.IdentifiedBy);
            if (server.Pid is int pid)
            {
                properties.Add("lantern:pid", pid);
                if (processes.TryGetValue(pid, out InferenceProcess? process))
                {
                    foreach (GpuUse gpu in process.Gpu.OrderBy(g => g.Device, StringComparer.Ordinal))
                    {
                        properties.Add("lantern:gpuDevice", gpu.Device);
                        if (gpu.MemoryBytes is long bytes)
                        {
                            properties.Add("lantern:gpuMemoryBytes", bytes);
                        }
                    }
                }
            }
            properties.Add("lantern:processName", server.ProcessName);
            properties.AddEach("lantern:model", server.Models);
            properties.Write(json);
            json.WriteEndObject();
        }
        json.WriteEndArray();
    }

    private static string Endpoint(InferenceServer server)
    {
        // An IPv6 literal needs brackets before the port (RFC 3986 §3.2.2).
        string host = server.Address.Contains(':', StringComparison.Ordinal) && !server.Address.StartsWith('[')
            ? "[" + server.Address + "]"
            : server.Address;
        return host + ":" + server.Port.ToString(CultureInfo.InvariantCulture);
    }

    private static void WriteVulnerabilities(Utf8JsonWriter json, IReadOnlyList<RuntimeInstall> runtimes, Dictionary<RuntimeInstall, string> runtimeRefs)
    {
        var byId = new SortedDictionary<string, List<(RuntimeInstall Runtime, AdvisoryMatch Advisory)>>(StringComparer.Ordinal);
        foreach (RuntimeInstall runtime in runtimes)
        {
            foreach (AdvisoryMatch advisory in runtime.Advisories)
            {
                if (!byId.TryGetValue(advisory.Id, out List<(RuntimeInstall, AdvisoryMatch)>? list))
                {
                    list = [];
                    byId[advisory.Id] = list;
                }
                list.Add((runtime, advisory));
            }
        }
        if (byId.Count == 0)
        {
            return;
        }

        json.WriteStartArray("vulnerabilities");
        foreach ((string id, List<(RuntimeInstall Runtime, AdvisoryMatch Advisory)> matches) in byId)
        {
            AdvisoryMatch first = matches[0].Advisory;
            json.WriteStartObject();
            json.WriteString("bom-ref", "vuln:" + id);
            json.WriteString("id", id);
            WriteSource(json, "source", id);

            string[] aliases = [.. matches.SelectMany(m => m.Advisory.Aliases).Where(a => a != id).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
            if (aliases.Length > 0)
            {
                json.WriteStartArray("references");
                foreach (string alias in aliases)
                {
                    json.WriteStartObject();
                    json.WriteString("id", alias);
                    WriteSource(json, "source", alias);
                    json.WriteEndObject();
                }
                json.WriteEndArray();
            }

            json.WriteStartArray("ratings");
            json.WriteStartObject();
            json.WriteString("severity", CycloneDxSeverity(matches.Select(m => m.Advisory.Severity)));
            json.WriteEndObject();
            json.WriteEndArray();

            json.WriteString("description", first.Summary);
            string[] fixes = [.. matches.Select(m => m.Advisory.Fixed).OfType<string>().Where(f => f.Length > 0).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
            if (fixes.Length > 0)
            {
                json.WriteString("recommendation", fixes.Length == 1
                    ? "Upgrade to " + fixes[0] + " or later."
                    : "Upgrade to one of: " + string.Join(", ", fixes) + " (or later).");
            }

            json.WriteStartArray("affects");
            foreach ((RuntimeInstall runtime, AdvisoryMatch advisory) in matches)
            {
                json.WriteStartObject();
                json.WriteString("ref", runtimeRefs[runtime]);
                if (!string.IsNullOrEmpty(runtime.Version))
                {
                    json.WriteStartArray("versions");
                    json.WriteStartObject();
                    WriteVersion(json, runtime.Version);
                    // "fix-unconfirmed": the record names no fixed version, so range matching flags every
                    // release (discovery.md §5): say "unknown", not "affected".
                    json.WriteString("status", advisory.Status == "fix-unconfirmed" ? "unknown" : "affected");
                    json.WriteEndObject();
                    json.WriteEndArray();
                }
                json.WriteEndObject();
            }
            json.WriteEndArray();

            var properties = new PropertyList();
            properties.AddEach("lantern:status", matches.Select(m => m.Advisory.Status));
            properties.Write(json);
            json.WriteEndObject();
        }
        json.WriteEndArray();
    }

    private static void WriteSource(Utf8JsonWriter json, string propertyName, string id)
    {
        (string name, string? url) = VulnerabilitySource(id);
        json.WriteStartObject(propertyName);
        json.WriteString("name", name);
        if (url is not null)
        {
            json.WriteString("url", url);
        }
        json.WriteEndObject();
    }

    /// <summary>The database an advisory id belongs to, by its prefix (OSV schema, "id" prefixes).</summary>
    internal static (string Name, string? Url) VulnerabilitySource(string id)
    {
        string escaped = Uri.EscapeDataString(id);
        if (id.StartsWith("CVE-", StringComparison.Ordinal))
        {
            return ("NVD", "https://nvd.nist.gov/vuln/detail/" + escaped);
        }
        if (id.StartsWith("GHSA-", StringComparison.Ordinal))
        {
            return ("GitHub", "https://github.com/advisories/" + escaped);
        }
        if (id.StartsWith("GO-", StringComparison.Ordinal))
        {
            return ("Go Vulnerability Database", "https://pkg.go.dev/vuln/" + escaped);
        }
        if (id.StartsWith("PYSEC-", StringComparison.Ordinal))
        {
            return ("PyPA", "https://osv.dev/vulnerability/" + escaped);
        }
        if (id.StartsWith("LNT-", StringComparison.Ordinal))
        {
            // Lantern's own advisories for issues no public database carries yet.
            return ("Lantern", null);
        }
        return ("OSV", "https://osv.dev/vulnerability/" + escaped);
    }

    /// <summary>Maps advisory severities to CycloneDX's enum (bom-1.6 definitions/severity), taking the worst.</summary>
    internal static string CycloneDxSeverity(IEnumerable<string> severities)
    {
        string[] order = ["critical", "high", "medium", "low", "info", "none", "unknown"];
        int best = order.Length - 1;
        foreach (string severity in severities)
        {
            string mapped = severity.Trim().ToLowerInvariant() switch
            {
                "critical" => "critical",
                "high" => "high",
                "medium" or "moderate" => "medium",
                "low" => "low",
                "info" or "informational" => "info",
                "none" => "none",
                _ => "unknown",
            };
            best = Math.Min(best, Array.IndexOf(order, mapped));
        }
        return order[best];
    }

    private static void WriteVersion(Utf8JsonWriter json, string? version)
    {
        if (string.IsNullOrEmpty(version))
        {
            return;
        }
        json.WriteString("version", version.Length <= MaxVersionLength ? version : version[..MaxVersionLength]);
    }

    /// <summary>A distinct model: every artifact with the same SHA-256 (or, without a digest, the same path).</summary>
    private sealed class ModelGroup
    {
        private static readonly string[] VerdictRank = ["malicious", "suspicious", "malformed", "incomplete", "not-a-model", "safe"];

        private ModelGroup(string bomRef, string? sha256, IReadOnlyList<ModelArtifact> artifacts)
        {
            BomRef = bomRef;
            Sha256 = sha256;
            Artifacts = artifacts;
            Lead = artifacts.FirstOrDefault(a => !string.IsNullOrEmpty(a.ModelName)) ?? artifacts[0];
            Name = !string.IsNullOrEmpty(Lead.ModelName) ? Lead.ModelName : FileName(Lead.Path);
            Version = Lead.Revision ?? Tag(Lead.ModelName);
            Verdict = WorstVerdict(artifacts);
        }

        public string BomRef { get; }
        public string? Sha256 { get; }
        public IReadOnlyList<ModelArtifact> Artifacts { get; }
        public ModelArtifact Lead { get; }
        public string Name { get; }
        public string? Version { get; }
        public string? Verdict { get; }

        public static IReadOnlyList<ModelGroup> From(IReadOnlyList<ModelArtifact> artifacts)
        {
            var groups = new SortedDictionary<string, List<ModelArtifact>>(StringComparer.Ordinal);
            foreach (ModelArtifact artifact in artifacts)
            {
                string key = IsSha256(artifact.Sha256) ? "model:sha256:" + artifact.Sha256!.ToLowerInvariant() : "model:path:" + artifact.Path;
                if (!groups.TryGetValue(key, out List<ModelArtifact>? list))
                {
                    list = [];
                    groups[key] = list;
                }
                list.Add(artifact);
            }
            return [.. groups.Select(g => new ModelGroup(
                g.Key,
                g.Key.StartsWith("model:sha256:", StringComparison.Ordinal) ? g.Key["model:sha256:".Length..] : null,
                [.. g.Value.OrderBy(a => a.Path, StringComparer.Ordinal)]))];
        }

        private static bool IsSha256(string? value) =>
            value is { Length: 64 } && value.All(char.IsAsciiHexDigit);

        private static string FileName(string path)
        {
            // Paths may come from another OS in a merged inventory: split on both separators.
            int slash = path.LastIndexOfAny(['/', '\\']);
            string name = slash >= 0 ? path[(slash + 1)..] : path;
            return name.Length > 0 ? name : path;
        }

        private static string? Tag(string? modelName)
        {
            // Ollama names are name:tag ("llama3.2:1b"); the tag is the closest thing to a version.
            if (string.IsNullOrEmpty(modelName))
            {
                return null;
            }
            int colon = modelName.LastIndexOf(':');
            return colon > 0 && colon < modelName.Length - 1 && !modelName[(colon + 1)..].Contains('/', StringComparison.Ordinal)
                ? modelName[(colon + 1)..]
                : null;
        }

        private static string? WorstVerdict(IReadOnlyList<ModelArtifact> artifacts)
        {
            string? worst = null;
            int worstRank = int.MaxValue;
            foreach (string verdict in artifacts.Select(a => a.Verdict).OfType<string>())
            {
                int rank = Array.IndexOf(VerdictRank, verdict);
                // An unknown verdict string ranks just after "incomplete": never better than a judged file.
                rank = rank < 0 ? 3 : rank;
                if (rank < worstRank)
                {
                    worst = verdict;
                    worstRank = rank;
                }
            }
            return worst;
        }
    }

    /// <summary>CycloneDX name/value properties, de-duplicated and sorted so output is deterministic.</summary>
    private sealed class PropertyList
    {
        private static readonly Comparer<(string Name, string Value)> Ordinal = Comparer<(string Name, string Value)>.Create((a, b) =>
        {
            int byName = string.CompareOrdinal(a.Name, b.Name);
            return byName != 0 ? byName : string.CompareOrdinal(a.Value, b.Value);
        });

        private readonly SortedSet<(string Name, string Value)> _items = new(Ordinal);

        public void Add(string name, string? value)
        {
            if (!string.IsNullOrEmpty(value))
            {
                _items.Add((name, value));
            }
        }

        public void Add(string name, bool value) => _items.Add((name, value ? "true" : "false"));

        public void Add(string name, long value) => _items.Add((name, value.ToString(CultureInfo.InvariantCulture)));

        public void AddEach(string name, IEnumerable<string?> values)
        {
            foreach (string? value in values)
            {
                Add(name, value);
            }
        }

        public void Write(Utf8JsonWriter json)
        {
            if (_items.Count == 0)
            {
                return;
            }
            json.WriteStartArray("properties");
            foreach ((string name, string value) in _items)
            {
                json.WriteStartObject();
                json.WriteString("name", name);
                json.WriteString("value", value);
                json.WriteEndObject();
            }
            json.WriteEndArray();
        }
    }
}
