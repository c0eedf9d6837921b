using System.IO.Compression;
using Lantern.Core.Findings;
using Lantern.Formats;
using Lantern.Formats.Keras;
using Lantern.Formats.Sniffing;
using Lantern.Vetting.Engine;
using Lantern.Vetting.Rules.Onnx;
using PureHDF;
using PureHDF.VOL.Native;

namespace Lantern.Vetting.Rules.Keras;

/// <summary>
/// Vets Keras 3 <c>.keras</c> zips (config.json walked completely; every other member through the engine) and
/// Keras 2 / TF HDF5 models (root attributes <c>model_config</c> and <c>training_config</c> read with PureHDF,
/// metadata only). formats.md §7, §9.8.
/// </summary>
internal sealed class KerasVetter : IFormatVetter
{
    /// <summary>Members up to this size are inflated into memory; larger ones go to a delete-on-close temp file.</summary>
    private const long InMemoryMemberBytes = 64L * 1024 * 1024;

    /// <summary>Root attributes of a Keras HDF5 model that hold configs (keras src/legacy/saving/legacy_h5_format.py).</summary>
    private static readonly string[] Hdf5ConfigAttributes = ["model_config", "training_config"];

    public string Id => "keras";

    public IReadOnlySet<ModelFormatId> Formats { get; } = new HashSet<ModelFormatId> { ModelFormatId.Keras, ModelFormatId.Hdf5 };

    public Verdict Vet(VetContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Profile = "keras";
        return context.Format == ModelFormatId.Hdf5 ? VetHdf5(context) : VetZip(context);
    }

    private static Verdict VetZip(VetContext context)
    {
        ZipArchive archive;
        try
        {
            archive = new ZipArchive(context.Content, ZipArchiveMode.Read, leaveOpen: true);
        }
        catch (InvalidDataException ex)
        {
            throw new ModelFormatException("keras.zip-invalid", 0, $"The .keras zip cannot be read: {ex.Message}");
        }
        using (archive)
        {
            if (archive.Entries.Count > context.Limits.MaxArchiveMembers)
            {
                Problem(context, Verdict.Incomplete, $"The .keras zip has {archive.Entries.Count} members, over the limit of {context.Limits.MaxArchiveMembers}.");
                return Verdict.Incomplete;
            }
            List<ZipArchiveEntry> configs = archive.Entries.Where(e => e.FullName == "config.json").ToList();
            if (configs.Count == 0)
            {
                Problem(context, Verdict.Malformed, "The .keras zip has no config.json.");
            }
            else if (configs.Count > 1)
            {
                // Python's zipfile loads the LAST entry of a name; a scanner reading the first sees another model.
                Problem(context, Verdict.Suspicious, $"The .keras zip holds config.json {configs.Count} times; each copy is judged, Keras loads the last.");
            }
            long budget = context.Limits.MaxInflatedBytes;
            foreach (ZipArchiveEntry entry in archive.Entries)
            {
                context.Cancellation.ThrowIfCancellationRequested();
                if (context.OutOfTime)
                {
                    return Verdict.Incomplete;
                }
                if (entry.FullName.EndsWith('/'))
                {
                    continue;
                }
                if (entry.Length > budget || (entry.CompressedLength > 0 && entry.Length / entry.CompressedLength > context.Limits.MaxCompressionRatio))
                {
                    Problem(context, Verdict.Incomplete, $"Member '{entry.FullName}' ({entry.Length} bytes inflated) is over the inflation budget or ratio; not vetted.");
                    continue;
                }
                budget -= entry.Length;
                if (entry.FullName == "config.json")
                {
                    if (entry.Length > context.Limits.MaxConfigBytes)
                    {
                        Problem(context, Verdict.Incomplete, $"config.json is {entry.Length} bytes, over the {context.Limits.MaxConfigBytes}-byte limit; not judged.");
                        continue;
                    }
                    using Stream config = OpenMember(context, entry, entry.Length);
                    byte[] json = ((MemoryStream)config).ToArray();
                    KerasConfigJudge.Judge(context, ReadConfig(json), entry.FullName);
                    continue;
                }
                using Stream member = OpenMember(context, entry, entry.Length);
                context.VetMember(entry.FullName, member, member.Length);
            }
        }
        return Verdict.Safe;
    }

