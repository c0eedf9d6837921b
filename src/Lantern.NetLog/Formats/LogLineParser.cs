namespace Lantern.NetLog.Formats;

/// <summary>
/// One format's line parser. One instance per input: W3C keeps the <c>#Fields:</c> layout, and the field
/// list buffers are reused. Parsers never throw for content; a line that does not fit returns null and a reason.
/// </summary>
internal abstract class LogLineParser
{
    public abstract string FormatId { get; }

    /// <summary>Whether the format has directive lines (<c>#Fields:</c>) the reader must always hand over.</summary>
    public virtual bool HasDirectives => false;

    /// <summary>A <c>#</c> line; W3C reads its layout from them, other formats treat them as comments.</summary>
    public virtual void ReadDirective(string line)
    {
    }

    public abstract RecordDraft? Parse(string line, out string? reason);

    public static LogLineParser? Create(string formatId) => formatId switch
    {
        LogFormatIds.Squid => new SquidNativeParser(),
        LogFormatIds.SquidCombined or LogFormatIds.SquidCommon => new SquidCombinedParser(),
        LogFormatIds.W3c => new W3cParser(),
        LogFormatIds.ZscalerNss => new ZscalerNssParser(),
        LogFormatIds.Cef => new CefParser(),
        LogFormatIds.JsonLines => new JsonLineParser(),
        _ => null,
    };
}
