using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Lantern.Gateway.Apis;

/// <summary>The error body format a client of a route expects.</summary>
public enum ErrorShape
{
    /// <summary><c>{"error":"..."}</c> (Ollama native routes).</summary>
    Ollama,

    /// <summary><c>{"error":{"message","type","code"}}</c> (OpenAI-compatible routes, llama-server).</summary>
    OpenAi,

    /// <summary><c>{"type":"error","error":{"type","message"}}</c> (Anthropic-compatible <c>/v1/messages</c>).</summary>
    Anthropic,
}

/// <summary>Writes gateway-made errors in the API's own shape so that clients show the message (issue 7, "Behaviour").</summary>
internal static class ErrorBodies
{
    /// <summary>Serialises an error body; <paramref name="type"/> is OpenAI's error type, <paramref name="code"/> a stable code.</summary>
    public static byte[] Create(ErrorShape shape, string message, string type, string code)
    {
        using var buffer = new MemoryStream();
        // Relaxed escaping keeps quotes and apostrophes readable; the body is JSON for API clients, never HTML.
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            switch (shape)
            {
                case ErrorShape.Ollama:
                    writer.WriteString("error", message);
                    break;
                case ErrorShape.Anthropic:
                    writer.WriteString("type", "error");
                    writer.WriteStartObject("error");
                    writer.WriteString("type", type);
                    writer.WriteString("message", message);
                    writer.WriteEndObject();
                    break;
                default:
                    writer.WriteStartObject("error");
                    writer.WriteString("message", message);
                    writer.WriteString("type", type);
                    writer.WriteString("code", code);
                    writer.WriteEndObject();
                    break;
            }
            writer.WriteEndObject();
        }
        return buffer.ToArray();
    }

    public static async Task WriteAsync(HttpContext context, int status, ErrorShape shape, string message, string type, string code)
    {
        byte[] body = Create(shape, message, type, code);
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=utf-8";
        context.Response.ContentLength = body.Length;
        if (!HttpMethods.IsHead(context.Request.Method))
        {
            await context.Response.Body.WriteAsync(body, context.RequestAborted).ConfigureAwait(false);
        }
    }

    /// <summary>A short ASCII-safe rendering of an exception chain for records (never request content).</summary>
    public static string Describe(Exception? exception)
    {
        if (exception is null)
        {
            return "unknown error";
        }
        var text = new StringBuilder();
        for (Exception? e = exception; e is not null && text.Length < 400; e = e.InnerException)
        {
            if (text.Length > 0)
            {
                text.Append(" -> ");
            }
            text.Append(e.GetType().Name).Append(": ").Append(e.Message);
        }
        return text.Length > 400 ? text.ToString(0, 400) : text.ToString();
    }
}