    /// <summary>Inflates one member into a seekable stream, refusing more bytes than the central directory declared.</summary>
    private static Stream OpenMember(VetContext context, ZipArchiveEntry entry, long declared)
    {
        Stream target = declared <= InMemoryMemberBytes
            ? new MemoryStream()
            : new FileStream(Path.GetTempFileName(), FileMode.Create, FileAccess.ReadWrite, FileShare.None, 64 * 1024, FileOptions.DeleteOnClose);
        try
        {
            using Stream source = entry.Open();
            byte[] buffer = new byte[64 * 1024];
            long copied = 0;
            int n;
            while ((n = source.Read(buffer)) > 0)
            {
                copied += n;
                if (copied > declared)
                {
                    throw new ModelFormatException("keras.member-longer-than-declared", 0, $"Member '{entry.FullName}' inflates past its declared {declared} bytes.");
                }
                target.Write(buffer, 0, n);
                context.Cancellation.ThrowIfCancellationRequested();
            }
            target.Position = 0;
            return target;
        }
        catch (Exception ex) when (ex is InvalidDataException or NotSupportedException)
        {
            target.Dispose();
            throw new ModelFormatException("keras.member-unreadable", 0, $"Member '{entry.FullName}' cannot be inflated: {ex.Message}");
        }
        catch
        {
            target.Dispose();
            throw;
        }
    }

    private static IReadOnlyList<KerasObject> ReadConfig(byte[] json) => KerasConfigReader.Read(json);

    private static Verdict VetHdf5(VetContext context)
    {
        var configs = new List<(string Name, string Json)>();
        try
        {
            // PureHDF reads structure only here: root attributes, no datasets. Reads are capped so a crafted heap
            // cannot make it pull the whole (possibly multi-GB) file through.
            // The heap guard checks each global heap collection before PureHDF sees it (GlobalHeapGuard: PureHDF
            // allocates heap objects at their declared size, which the read budget alone cannot stop).
            var guard = new GlobalHeapGuard(context.Content, context.Content.Position, context.Limits.MaxConfigBytes);
            using var bounded = new BoundedReadStream(context.Content, checked((long)context.Limits.MaxConfigBytes * 4), guard);
            using NativeFile file = H5File.Open(bounded, leaveOpen: true);
            foreach (string name in Hdf5ConfigAttributes)
            {
                if (!file.AttributeExists(name))
                {
                    continue;
                }
                IH5Attribute attribute = file.Attribute(name);
                if (attribute.Type.Class != H5DataTypeClass.String && attribute.Type.Class != H5DataTypeClass.VariableLength)
                {
                    Problem(context, Verdict.Malformed, $"HDF5 attribute '{name}' is {attribute.Type.Class}, not a string.");
                    continue;
                }
                ulong elements = attribute.Space.Dimensions.Aggregate(1UL, (a, d) => checked(a * d));
                if (elements != 1 || (attribute.Type.Class == H5DataTypeClass.String && attribute.Type.Size > context.Limits.MaxConfigBytes))
                {
                    Problem(context, Verdict.Incomplete, $"HDF5 attribute '{name}' is not one string within {context.Limits.MaxConfigBytes} bytes; not judged.");
                    continue;
                }
                string text = attribute.Read<string>();
                configs.Add((name, text));
            }
        }
        catch (Hdf5HeapException ex)
        {
            context.Add(new VetFinding
            {
                RuleId = KerasRules.HeapSizeRefused,
                Implies = ex.Implies,
                Severity = ex.Implies >= Verdict.Malformed ? Severity.Medium : Severity.Low,
                Message = ex.Message,
                Evidence = RuleEvidence.Of(("offset", ex.Offset)),
            });
            return ex.Implies;
        }
        catch (BoundedReadStream.LimitException)
        {
            Problem(context, Verdict.Incomplete, "Reading the HDF5 metadata needed more bytes than the config limit allows; not judged.");
            return Verdict.Incomplete;
        }
        catch (Exception ex) when (ex is not OperationCanceledException and not OutOfMemoryException and not ModelFormatException)
        {
            // PureHDF signals damaged files with many exception types (format, index, overflow, not-supported); all mean "cannot be read".
            context.Add(new VetFinding
            {
                RuleId = KerasRules.Hdf5Unreadable,
                Implies = Verdict.Malformed,
                Severity = Severity.Medium,
                Message = $"The HDF5 file cannot be read: {ex.GetType().Name}: {ex.Message}",
            });
            return Verdict.Malformed;
        }
        foreach ((string name, string json) in configs)
        {
            if (System.Text.Encoding.UTF8.GetByteCount(json) > context.Limits.MaxConfigBytes)
            {
                Problem(context, Verdict.Incomplete, $"HDF5 attribute '{name}' is over the {context.Limits.MaxConfigBytes}-byte limit; not judged.");
                continue;
            }
            KerasConfigJudge.Judge(context, KerasConfigReader.Read(System.Text.Encoding.UTF8.GetBytes(json)), name);
        }
        if (configs.Count == 0)
        {
            // A weights-only file (model.weights.h5 or save_weights): arrays only, nothing a loader executes.
            context.Profile = "keras-weights";
        }
        return Verdict.Safe;
    }

    private static void Problem(VetContext context, Verdict verdict, string message) => context.Add(new VetFinding
    {
        RuleId = KerasRules.ConfigProblem,
        Implies = verdict,
        Severity = verdict >= Verdict.Suspicious ? Severity.Medium : Severity.Low,
        Message = message,
        Evidence = RuleEvidence.Of(("path", context.Path)),
    });
}
