using System.Runtime.InteropServices;

namespace PulumiLibvirt.Libvirt;

/// <summary>What a path names on this machine, following symlinks.</summary>
public enum LocalFileKind
{
    Missing,
    Inaccessible,
    Regular,
    Directory,
    BlockDevice,
    CharacterDevice,
    Other,
}

/// <summary>
/// The kind of a file on this machine, which .NET does not tell (a block device and a FIFO look like files to it).
/// Used only where libvirt runs on this machine, so that its files are this machine's.
/// </summary>
public static class LocalFiles
{
    private const int EACCES = 13;
    private const int FileTypeMask = 0xF000;

    public static LocalFileKind KindOf(string path)
    {
        var buffer = new byte[Native.StatxSize];
        if (Native.statx(Native.AT_FDCWD, path, 0, Native.STATX_TYPE, buffer) != 0)
            return Marshal.GetLastPInvokeError() == EACCES ? LocalFileKind.Inaccessible : LocalFileKind.Missing;
        return (BitConverter.ToUInt16(buffer, Native.StatxModeOffset) & FileTypeMask) switch
        {
            0x8000 => LocalFileKind.Regular,
            0x4000 => LocalFileKind.Directory,
            0x6000 => LocalFileKind.BlockDevice,
            0x2000 => LocalFileKind.CharacterDevice,
            _ => LocalFileKind.Other,
        };
    }
}
