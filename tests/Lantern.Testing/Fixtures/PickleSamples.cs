using System.Text;

namespace Lantern.Testing.Fixtures;

/// <summary>Tiny hand-written pickles (CPython Lib/pickle.py opcodes) for container fixtures.</summary>
public static class PickleSamples
{
    /// <summary>Protocol 2 empty dict: PROTO 2, EMPTY_DICT, BINPUT 0, STOP.</summary>
    public static byte[] EmptyDict => [0x80, 0x02, 0x7D, 0x71, 0x00, 0x2E];

    /// <summary>Protocol 2 int: PROTO 2, BININT2 1001, STOP (legacy torch's protocol-version pickle).</summary>
    public static byte[] ProtocolVersion => [0x80, 0x02, 0x4D, 0xE9, 0x03, 0x2E];

    /// <summary>Legacy torch magic pickle: PROTO 2, LONG1 10 bytes 0x1950a86a20f9469cfc6c, STOP.</summary>
    public static byte[] TorchMagic => [0x80, 0x02, 0x8A, 0x0A, 0x6C, 0xFC, 0x9C, 0x46, 0xF9, 0x20, 0x6A, 0xA8, 0x50, 0x19, 0x2E];

    /// <summary>Protocol 2 list of one short string: PROTO 2, EMPTY_LIST, BINPUT, SHORT_BINSTRING 'k', APPEND, STOP.</summary>
    public static byte[] KeyList => [0x80, 0x02, 0x5D, 0x71, 0x00, 0x55, 0x01, (byte)'0', 0x61, 0x2E];

    /// <summary><c>posix.system("echo pwned")</c>: GLOBAL, SHORT_BINSTRING, TUPLE1, REDUCE, STOP.</summary>
    public static byte[] PosixSystem(string command = "echo pwned")
    {
        byte[] cmd = Encoding.ASCII.GetBytes(command);
        return [0x80, 0x02, .. "cposix\nsystem\n"u8, 0x55, (byte)cmd.Length, .. cmd, 0x85, 0x52, 0x2E];
    }

    /// <summary>Legacy torch.save layout: magic, protocol, sys_info, object, storage keys, then raw storage bytes.</summary>
    public static byte[] LegacyTorch(byte[] objectPickle, params byte[][] extraPickles)
    {
        byte[] storage = [1, 0, 0, 0, 0, 0, 0, 0, 0x00, 0x00, 0x80, 0x3F];
        return [.. TorchMagic, .. ProtocolVersion, .. EmptyDict, .. objectPickle, .. KeyList, .. extraPickles.SelectMany(p => p), .. storage];
    }
}
