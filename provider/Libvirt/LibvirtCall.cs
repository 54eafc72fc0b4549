using System.Runtime.InteropServices;

namespace PulumiLibvirt.Libvirt;

/// <summary>
/// The one place that turns libvirt's return conventions (negative numbers, NULL pointers, strings the caller
/// must free) into .NET values and <see cref="LibvirtException"/>s. libvirt keeps its last error per thread, so
/// every check reads it right after the failed call, on the same thread.
/// </summary>
internal static unsafe class LibvirtCall
{
    static LibvirtCall()
    {
        // Without a handler libvirt prints every error to stderr as well; we report them ourselves.
        Native.virSetErrorFunc(IntPtr.Zero, &IgnoreError);
    }

    [UnmanagedCallersOnly]
    private static void IgnoreError(IntPtr userData, IntPtr error) { }

    /// <summary>Makes sure the error handler is installed before the first libvirt call.</summary>
    public static void Initialize() { }

    public static int Check(int result)
    {
        if (result < 0)
            throw LastError();
        return result;
    }

    public static T Check<T>(T handle)
        where T : LibvirtHandle
    {
        if (!handle.IsInvalid)
            return handle;
        handle.Dispose();
        throw LastError();
    }

    /// <summary>A string that libvirt allocated for the caller: copied, then freed.</summary>
    public static string TakeString(IntPtr owned)
    {
        if (owned == IntPtr.Zero)
            throw LastError();
        try
        {
            return Marshal.PtrToStringUTF8(owned)!;
        }
        finally
        {
            Native.free(owned);
        }
    }

    /// <summary>A string that stays owned by the libvirt object it came from.</summary>
    public static string BorrowString(IntPtr borrowed)
    {
        if (borrowed == IntPtr.Zero)
            throw LastError();
        return Marshal.PtrToStringUTF8(borrowed)!;
    }

    /// <summary>
    /// An array of object pointers that libvirt allocated: each wrapped in its handle, the array freed.
    /// </summary>
    public static List<T> TakeArray<T>(int count, IntPtr array, Func<IntPtr, T> wrap)
    {
        try
        {
            var items = new List<T>(count);
            for (var i = 0; i < count; i++)
                items.Add(wrap(Marshal.ReadIntPtr(array, i * IntPtr.Size)));
            return items;
        }
        finally
        {
            if (array != IntPtr.Zero)
                Native.free(array);
        }
    }

    public static LibvirtException LastError()
    {
        var error = Native.virGetLastError();
        if (error == IntPtr.Zero)
            return new LibvirtException(-1, 0, "libvirt call failed without reporting an error");
        // virError starts with: int code; int domain; char *message.
        var code = Marshal.ReadInt32(error, 0);
        var domain = Marshal.ReadInt32(error, 4);
        var message = Marshal.PtrToStringUTF8(Marshal.ReadIntPtr(error, 8)) ?? $"libvirt error {code}";
        Native.virResetLastError();
        return new LibvirtException(code, domain, message);
    }
}
