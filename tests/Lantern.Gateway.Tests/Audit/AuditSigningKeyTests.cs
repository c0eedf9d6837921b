using System.Text;
using Lantern.Gateway.Audit;
using Lantern.Testing;

namespace Lantern.Gateway.Tests.Audit;

public class AuditSigningKeyTests
{
    // golang.org/x/mod/sumdb/note note_test.go reference key pair and signed note.
    private const string GoSigner = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
    private const string GoVerifier = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
    private const string GoText = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
    private const string GoSignatureBlob = "x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=";

    [Fact]
    public void Parse_GoReferenceKey_DerivesTheSameVerifierKey()
    {
        AuditSigningKey key = AuditSigningKey.Parse(GoSigner);
        Assert.Equal(GoVerifier, key.VerifierKey);
        Assert.Equal(0xc74f20a3u, key.KeyHash);
        Assert.Equal(GoSigner, key.ExportPrivateKey());
    }

    [Fact]
    public void Sign_GoReferenceText_ReproducesTheGoSignatureByteForByte()
    {
        AuditSigningKey key = AuditSigningKey.Parse(GoSigner);
        byte[] signature = key.Sign(Encoding.UTF8.GetBytes(GoText));
        byte[] blob = Convert.FromBase64String(GoSignatureBlob);
        Assert.Equal(blob[4..], signature);
        Assert.True(AuditVerifierKey.Parse(GoVerifier).Verify(Encoding.UTF8.GetBytes(GoText), signature));
        Assert.False(AuditVerifierKey.Parse(GoVerifier).Verify(Encoding.UTF8.GetBytes(GoText.Replace("cryptography", "cryptographY", StringComparison.Ordinal)), signature));
    }

    [Theory]
    [InlineData("PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW")] // wrong hash
    [InlineData("PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW")] // unknown algorithm
    [InlineData("PeterNeumann+c74f20a3")]
    [InlineData("Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW")]
    [InlineData("PeterNeumann+c74f20a3+!!!")]
    public void ParseVerifier_MangledKey_Throws(string verifierKey)
    {
        Assert.Throws<FormatException>(() => AuditVerifierKey.Parse(verifierKey));
    }

    [Fact]
    public void SaveLoad_RoundTrip_KeepsTheKeyAndWrites0600()
    {
        using var dir = new TempDirectory();
        AuditSigningKey key = AuditSigningKey.Generate("lantern-test");
        string path = Path.Combine(dir.Path, "audit.key");
        key.Save(path);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }
        AuditSigningKey loaded = AuditSigningKey.Load(path);
        Assert.Equal(key.VerifierKey, loaded.VerifierKey);
        Assert.Throws<IOException>(() => key.Save(path));
    }

    [Fact]
    public void Load_GroupReadableKeyFile_IsRefused()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // Unix permission bits only; Windows ACLs are the service installer's job.
        }
        using var dir = new TempDirectory();
        string path = Path.Combine(dir.Path, "audit.key");
        AuditSigningKey.Generate("lantern-test").Save(path);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead);
        Assert.Throws<UnauthorizedAccessException>(() => AuditSigningKey.Load(path));
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.OtherRead);
        Assert.Throws<UnauthorizedAccessException>(() => AuditSigningKey.Load(path));
    }

    [Fact]
    public void Checkpoint_CreateThenOpen_VerifiesAndRejectsOtherKeysAndEdits()
    {
        AuditSigningKey key = AuditSigningKey.Generate("lantern-test");
        byte[] root = new byte[32];
        root[0] = 7;
        AuditCheckpoint checkpoint = AuditCheckpoint.Create("example.org/log", 42, root, key);
        Assert.StartsWith($"example.org/log\n42\n{Convert.ToBase64String(root)}\n\n\u2014 lantern-test ", checkpoint.Text, StringComparison.Ordinal);
        Assert.EndsWith("\n", checkpoint.Text, StringComparison.Ordinal);

        CheckpointOpenResult opened = AuditCheckpoint.Open(checkpoint.Text, [key.Verifier]);
        Assert.Equal(CheckpointOpenStatus.Ok, opened.Status);
        Assert.Equal(42, opened.Checkpoint!.TreeSize);
        Assert.Equal(root, opened.Checkpoint.RootHash);

        AuditSigningKey other = AuditSigningKey.Generate("lantern-test");
        Assert.Equal(CheckpointOpenStatus.BadSignature, AuditCheckpoint.Open(checkpoint.Text, [other.Verifier]).Status);
        string edited = checkpoint.Text.Replace("\n42\n", "\n43\n", StringComparison.Ordinal);
        Assert.Equal(CheckpointOpenStatus.BadSignature, AuditCheckpoint.Open(edited, [key.Verifier]).Status);
        Assert.Equal(CheckpointOpenStatus.Malformed, AuditCheckpoint.Open("junk", [key.Verifier]).Status);
    }

    [Fact]
    public void Checkpoint_GoNoteFormat_OpensWithGoVerifier()
    {
        // The same signed-note framing as golang.org/x/mod/sumdb/note, applied to a checkpoint-shaped body.
        AuditSigningKey key = AuditSigningKey.Parse(GoSigner);
        AuditCheckpoint checkpoint = AuditCheckpoint.Create("go.example/log", 0, MerkleTree.EmptyRoot(), key);
        Assert.Equal(CheckpointOpenStatus.Ok, AuditCheckpoint.Open(checkpoint.Text, [AuditVerifierKey.Parse(GoVerifier)]).Status);
    }
}
