package dev.panamax.sys.internal;

import dev.panamax.sys.ErrnoException;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.util.function.Supplier;

/**
 * Builds downcall handles that capture {@code errno} in the same native call, so the value cannot
 * be clobbered by the JVM between the call and the check (a second call to
 * {@code __errno_location} would race with the VM's own libc use).
 *
 * <pre>{@code
 * MethodHandle h = Downcalls.capturing(linux_h.umount2$address(), linux_h.umount2$descriptor());
 * try (Arena arena = Arena.ofConfined()) {
 *     MemorySegment state = Downcalls.state(arena);
 *     int rc = (int) h.invokeExact(state, path, flags);
 *     if (rc == -1) throw new ErrnoException("umount2", Downcalls.errno(state), detail);
 * }
 * }</pre>
 *
 * <p>The capture-state segment is always the handle's first parameter.
 */
// Linking is restricted; module dev.panamax is the one granted --enable-native-access.
@SuppressWarnings("restricted")
public final class Downcalls {
    private static final Linker LINKER = Linker.nativeLinker();
    private static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");
    private static final StructLayout STATE_LAYOUT = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO =
            STATE_LAYOUT.varHandle(MemoryLayout.PathElement.groupElement("errno"));

    private Downcalls() {}

    /** A handle for a fixed-arity function whose first parameter is the capture state. */
    public static MethodHandle capturing(MemorySegment address, FunctionDescriptor descriptor) {
        return LINKER.downcallHandle(address, descriptor, CAPTURE_ERRNO);
    }

    /**
     * A handle for a variadic function (such as {@code syscall} or {@code open}) specialised to
     * {@code descriptor}, whose variadic arguments start at {@code firstVariadicArg}.
     */
    public static MethodHandle capturingVariadic(
            MemorySegment address, FunctionDescriptor descriptor, int firstVariadicArg) {
        return LINKER.downcallHandle(
                address, descriptor, Linker.Option.firstVariadicArg(firstVariadicArg), CAPTURE_ERRNO);
    }

    /** A handle for a function that cannot fail (no errno capture). */
    public static MethodHandle plain(MemorySegment address, FunctionDescriptor descriptor) {
        return LINKER.downcallHandle(address, descriptor);
    }

    /** Allocates the capture-state segment for one call. */
    public static MemorySegment state(Arena arena) {
        return arena.allocate(STATE_LAYOUT);
    }

    /** The errno value the last call through a capturing handle left in {@code state}. */
    public static int errno(MemorySegment state) {
        return (int) ERRNO.get(state, 0L);
    }

    /**
     * Returns {@code result} unless it is -1, in which case throws the errno left in {@code state}.
     * {@code detail} is computed only on failure.
     */
    public static long check(long result, MemorySegment state, String call, Supplier<String> detail) {
        if (result == -1) {
            throw new ErrnoException(call, errno(state), detail.get());
        }
        return result;
    }

    /** Wraps a {@link Throwable} from {@code invokeExact} that is not a kernel failure. */
    public static RuntimeException unexpected(String call, Throwable t) {
        if (t instanceof RuntimeException r) {
            return r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException("downcall " + call + " failed", t);
    }
}
