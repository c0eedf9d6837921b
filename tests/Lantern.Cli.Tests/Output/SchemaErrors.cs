using NJsonSchema.Validation;

namespace Lantern.Cli.Tests.Output;

/// <summary>NJsonSchema nests the real cause under array-item and oneOf errors; these flatten it for asserts.</summary>
internal static class SchemaErrors
{
    public static IEnumerable<ValidationError> Flatten(IEnumerable<ValidationError> errors)
    {
        var pending = new Stack<ValidationError>(errors);
        while (pending.Count > 0)
        {
            ValidationError error = pending.Pop();
            yield return error;
            if (error is ChildSchemaValidationError child)
            {
                foreach (ValidationError nested in child.Errors.SelectMany(pair => pair.Value))
                {
                    pending.Push(nested);
                }
            }
        }
    }

    public static string Describe(IEnumerable<ValidationError> errors) =>
        string.Join(Environment.NewLine, Flatten(errors).Select(e => $"{e.Kind} at {e.Path}: {e}"));
}
