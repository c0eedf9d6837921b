using System.Text;

namespace Lantern.Gateway.Audit;

/// <summary>
/// Streams the notes of <c>checkpoints.log</c>: each note (body lines, blank line, signature lines) is followed by one
/// blank separator line. Bounded: one line ≤ <see cref="AuditCheckpoint.MaxNoteBytes"/>, one note likewise.
/// </summary>
internal sealed class CheckpointLogReader : IDisposable
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly SegmentLineReader _lines;

    public CheckpointLogReader(string path)
    {
        _lines = new SegmentLineReader(path, AuditCheckpoint.MaxNoteBytes);
    }

    /// <summary>The note read (whole text, newline-terminated), or null when <see cref="Error"/> is set.</summary>
    public string? Note { get; private set; }

    /// <summary>Why the bytes at <see cref="StartLine"/> are not a note.</summary>
    public string? Error { get; private set; }

    /// <summary>The note was cut short at the end of the file (a crash mid-write).</summary>
    public bool Torn { get; private set; }

    public long StartLine { get; private set; }

    /// <summary>Byte offset just after the last complete note and its separator.</summary>
    public long EndOffset { get; private set; }

    public bool ReadNote()
    {
        Note = null;
        Error = null;
        Torn = false;
        var text = new StringBuilder();
        int section = 0; // 0 body, 1 signatures
        bool sawSignature = false;
        StartLine = 0;
        while (_lines.ReadLine())
        {
            if (StartLine == 0)
            {
                StartLine = _lines.LineNumber;
            }
            if (_lines.Kind == LineKind.Oversize)
            {
                Error = "checkpoint line too long";
                return true;
            }
            if (_lines.Kind == LineKind.Torn)
            {
                Torn = true;
                return true;
            }
            string line;
            try
            {
                line = StrictUtf8.GetString(_lines.Line);
            }
            catch (DecoderFallbackException)
            {
                Error = "checkpoint line is not UTF-8";
                return true;
            }
            if (line.Length == 0)
            {
                if (section == 0)
                {
                    if (text.Length == 0)
                    {
                        Error = "blank line where a checkpoint should start";
                        return true;
                    }
                    section = 1;
                    text.Append('\n');
                    continue;
                }
                // Separator after the signatures: the note is complete.
                break;
            }
            if (section == 1)
            {
                sawSignature = true;
            }
            text.Append(line).Append('\n');
            if (text.Length > AuditCheckpoint.MaxNoteBytes)
            {
                Error = "checkpoint note too long";
                return true;
            }
        }
        if (StartLine == 0)
        {
            return false;
        }
        if (!sawSignature)
        {
            // The file ended inside a note: cut short by a crash between write and fsync.
            Torn = true;
            return true;
        }
        Note = text.ToString();
        EndOffset = _lines.EndOffset;
        return true;
    }

    public void Dispose() => _lines.Dispose();
}
