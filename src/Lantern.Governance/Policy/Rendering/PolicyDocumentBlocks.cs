namespace Lantern.Governance.Policy.Rendering;

/// <summary>
/// The policy document as plain-text blocks. <see cref="PolicyDocumentBuilder"/> decides the content once;
/// the Markdown and HTML writers only escape and lay it out, so the two formats never say different things.
/// All text here is plain: writers escape every character that means something in their format.
/// </summary>
internal abstract record DocumentBlock;

internal sealed record HeadingBlock(int Level, string Text) : DocumentBlock;

internal sealed record ParagraphBlock(string Text) : DocumentBlock;

internal sealed record ListBlock(IReadOnlyList<string> Items, bool Ordered) : DocumentBlock;

internal sealed record TableBlock(IReadOnlyList<string> Header, IReadOnlyList<IReadOnlyList<string>> Rows) : DocumentBlock;
