using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;

namespace Lantern.Gateway.Audit;

/// <summary>
/// The Ed25519 key that signs audit checkpoints, in the key formats of golang.org/x/mod/sumdb/note (C2SP signed-note):
/// private <c>PRIVATE+KEY+&lt;name&gt;+&lt;hex keyhash&gt;+&lt;base64(0x01 ‖ seed)&gt;</c>, public (verifier)
/// <c>&lt;name&gt;+&lt;hex keyhash&gt;+&lt;base64(0x01 ‖ public key)&gt;</c>. The key hash is the first 4 bytes of
/// SHA-256(name ‖ "\n" ‖ 0x01 ‖ public key) (gateway.md §8).
/// </summary>
public sealed class AuditSigningKey
{
    /// <summary>Signature algorithm byte of Ed25519 in signed-note keys.</summary>
    internal const byte AlgEd25519 = 0x01;

    private const string PrivatePrefix = "PRIVATE+KEY+";

    // A key file is one short line; anything longer is not ours.
    private const int MaxKeyFileBytes = 4096;

    private readonly Ed25519PrivateKeyParameters _privateKey;

    private AuditSigningKey(string name, byte[] seed)
    {
        Name = name;
        _privateKey = new Ed25519PrivateKeyParameters(seed, 0);
        PublicKey = _privateKey.GeneratePublicKey().GetEncoded();
        KeyHash = ComputeKeyHash(name, PublicKey);
    }

    /// <summary>Key name as it appears on signature lines (no whitespace, no '+').</summary>
    public string Name { get; }

    /// <summary>Raw 32-byte Ed25519 public key.</summary>
    public byte[] PublicKey { get; }

    /// <summary>The 4-byte key hash as a big-endian integer.</summary>
    public uint KeyHash { get; }

    /// <summary>Verifier key string for auditors and the SIEM: <c>name+hash+base64(0x01 ‖ public key)</c>.</summary>
    public string VerifierKey => AuditVerifierKey.Format(Name, KeyHash, PublicKey);

    /// <summary>The verifier for this key.</summary>
    public AuditVerifierKey Verifier => AuditVerifierKey.Parse(VerifierKey);

    /// <summary>A new random key.</summary>
    public static AuditSigningKey Generate(string name)
    {
        CheckName(name);
        byte[] seed = RandomNumberGenerator.GetBytes(32);
        try
        {
            return new AuditSigningKey(name, seed);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(seed);
        }
    }

    /// <summary>Parses a signed-note private key string.</summary>
    /// <exception cref="FormatException">Not a well-formed Ed25519 signer key.</exception>
    public static AuditSigningKey Parse(string privateKey)
    {
        ArgumentNullException.ThrowIfNull(privateKey);
        string text = privateKey.Trim();
        if (!text.StartsWith(PrivatePrefix, StringComparison.Ordinal))
        {
            throw new FormatException("not a signed-note private key (expected PRIVATE+KEY+name+hash+key)");
        }
        string[] parts = text[PrivatePrefix.Length..].Split('+', 3);
        if (parts.Length != 3 || parts[1].Length != 8)
        {
            throw new FormatException("malformed signed-note private key");
        }
        CheckName(parts[0]);
        byte[] decoded;
        try
        {
            decoded = Convert.FromBase64String(parts[2]);
        }
        catch (FormatException ex)
        {
            throw new FormatException("malformed signed-note private key: bad base64", ex);
        }
        if (decoded.Length != 33 || decoded[0] != AlgEd25519)
        {
            throw new FormatException("signed-note private key is not an Ed25519 key");
        }
        var key = new AuditSigningKey(parts[0], decoded[1..]);
        CryptographicOperations.ZeroMemory(decoded);
        if (!uint.TryParse(parts[1], System.Globalization.NumberStyles.AllowHexSpecifier, System.Globalization.CultureInfo.InvariantCulture, out uint hash)
            || hash != key.KeyHash)
        {
            throw new FormatException("signed-note private key hash does not match the key");
        }
        return key;
    }

    /// <summary>The private key string (keep secret).</summary>
    public string ExportPrivateKey()
    {
        byte[] buffer = new byte[33];
        buffer[0] = AlgEd25519;
        _privateKey.Encode(buffer, 1);
        try
        {
            return $"{PrivatePrefix}{Name}+{KeyHash:x8}+{Convert.ToBase64String(buffer)}";
        }
        finally
        {
            CryptographicOperations.ZeroMemory(buffer);
        }
    }

