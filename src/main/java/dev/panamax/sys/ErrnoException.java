package dev.panamax.sys;

/** TEMPORARY stand-in. */
public class ErrnoException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String call;
    private final int errno;
    public ErrnoException(String call, int errno, String detail) {
        super(call + (detail == null ? "" : "(" + detail + ")") + ": " + Errno.name(errno) + " (" + Errno.describe(errno) + ")");
        this.call = call; this.errno = errno;
    }
    public String call() { return call; }
    public int errno() { return errno; }
    public String errnoName() { return Errno.name(errno); }
}
