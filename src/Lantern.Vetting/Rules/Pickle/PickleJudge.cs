using System.Globalization;
using Lantern.Core.Findings;
using Lantern.Formats.Pickle;
using Lantern.Vetting.Engine;

namespace Lantern.Vetting.Rules.Pickle;

/// <summary>
/// Judges one pickle stream (a plain .pkl, a PyTorch zip's data.pkl, legacy stacked pickles, an .npy object array,
/// a joblib file) under default-deny: <see cref="Verdict.Safe"/> only when it was read to its last STOP and every
/// import is in the allowlist of the framework profile that fits (docs/vetting/pickle.md).
/// </summary>
public static class PickleJudge
{
    /// <summary>Legacy torch.save writes five pickles (magic, protocol, sys_info, object, storage keys) then raw storages (formats.md §4).</summary>
    private const int LegacyTorchPickles = 5;

    /// <summary>
    /// Decodes <paramref name="pickle"/> from its current position, adds findings to <paramref name="context"/> (with
    /// <paramref name="member"/> as evidence when set) and returns the worst verdict they imply.
    /// </summary>
    /// <param name="multipleStreams">Decode pickle after pickle when data follows STOP (plain pickle files, legacy PyTorch).</param>
    /// <param name="profileHint"><c>pytorch</c>, <c>numpy</c>, <c>sklearn</c>/<c>joblib</c> or <c>core</c> when the container knows; null to choose from the imports.</param>
    public static Verdict Judge(Stream pickle, VetContext context, string? member, bool multipleStreams, string? profileHint)
    {
        ArgumentNullException.ThrowIfNull(pickle);
        ArgumentNullException.ThrowIfNull(context);
        long start = pickle.CanSeek ? pickle.Position : -1;
        PickleTrace trace = PickleDecoder.Decode(pickle, OptionsFrom(context.Limits, multipleStreams, JoblibMayLoad(profileHint)), context.Cancellation);
        PickleJudgement judgement = Evaluate(trace, member, profileHint, multipleStreams);
        foreach (VetFinding finding in judgement.Findings)
        {
            context.Add(finding);
        }
        Verdict verdict = judgement.Verdict;
        if (trace.UnpaddedInlineArrayCount > 0 && start >= 0)
        {
            verdict = VerdictNames.Worst(verdict, JudgeAsPlainPickle(pickle, start, context, member, multipleStreams, judgement.Profile));
        }
        context.Profile ??= judgement.Profile;
        return verdict;
    }

    /// <summary>
    /// A joblib array without alignment padding is followed directly by its raw bytes, which plain <c>pickle.load</c>
    /// (not joblib) reads as opcodes (formats.md §9.6 A8, a loader differential). Re-reads the stream that way and
    /// keeps only findings that imply malicious: random array data does not spell a deny-listed import, a payload does.
    /// </summary>
    private static Verdict JudgeAsPlainPickle(Stream pickle, long start, VetContext context, string? member, bool multipleStreams, string profile)
    {
        pickle.Position = start;
        PickleTrace plain = PickleDecoder.Decode(pickle, OptionsFrom(context.Limits, multipleStreams, joblibArrays: false), context.Cancellation);
        Verdict verdict = Verdict.Safe;
        foreach (VetFinding finding in Evaluate(plain, member, profile, multipleStreams).Findings.Where(f => f.Implies == Verdict.Malicious))
        {
            context.Add(finding with { Message = $"Read by plain pickle.load, which knows no joblib arrays: {finding.Message}" });
            verdict = Verdict.Malicious;
        }
        return verdict;
    }

    /// <summary>
    /// joblib's inline arrays are followed only where <c>joblib.load</c> may open the stream: plain pickle and joblib
    /// files (no hint, or the sklearn/joblib hint). torch.load and numpy read a NumpyArrayWrapper's next bytes as opcodes.
    /// </summary>
    internal static bool JoblibMayLoad(string? profileHint) => profileHint is null or "sklearn" or "joblib";

