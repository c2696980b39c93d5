package dev.panamax.sys;

/** TEMPORARY stand-in. */
public final class Errno {
    private Errno() {}
    private static final String[] NAMES = {"0", "EPERM", "ENOENT", "ESRCH", "EINTR", "EIO", "ENXIO", "E2BIG", "ENOEXEC", "EBADF", "ECHILD", "EAGAIN", "ENOMEM", "EACCES", "EFAULT", "ENOTBLK", "EBUSY", "EEXIST", "EXDEV", "ENODEV", "ENOTDIR", "EISDIR", "EINVAL"};
    public static String name(int e) { return e >= 0 && e < NAMES.length ? NAMES[e] : "E" + e; }
    public static String describe(int e) { return dev.panamax.sys.internal.Libc.strerror(e); }
}
