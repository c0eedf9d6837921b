using System.Buffers;
using System.Security.Cryptography;
using Microsoft.Win32.SafeHandles;

namespace Lantern.Discovery.Engine;

/// <summary>
/// Streams a file through SHA-256 with one pooled 1 MiB buffer: memory stays flat whatever
/// the file size. Throws IOException-family errors for the caller to turn into problems.
/// </summary>
internal static class FileHasher
{
    private const int BufferSize = 1024 * 1024;

    public static string Sha256Hex(string path, CancellationToken cancellation, out long bytesRead)
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            using SafeFileHandle handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, FileOptions.SequentialScan);
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            long offset = 0;
            while (true)
            {
                cancellation.ThrowIfCancellationRequested();
                int read = RandomAccess.Read(handle, buffer.AsSpan(0, BufferSize), offset);
                if (read == 0)
                {
                    break;
                }
                hash.AppendData(buffer, 0, read);
                offset += read;
            }
            bytesRead = offset;
            return Convert.ToHexStringLower(hash.GetHashAndReset());
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
