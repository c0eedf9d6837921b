using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Lantern.Core.Reporting;
using Lantern.Gateway.Audit;

namespace Lantern.Cli.Commands;

/// <summary><c>lantern audit verify|export|keygen|prove|check-proof</c>: the gateway's tamper-evident audit log (docs/audit-log.md).</summary>
internal static class AuditCommand
{
    // A verifier key file holds a few keys (rotation); a checkpoint note is at most 16 KiB (AuditCheckpoint.MaxNoteBytes).
    private const int MaxKeyFileBytes = 64 * 1024;

    public static Command Create() =>
        new("audit", "The gateway's tamper-evident audit log: verify it, export it to a SIEM format, make signing keys.")
        {
            Verify(), Export(), Keygen(), Prove(), CheckProof(),
        };

    private static Command Verify()
    {
        var dir = new Argument<string>("dir") { Description = "The audit directory." };
        var key = new Option<string[]>("--key") { Description = "Verifier key (name+hash+base64) trusted for checkpoint signatures; repeatable." };
        var keyFile = new Option<string[]>("--key-file") { Description = "File with verifier keys, one per line; repeatable." };
        var checkpoint = new Option<string[]>("--checkpoint") { Description = "A checkpoint note kept outside the directory (the SIEM's copy); repeatable." };
        var format = CommonOptions.Format("table", "table", "json");
        var command = new Command("verify", "Check chain, checkpoints and signatures; name the first record changed, dropped, reordered or truncated (exit 1).")
        {
            dir, key, keyFile, checkpoint, format,
        };
        command.SetAction(parse =>
        {
            string directory = parse.GetValue(dir)!;
            if (!Directory.Exists(directory))
            {
                Console.Error.WriteLine($"lantern: audit directory '{directory}' does not exist or cannot be read.");
                return ExitCodes.Incomplete;
            }
            if (ReadVerifierKeys(parse.GetValue(key), parse.GetValue(keyFile), out List<AuditVerifierKey> keys) is int failed)
            {
                return failed;
            }
            var trusted = new List<string>();
            foreach (string file in parse.GetValue(checkpoint) ?? [])
            {
                try
                {
                    trusted.Add(ReadSmall(file, AuditCheckpoint.MaxNoteBytes));
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    return Errors.Usage($"cannot read checkpoint '{file}': {e.Message}");
                }
            }

            VerifyResult result = AuditLogVerifier.Verify(directory, new VerifyOptions { VerifierKeys = keys, TrustedCheckpoints = trusted });
            if (parse.GetValue(format) == "json")
            {
                Console.Out.WriteLine(ToJson(result).ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
            }
            else
            {
                WriteTable(result);
            }
            return result.ExitCode;
        });
        return command;
    }

    private static void WriteTable(VerifyResult result)
    {
        TextWriter output = Console.Out;
        output.WriteLine(result.Ok ? "VERIFIED" : result.Problem == VerifyProblems.Unreadable ? "INCOMPLETE" : "TAMPERED");
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  records checked      {result.RecordsChecked}"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  checkpoints checked  {result.CheckpointsChecked}"));
        if (!result.Ok)
        {
            output.WriteLine($"  problem              {result.Problem}");
            if (result.FirstBadFile is not null)
            {
                output.WriteLine(result.FirstBadLine is long line
                    ? string.Create(CultureInfo.InvariantCulture, $"  first bad record     {result.FirstBadFile}:{line}")
                    : $"  first bad file       {result.FirstBadFile}");
            }
            if (result.FirstBadSeq is long seq)
            {
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  seq                  {seq}"));
            }
        }
        output.WriteLine($"  {result.Message}");
        foreach (string note in result.Notes)
        {
            output.WriteLine($"  note: {note}");
        }
    }

    private static JsonObject ToJson(VerifyResult result)
    {
        var notes = new JsonArray();
        foreach (string note in result.Notes)
        {
            notes.Add(note);
        }
        return new JsonObject
        {
            ["ok"] = result.Ok,
            ["problem"] = result.Problem,
            ["message"] = result.Message,
            ["recordsChecked"] = result.RecordsChecked,
            ["checkpointsChecked"] = result.CheckpointsChecked,
            ["firstBadSeq"] = result.FirstBadSeq,
            ["firstBadFile"] = result.FirstBadFile,
            ["firstBadLine"] = result.FirstBadLine,
            ["notes"] = notes,
            ["exitCode"] = result.ExitCode,
        };
    }

    private static Command Export()
    {
        var dir = new Argument<string>("dir") { Description = "The audit directory." };
        var format = new Option<string>("--format", "-f") { Description = "jsonl (stored lines), ocsf (API Activity 6003) or cef.", Required = true };
        format.AcceptOnlyFromAmong("jsonl", "ocsf", "cef");
        var since = new Option<string?>("--since") { Description = "Only records that started at or after this time (ISO 8601, UTC when no offset)." };
        var until = new Option<string?>("--until") { Description = "Only records that started before this time." };
        var output = CommonOptions.Output();
        var command = new Command("export", "Write records as JSON lines, OCSF or CEF (does not verify: run 'audit verify' first).") { dir, format, since, until, output };
        command.SetAction(async (parse, cancellation) =>
        {
            string directory = parse.GetValue(dir)!;
            if (!Directory.Exists(directory))
            {
                Console.Error.WriteLine($"lantern: audit directory '{directory}' does not exist or cannot be read.");
                return ExitCodes.Incomplete;
            }
            if (!TryParseTime(parse.GetValue(since), out DateTimeOffset? from) || !TryParseTime(parse.GetValue(until), out DateTimeOffset? to))
            {
                return Errors.Usage("--since/--until take an ISO 8601 time such as 2026-10-01 or 2026-10-01T12:00:00Z.");
            }
            AuditExportFormat kind = parse.GetValue(format) switch
            {
                "ocsf" => AuditExportFormat.Ocsf,
                "cef" => AuditExportFormat.Cef,
                _ => AuditExportFormat.Jsonl,
            };
            string? target = parse.GetValue(output);
            AuditExportResult result;
            try
            {
                if (target is null)
                {
                    var stdout = new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(false)) { NewLine = "\n" };
                    await using (stdout.ConfigureAwait(false))
                    {
                        result = AuditExporter.Export(directory, kind, from, to, stdout);
                    }
                }
                else
                {
                    var file = new StreamWriter(target, append: false, new UTF8Encoding(false)) { NewLine = "\n" };
                    await using (file.ConfigureAwait(false))
                    {
                        result = AuditExporter.Export(directory, kind, from, to, file);
                    }
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine($"lantern: export failed: {e.Message}");
                return ExitCodes.Incomplete;
            }
            cancellation.ThrowIfCancellationRequested();
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"lantern audit export: {result.RecordsWritten} records{(result.LinesSkipped > 0 ? $", {result.LinesSkipped} lines that are not records skipped (run 'lantern audit verify')" : "")}."));
            return result.LinesSkipped > 0 ? ExitCodes.Incomplete : ExitCodes.Ok;
        });
        return command;
    }

    private static Command Keygen()
    {
        var output = new Option<string>("--output", "-o") { Description = "Private key file to create (mode 0600; never overwritten).", Required = true };
        var name = new Option<string?>("--name") { Description = "Key name shown in checkpoints (default lantern-gateway-<host>)." };
        var command = new Command("keygen", "Create an Ed25519 checkpoint signing key; prints the verifier key to hand to auditors and the SIEM.") { output, name };
        command.SetAction(parse =>
        {
            string keyName = parse.GetValue(name) ?? new Lantern.Gateway.Integration.GatewayCompositionOptions().KeyName;
            AuditSigningKey key;
            try
            {
                key = AuditSigningKey.Generate(keyName);
            }
            catch (FormatException e)
            {
                return Errors.Usage($"--name: {e.Message}");
            }
            string path = parse.GetValue(output)!;
            try
            {
                key.Save(path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return Errors.Usage(File.Exists(path) ? $"'{path}' exists; a signing key is never overwritten." : $"cannot write '{path}': {e.Message}");
            }
            Console.Out.WriteLine(key.VerifierKey);
            Console.Error.WriteLine($"Wrote the signing key to {path} (mode 0600). Give the verifier key above to auditors: lantern audit verify DIR --key <key>");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static bool TryParseTime(string? text, out DateTimeOffset? time)
    {
        time = null;
        if (text is null)
        {
            return true;
        }
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out DateTimeOffset parsed))
        {
            time = parsed;
            return true;
        }
        return false;
    }

    /// <summary>Keys from <c>--key</c> and <c>--key-file</c>; an exit code when they are missing or unreadable.</summary>
    private static int? ReadVerifierKeys(string[]? texts, string[]? files, out List<AuditVerifierKey> keys)
    {
        keys = [];
        try
        {
            foreach (string text in texts ?? [])
            {
                keys.Add(AuditVerifierKey.Parse(text.Trim()));
            }
            foreach (string file in files ?? [])
            {
                foreach (string line in ReadSmall(file, MaxKeyFileBytes).Split('\n'))
                {
                    string trimmed = line.Trim();
                    if (trimmed.Length > 0 && !trimmed.StartsWith('#'))
                    {
                        keys.Add(AuditVerifierKey.Parse(trimmed));
                    }
                }
            }
        }
        catch (FormatException e)
        {
            return Errors.Usage($"bad verifier key: {e.Message}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Errors.Usage($"cannot read a key file: {e.Message}");
        }
        if (keys.Count == 0)
        {
            return Errors.Usage("give the verifier key with --key KEY or --key-file FILE (printed by 'lantern gateway' at start and by 'lantern audit keygen'); a key kept beside the log proves nothing.");
        }
        return null;
    }

    private static Command Prove()
    {
        var dir = new Argument<string>("dir") { Description = "The audit directory." };
        var seq = new Option<long>("--seq") { Description = "Sequence number of the record to prove (the record's 'seq').", Required = true };
        var treeSize = new Option<long?>("--tree-size") { Description = "Prove under the checkpoint of this tree size (default: the newest that covers the record)." };
        var output = CommonOptions.Output();
        var command = new Command("prove", "Write a self-contained proof that one record is in the log under a signed checkpoint (RFC 6962 inclusion path).")
        {
            dir, seq, treeSize, output,
        };
        command.SetAction(async (parse, cancellation) =>
        {
            string directory = parse.GetValue(dir)!;
            if (!Directory.Exists(directory))
            {
                Console.Error.WriteLine($"lantern: audit directory '{directory}' does not exist or cannot be read.");
                return ExitCodes.Incomplete;
            }
            if (parse.GetValue(seq) < 1)
            {
                return Errors.Usage("--seq counts from 1.");
            }
            AuditInclusionProof proof;
            try
            {
                proof = AuditInclusion.Prove(directory, parse.GetValue(seq), parse.GetValue(treeSize));
            }
            catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine("lantern: " + e.Message);
                return ExitCodes.Incomplete;
            }
            await ReportOutput.WriteTextAsync(proof.ToJson() + "\n", parse.GetValue(output), cancellation).ConfigureAwait(false);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command CheckProof()
    {
        var file = new Argument<string>("proof") { Description = "A proof written by 'lantern audit prove'." };
        var key = new Option<string[]>("--key") { Description = "Verifier key trusted for the checkpoint signature; repeatable." };
        var keyFile = new Option<string[]>("--key-file") { Description = "File with verifier keys, one per line; repeatable." };
        var command = new Command("check-proof", "Check an inclusion proof offline: the checkpoint's signature, the record's hash and its path to the signed root (exit 1 when it fails).")
        {
            file, key, keyFile,
        };
        command.SetAction(parse =>
        {
            if (ReadVerifierKeys(parse.GetValue(key), parse.GetValue(keyFile), out List<AuditVerifierKey> keys) is int failed)
            {
                return failed;
            }
            AuditInclusionProof proof;
            try
            {
                // The record line is at most the verifier's line limit; the rest of the document is small.
                proof = AuditInclusionProof.Parse(ReadSmall(parse.GetValue(file)!, AuditLogVerifier.DefaultMaxLineBytes + AuditCheckpoint.MaxNoteBytes + 64 * 1024));
            }
            catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine("lantern: " + e.Message);
                return ExitCodes.Incomplete;
            }
            (bool ok, string message) = AuditInclusion.Check(proof, keys);
            Console.Out.WriteLine((ok ? "PROVEN: " : "NOT PROVEN: ") + message);
            return ok ? ExitCodes.Ok : ExitCodes.Findings;
        });
        return command;
    }

    private static string ReadSmall(string path, int maxBytes)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        if (stream.Length > maxBytes)
        {
            throw new IOException(string.Create(CultureInfo.InvariantCulture, $"'{path}' is larger than {maxBytes} bytes"));
        }
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd().ReplaceLineEndings("\n");
    }
}
