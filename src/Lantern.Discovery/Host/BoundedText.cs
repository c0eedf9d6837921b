using System.Text;

namespace Lantern.Discovery.Host;

/// <summary>
/// Bounded readers for small kernel text files (/proc, /etc/passwd). A fake or hostile root can put
/// anything at these paths, so every read has a byte cap and every line a length cap.
/// </summary>
internal static class BoundedText
{
    /// <summary>Reads at most <paramref name="maxBytes"/> bytes; <paramref name="truncated"/> says whether more was there.</summary>
    public static byte[] ReadBytes(string path, int maxBytes, out bool truncated)
    {
        // /proc files report length 0, so read until EOF or the cap rather than trusting Length.
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 1, FileOptions.None);
        byte[] buffer = new byte[Math.Min(maxBytes + 1, 64 * 1024)];
        using var collected = new MemoryStream();
        truncated = false;
        while (true)
        {
            int read = stream.Read(buffer, 0, buffer.Length);
            if (read == 0)
            {
                break;
            }
            long room = maxBytes - collected.Length;
            if (read > room)
            {
                collected.Write(buffer, 0, (int)room);
                truncated = true;
                break;
            }
            collected.Write(buffer, 0, read);
        }
        return collected.ToArray();
    }

    public static string ReadText(string path, int maxBytes, out bool truncated) =>
        Encoding.UTF8.GetString(ReadBytes(path, maxBytes, out truncated));

    /// <summary>
    /// Splits text into at most <paramref name="maxLines"/> lines; lines longer than
    /// <paramref name="maxLineLength"/> are dropped and counted, never truncated into something else.
    /// </summary>
    public static List<string> SplitLines(string text, int maxLines, int maxLineLength, out int overlongLines, out bool truncated)
    {
        var lines = new List<string>();
        overlongLines = 0;
        truncated = false;
        int start = 0;
        while (start < text.Length)
        {
            if (lines.Count >= maxLines)
            {
                truncated = true;
                break;
            }
            int end = text.IndexOf('\n', start);
            if (end < 0)
            {
                end = text.Length;
            }
            int length = end - start;
            if (length > maxLineLength)
            {
                overlongLines++;
            }
            else
            {
                lines.Add(text.Substring(start, length).TrimEnd('\r'));
            }
            start = end + 1;
        }
        return lines;
    }

    /// <summary>Cuts a string to <paramref name="max"/> characters, marking the cut.</summary>
    public static string Clip(string value, int max) =>
        value.Length <= max ? value : string.Concat(value.AsSpan(0, max), "…");
}