    internal static PickleDecoderOptions OptionsFrom(VettingLimits limits, bool multipleStreams, bool joblibArrays = false) => new()
    {
        JoblibArrays = joblibArrays,
        MaxOpcodes = limits.MaxPickleOpcodes,
        MaxMemoEntries = limits.MaxMemoEntries,
        MaxStackDepth = limits.MaxStackDepth,
        MaxBytes = limits.MaxPickleBytes,
        MultipleStreams = multipleStreams,
    };

    /// <summary>The judgement of a decoded trace, without a context (for tests and containers that collect findings).</summary>
    internal static PickleJudgement Evaluate(PickleTrace trace, string? member, string? profileHint, bool multipleStreams)
    {
        // A file whose joblib array buffers were read exactly is a joblib dump: judge it with the sklearn/joblib set.
        PickleProfile profile = PickleProfiles.FromHint(profileHint ?? (trace.InlineArrayCount > 0 ? "joblib" : null))
            ?? PickleProfiles.Choose(trace.Imports.Where(i => !i.Dynamic).Select(i => i.Module));
        var findings = new List<VetFinding>();

        void Add(string rule, Verdict implies, string message, long offset, int stream, params (string Key, string Value)[] evidence)
        {
            var dict = new SortedDictionary<string, string>(StringComparer.Ordinal)
            {
                ["offset"] = offset.ToString(CultureInfo.InvariantCulture),
                ["profile"] = profile.Id,
            };
            if (stream > 0)
            {
                dict["stream"] = stream.ToString(CultureInfo.InvariantCulture);
            }
            if (member is not null)
            {
                dict["member"] = member;
            }
            foreach ((string key, string value) in evidence)
            {
                dict[key] = value;
            }
            findings.Add(new VetFinding { RuleId = rule, Implies = implies, Severity = SeverityOf(implies), Message = message, Evidence = dict });
        }

        foreach (PickleImport import in trace.Imports)
        {
            (string, string)[] evidence = [("module", import.Module), ("name", import.Name), ("opcode", import.Opcode), ("count", import.Count.ToString(CultureInfo.InvariantCulture))];
            if (import.RawModule != import.Module || import.RawName != import.Name)
            {
                evidence = [.. evidence, ("written-as", $"{import.RawModule}.{import.RawName}")];
            }
            if (import.Dynamic)
            {
                Add(PickleRules.DynamicGlobal, Verdict.Malicious, $"STACK_GLOBAL takes its module or name from a value computed while loading ({import.Module} . {import.Name}); the import cannot be known statically.", import.Offset, import.Stream, evidence);
                continue;
            }
            if (import.Opcode.StartsWith("EXT", StringComparison.Ordinal))
            {
                Add(PickleRules.ExtensionImport, Verdict.Suspicious, $"{import.Opcode} imports extension code {import.Name} from the copyreg registry; the global it names is not in the file.", import.Offset, import.Stream, evidence);
                continue;
            }
            if (profile.Globals.ContainsKey((import.Module, import.Name)))
            {
                continue;
            }
            if (PickleDenyList.Category(import.Module, import.Name) is { } category)
            {
                Add(PickleRules.DangerousImport, Verdict.Malicious, $"Import of {import.Module}.{import.Name}: {category}.", import.Offset, import.Stream, [.. evidence, ("category", category)]);
                continue;
            }
            if (PickleDenyList.HasDunderSegment(import.Name) || PickleDenyList.HasDunderSegment(import.Module))
            {
                Add(PickleRules.DunderAccess, Verdict.Malicious, $"Import of {import.Module}.{import.Name} reaches a dunder attribute (attribute laundering).", import.Offset, import.Stream, evidence);
                continue;
            }
            Add(PickleRules.ImportNotAllowed, Verdict.Suspicious, $"Import of {import.Module}.{import.Name} is outside the {profile.Id} profile's allowlist.", import.Offset, import.Stream, evidence);
        }

        foreach (PickleCall call in trace.Calls)
        {
            PickleSymbol callee = call.Callable;
            (string, string)[] evidence = [("callable", callee.FullName), ("opcode", call.Opcode), ("arguments", call.Arguments), ("count", call.Count.ToString(CultureInfo.InvariantCulture))];
            switch (callee.Kind)
            {
                case PickleSymbolKind.CallResult:
                case PickleSymbolKind.Persistent:
                case PickleSymbolKind.Buffer:
                    Add(PickleRules.ComputedCallable, Verdict.Malicious, $"{call.Opcode} calls {callee.Description}: the callable is produced while loading (call chaining / attribute laundering).", call.Offset, call.Stream, evidence);
                    break;
                case PickleSymbolKind.Constant:
                case PickleSymbolKind.Container:
                    Add(PickleRules.CallNotAllowed, Verdict.Suspicious, $"{call.Opcode} calls a {callee.Description}; no pickler writes this.", call.Offset, call.Stream, evidence);
                    break;
                case PickleSymbolKind.Global when callee.Module is not null && callee.Name is not null
                    && profile.Globals.TryGetValue((callee.Module, callee.Name), out GlobalUse use):
                    if (use == GlobalUse.Data)
                    {
                        Add(PickleRules.CallNotAllowed, Verdict.Suspicious, $"{call.Opcode} calls {callee.FullName}, which the {profile.Id} profile allows as data only.", call.Offset, call.Stream, evidence);
                    }
                    else if (callee.Module == "_codecs" && callee.Name == "encode" && !IsLatin1Encode(call.Arguments))
                    {
                        Add(PickleRules.UnsafeArguments, Verdict.Suspicious, $"_codecs.encode called with {call.Arguments}; pickles only write _codecs.encode(str, 'latin1').", call.Offset, call.Stream, evidence);
                    }
                    break;
                default:
                    break; // Imports outside the allowlist were judged above.
            }
        }

        foreach (PickleBuild build in trace.Builds)
        {
            PickleSymbol target = build.Target;
            (string, string)[] evidence = [("target", target.FullName), ("opcode", build.Opcode), ("state", build.State), ("count", build.Count.ToString(CultureInfo.InvariantCulture))];
            if (target.Kind == PickleSymbolKind.Global)
            {
                Add(PickleRules.GlobalMutation, Verdict.Malicious, $"{build.Opcode} on {target.FullName}: sets attributes or items of a module, class or function, changing what later code runs.", build.Offset, build.Stream, evidence);
            }
            else if (build.State.Contains("dunder", StringComparison.Ordinal))
            {
                Add(PickleRules.DunderAccess, Verdict.Malicious, $"{build.Opcode} on {target.FullName} sets dunder attributes ({build.State}).", build.Offset, build.Stream, evidence);
            }
            else if (target.Kind == PickleSymbolKind.CallResult)
            {
                bool allowed = target.Module is not null && target.Name is not null && profile.Globals.TryGetValue((target.Module, target.Name), out GlobalUse use) && use == GlobalUse.Callable;
                bool importJudged = target.Module is not null;
                if (!allowed && !importJudged)
                {
                    Add(PickleRules.BuildNotAllowed, Verdict.Suspicious, $"{build.Opcode} on {target.Description}, which the {profile.Id} profile does not build.", build.Offset, build.Stream, evidence);
                }
            }
            else
            {
                Add(PickleRules.BuildNotAllowed, Verdict.Suspicious, $"{build.Opcode} on {target.Description}; the {profile.Id} profile does not build such objects.", build.Offset, build.Stream, evidence);
            }
        }

        foreach (PicklePersistentId id in trace.PersistentIds)
        {
            (string, string)[] evidence = [("opcode", id.Opcode), ("id", id.Summary), ("count", id.Count.ToString(CultureInfo.InvariantCulture))];
            if (!profile.AllowsPersistentIds)
            {
                Add(PickleRules.PersistentId, Verdict.Suspicious, $"{id.Opcode} persistent id {id.Summary}: only the loader's persistent_load knows what it returns, and the {profile.Id} profile expects none.", id.Offset, id.Stream, evidence);
            }
            else if (id.Tag != "storage")
            {
                Add(PickleRules.PersistentId, Verdict.Suspicious, $"{id.Opcode} persistent id {id.Summary} is not a PyTorch ('storage', …) id.", id.Offset, id.Stream, evidence);
            }
        }

        bool legacyTorch = multipleStreams && IsLegacyTorchLayout(trace);
        foreach (PickleAnomaly anomaly in trace.Anomalies)
        {
            if (legacyTorch && anomaly.Stream >= LegacyTorchPickles && !trace.Streams.Any(s => s.Index == anomaly.Stream && s.Completed))
            {
                continue; // Storage bytes read as opcodes after the fifth pickle: noise, not a differential.
            }
            Add(PickleRules.ParserDifferential, Verdict.Suspicious, anomaly.Message, anomaly.Offset, anomaly.Stream, ("code", anomaly.Code));
        }

        if (trace.Error is { } error)
        {
            int failedStream = trace.Streams.Count > 0 && !trace.Streams[^1].Completed ? trace.Streams[^1].Index : trace.Streams.Count;
            if (error.Code.StartsWith("joblib.", StringComparison.Ordinal))
            {
                Add(PickleRules.InlineArray, error.LimitReached ? Verdict.Incomplete : Verdict.Malformed, $"A joblib inline array could not be followed exactly: {error.Message} Everything before offset {error.Offset} was judged.", error.Offset, failedStream, ("code", error.Code));
            }
            else if (error.LimitReached)
            {
                Add(PickleRules.LimitReached, Verdict.Incomplete, $"Decoding stopped at a limit ({error.Message}); the rest of the pickle was not judged.", error.Offset, failedStream, ("code", error.Code));
            }
            else if (!(legacyTorch && failedStream >= LegacyTorchPickles))
            {
                Add(PickleRules.Malformed, Verdict.Malformed, $"The pickle breaks off: {error.Message} Everything before offset {error.Offset} was judged.", error.Offset, failedStream, ("code", error.Code));
            }
        }
        if (trace.TrailingDataOffset is { } trailing && !legacyTorch)
        {
            Add(PickleRules.TrailingData, Verdict.Suspicious, "Bytes follow the last STOP that are not a pickle: a polyglot or a payload for a different loader.", trailing, trace.Streams.Count);
        }
        if (trace.Streams.Count == 0 && trace.Error is null)
        {
            Add(PickleRules.Malformed, Verdict.Malformed, "No pickle in the input.", 0, 0);
        }

        Verdict verdict = Verdict.Safe;
        foreach (VetFinding f in findings)
        {
            verdict = VerdictNames.Worst(verdict, f.Implies);
        }
        return new PickleJudgement(verdict, findings, profile.Id, trace);
    }

