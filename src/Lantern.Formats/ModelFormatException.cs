namespace Lantern.Formats;

/// <summary>
/// Thrown by every reader in this library for input that breaks its format's rules or our limits.
/// Carries the byte offset where reading stopped and a stable error code, so callers can turn it
/// into a <c>malformed</c> finding with evidence instead of crashing.
/// </summary>
public sealed class ModelFormatException : Exception
{
    public ModelFormatException(string code, long offset, string message)
        : base(message)
    {
        Code = code;
        Offset = offset;
    }

    public ModelFormatException()
        : this("malformed", 0, "Malformed input.")
    {
    }

    public ModelFormatException(string message)
        : this("malformed", 0, message)
    {
    }

    public ModelFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
        Code = "malformed";
    }

    /// <summary>Stable code such as <c>gguf.kv-count-over-limit</c>.</summary>
    public string Code { get; } = "malformed";

    /// <summary>Byte offset in the input where the problem was found.</summary>
    public long Offset { get; }
}
