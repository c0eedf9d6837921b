namespace Lantern.Formats.Zip;

/// <summary>ZIP record layouts (PKWARE APPNOTE.TXT 6.3.10; section numbers cited per constant).</summary>
public static class ZipLayout
{
    /// <summary>4.3.7 local file header: signature + 26 bytes of fields, then name and extra.</summary>
    public const uint LocalHeaderSignature = 0x04034b50;
    public const int LocalHeaderBytes = 30;

    /// <summary>4.3.12 central directory file header: signature + 42 bytes, then name, extra, comment.</summary>
    public const uint CentralHeaderSignature = 0x02014b50;
    public const int CentralHeaderBytes = 46;

    /// <summary>4.3.16 end of central directory record; its comment is at most 65535 bytes.</summary>
    public const uint EocdSignature = 0x06054b50;
    public const int EocdBytes = 22;
    public const int MaxCommentBytes = 65535;

    /// <summary>4.3.15 zip64 end of central directory locator and 4.3.14 zip64 end record.</summary>
    public const uint Zip64LocatorSignature = 0x07064b50;
    public const int Zip64LocatorBytes = 20;
    public const uint Zip64EocdSignature = 0x06064b50;
    public const int Zip64EocdBytes = 56;

    /// <summary>4.3.9.3 optional data descriptor signature.</summary>
    public const uint DataDescriptorSignature = 0x08074b50;

    /// <summary>4.5.2 zip64 extended information extra field.</summary>
    public const ushort Zip64ExtraId = 0x0001;

    /// <summary>4.4.4 general purpose bit flags.</summary>
    public const ushort FlagEncrypted = 0x0001;
    public const ushort FlagDataDescriptor = 0x0008;
    public const ushort FlagPatchedData = 0x0020;
    public const ushort FlagStrongEncryption = 0x0040;
    public const ushort FlagUtf8 = 0x0800;

    /// <summary>4.4.5 compression methods that matter here.</summary>
    public const ushort MethodStored = 0;
    public const ushort MethodDeflate = 8;
    public const ushort MethodAes = 99;
}