    /// <summary>Writes the private key to a new file readable only by its owner (0600 on Unix).</summary>
    /// <exception cref="IOException">The file exists.</exception>
    public void Save(string path)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }
        using var stream = new FileStream(path, options);
        byte[] bytes = Encoding.UTF8.GetBytes(ExportPrivateKey() + "\n");
        stream.Write(bytes);
        stream.Flush(flushToDisk: true);
        CryptographicOperations.ZeroMemory(bytes);
    }

    /// <summary>Loads a key file written by <see cref="Save"/>.</summary>
    /// <exception cref="UnauthorizedAccessException">On Unix, the file is readable or writable by group or others.</exception>
    /// <exception cref="FormatException">The file does not hold a signed-note Ed25519 private key.</exception>
    public static AuditSigningKey Load(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        if (!OperatingSystem.IsWindows())
        {
            // Check the opened handle, not the path, so a swap between check and read cannot pass.
            UnixFileMode mode = File.GetUnixFileMode(stream.SafeFileHandle);
            const UnixFileMode GroupOrOther = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
                | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;
            if ((mode & GroupOrOther) != 0)
            {
                throw new UnauthorizedAccessException(
                    $"audit signing key {path} is accessible by group or others (mode {Convert.ToString((int)mode, 8)}); chmod 600 it");
            }
        }
        if (stream.Length > MaxKeyFileBytes)
        {
            throw new FormatException($"audit signing key {path} is larger than {MaxKeyFileBytes} bytes");
        }
        byte[] bytes = new byte[stream.Length];
        stream.ReadExactly(bytes);
        try
        {
            return Parse(Encoding.UTF8.GetString(bytes));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(bytes);
        }
    }

    /// <summary>Ed25519 signature (RFC 8032, pure) over <paramref name="message"/>.</summary>
    public byte[] Sign(ReadOnlySpan<byte> message)
    {
        var signer = new Ed25519Signer();
        signer.Init(forSigning: true, _privateKey);
        signer.BlockUpdate(message);
        return signer.GenerateSignature();
    }

    /// <summary>First 4 bytes (big-endian) of SHA-256(name ‖ "\n" ‖ 0x01 ‖ public key).</summary>
    internal static uint ComputeKeyHash(string name, ReadOnlySpan<byte> publicKey)
    {
        byte[] nameBytes = Encoding.UTF8.GetBytes(name);
        byte[] input = new byte[nameBytes.Length + 2 + publicKey.Length];
        nameBytes.CopyTo(input, 0);
        input[nameBytes.Length] = (byte)'\n';
        input[nameBytes.Length + 1] = AlgEd25519;
        publicKey.CopyTo(input.AsSpan(nameBytes.Length + 2));
        return BinaryPrimitives.ReadUInt32BigEndian(SHA256.HashData(input));
    }

    /// <summary>signed-note key names are non-empty and contain no Unicode white space and no '+'.</summary>
    internal static void CheckName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Length == 0 || name.Length > 256 || name.Contains('+', StringComparison.Ordinal) || name.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            throw new FormatException("a signed-note key name is 1–256 characters without white space or '+'");
        }
    }
}

/// <summary>A public verifier key in signed-note form: <c>name+hex keyhash+base64(0x01 ‖ public key)</c>.</summary>
public sealed class AuditVerifierKey
{
    private readonly Ed25519PublicKeyParameters _publicKey;

    private AuditVerifierKey(string name, uint keyHash, byte[] publicKey)
    {
        Name = name;
        KeyHash = keyHash;
        PublicKey = publicKey;
        _publicKey = new Ed25519PublicKeyParameters(publicKey, 0);
    }

    public string Name { get; }
    public uint KeyHash { get; }
    public byte[] PublicKey { get; }

    /// <summary>Parses a verifier key string.</summary>
    /// <exception cref="FormatException">Malformed, not Ed25519, or the key hash does not match.</exception>
    public static AuditVerifierKey Parse(string verifierKey)
    {
        ArgumentNullException.ThrowIfNull(verifierKey);
        string[] parts = verifierKey.Trim().Split('+', 3);
        if (parts.Length != 3 || parts[1].Length != 8)
        {
            throw new FormatException("malformed verifier key (expected name+hash+key)");
        }
        AuditSigningKey.CheckName(parts[0]);
        if (!uint.TryParse(parts[1], System.Globalization.NumberStyles.AllowHexSpecifier, System.Globalization.CultureInfo.InvariantCulture, out uint hash))
        {
            throw new FormatException("malformed verifier key hash");
        }
        byte[] decoded;
        try
        {
            decoded = Convert.FromBase64String(parts[2]);
        }
        catch (FormatException ex)
        {
            throw new FormatException("malformed verifier key: bad base64", ex);
        }
        if (decoded.Length != 33 || decoded[0] != AuditSigningKey.AlgEd25519)
        {
            throw new FormatException("verifier key is not an Ed25519 key");
        }
        byte[] publicKey = decoded[1..];
        if (AuditSigningKey.ComputeKeyHash(parts[0], publicKey) != hash)
        {
            throw new FormatException("verifier key hash does not match the key");
        }
        return new AuditVerifierKey(parts[0], hash, publicKey);
    }

    internal static string Format(string name, uint keyHash, byte[] publicKey)
    {
        byte[] buffer = new byte[1 + publicKey.Length];
        buffer[0] = AuditSigningKey.AlgEd25519;
        publicKey.CopyTo(buffer, 1);
        return $"{name}+{keyHash:x8}+{Convert.ToBase64String(buffer)}";
    }

    /// <summary>Checks an Ed25519 signature over <paramref name="message"/>.</summary>
    public bool Verify(ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature)
    {
        if (signature.Length != 64)
        {
            return false;
        }
        var verifier = new Ed25519Signer();
        verifier.Init(forSigning: false, _publicKey);
        verifier.BlockUpdate(message);
        return verifier.VerifySignature(signature.ToArray());
    }

    public override string ToString() => Format(Name, KeyHash, PublicKey);
}