    /// <summary>
    /// Five complete pickles where the first is an int (the magic 0x1950a86a20f9469cfc6c) and the second an int (1001):
    /// torch's legacy_load reads exactly these and then raw storage bytes, so what follows is data, not a pickle.
    /// </summary>
    private static bool IsLegacyTorchLayout(PickleTrace trace)
    {
        if (trace.Streams.Count(s => s.Completed) < LegacyTorchPickles)
        {
            return false;
        }
        return trace.Streams[0].Completed && trace.Streams[0].ResultDescription == "int"
            && trace.Streams[1].Completed && trace.Streams[1].ResultDescription == "int";
    }

    private static bool IsLatin1Encode(string arguments)
    {
        // "(<str>, 'latin1')": the summary writes short strings quoted and long ones as "str".
        return arguments.EndsWith(", 'latin1')", StringComparison.Ordinal) || arguments.EndsWith(", 'latin-1')", StringComparison.Ordinal);
    }

    private static Severity SeverityOf(Verdict verdict) => verdict switch
    {
        Verdict.Malicious => Severity.Critical,
        Verdict.Suspicious => Severity.Medium,
        Verdict.Malformed => Severity.Medium,
        _ => Severity.Low,
    };
}

/// <summary>A pickle's verdict, its findings, the profile that judged it, and the decoder's trace (for evidence and tests).</summary>
internal sealed record PickleJudgement(Verdict Verdict, IReadOnlyList<VetFinding> Findings, string Profile, PickleTrace Trace);
