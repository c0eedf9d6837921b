using System.Buffers;

namespace Lantern.NetLog.Formats;

/// <summary>Character classes the parsers test spans against.</summary>
internal static class CharSets
{
    public static readonly SearchValues<char> Digits = SearchValues.Create("0123456789");
    public static readonly SearchValues<char> DigitsAndDot = SearchValues.Create("0123456789.");

    /// <summary>RFC 3986 §3.1: scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ).</summary>
    public static readonly SearchValues<char> SchemeChars = SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+-.");

    /// <summary>Characters that cannot be in a host name as logged (RFC 3986 §3.2.2 reg-name, minus what proxies never write).</summary>
    public static readonly SearchValues<char> HostForbidden = SearchValues.Create(" \t\"<>\\^`{|}/?#@%");
}
