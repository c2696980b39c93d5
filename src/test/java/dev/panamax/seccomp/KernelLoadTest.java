package dev.panamax.seccomp;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The real kernel accepts the compiled default profile and applies it. The filter is loaded on a
 * fresh platform thread (seccomp and no_new_privs are per thread without TSYNC), which ends with
 * the test: nothing outlives it.
 */
@SuppressWarnings("restricted") // the test reads native memory and loads a filter itself
@Tag("kernel")
class KernelLoadTest {

    private static final Linker LINKER = Linker.nativeLinker();
    private static final MemoryLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO =
            CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    /** {@code long syscall(long number, ...)} with five argument words. */
    private static final MethodHandle SYSCALL = LINKER.downcallHandle(
            LINKER.defaultLookup().find("syscall").orElseThrow(),
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG),
            Linker.Option.firstVariadicArg(1), Linker.Option.captureCallState("errno"));

    private static final int EPERM = 1, ENOENT = 2, ENOSYS = 38;

    /** errno of a failed call, or 0 when it succeeded. */
    private static int errno(Arena arena, String name, long... args) throws Throwable {
        long[] a = new long[5];
        System.arraycopy(args, 0, a, 0, args.length);
        MemorySegment state = arena.allocate(CAPTURE);
        long r = (long) SYSCALL.invokeExact(state, (long) FilterTesting.nr(name), a[0], a[1], a[2], a[3], a[4]);
        return r == -1 ? (int) ERRNO.get(state, 0L) : 0;
    }

    private static void load(Arena arena, CompiledFilter filter) throws Throwable {
        assertEquals(0, errno(arena, "prctl", 38 /* PR_SET_NO_NEW_PRIVS */, 1, 0, 0, 0), "prctl(PR_SET_NO_NEW_PRIVS)");
        MemorySegment program = arena.allocate(filter.length() * 8L, 8);
        MemorySegment.copy(MemorySegment.ofArray(filter.bytes()), 0, program, 0, program.byteSize());
        // struct sock_fprog { unsigned short len; struct sock_filter *filter; }
        MemorySegment fprog = arena.allocate(MemoryLayout.structLayout(JAVA_SHORT, MemoryLayout.paddingLayout(6), ADDRESS));
        fprog.set(JAVA_SHORT, 0, (short) filter.length());
        fprog.set(ADDRESS, 8, program);
        assertEquals(0, errno(arena, "seccomp", 1 /* SECCOMP_SET_MODE_FILTER */, 0, fprog.address()),
                "seccomp(SECCOMP_SET_MODE_FILTER) refused the program");
    }

    @Test
    void defaultProfileIsAcceptedAndDeniesForReal() throws Throwable {
        Assumptions.assumeTrue(Files.readString(Path.of("/proc/self/status")).contains("\nUid:\t0\t"),
                "needs root: as non-root mount fails with EPERM anyway, so EPERM would prove nothing");
        CompiledFilter filter = SeccompProfile.defaultProfile().compile();
        Map<String, Object> seen = new LinkedHashMap<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread t = Thread.ofPlatform().name("seccomp-probe").start(() -> {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment none = arena.allocateFrom("none");
                MemorySegment missing = arena.allocateFrom("/nonexistent/panamax-seccomp-test");
                MemorySegment tmpfs = arena.allocateFrom("tmpfs");
                long[] mountArgs = {none.address(), missing.address(), tmpfs.address(), 0, 0};
                seen.put("mount before", errno(arena, "mount", mountArgs));
                load(arena, filter);
                seen.put("mount", errno(arena, "mount", mountArgs));
                seen.put("unshare(CLONE_NEWUSER)", errno(arena, "unshare", 0x10000000L));
                seen.put("clone3", errno(arena, "clone3", 0, 0));
                seen.put("personality(ADDR_NO_RANDOMIZE)", errno(arena, "personality", 0x0040000L));
                seen.put("personality(query)", errno(arena, "personality", 0xffffffffL));
                seen.put("getpid", errno(arena, "getpid"));
                List<String> status = Files.readAllLines(Path.of("/proc/thread-self/status"));
                seen.put("status", status.stream().filter(l -> l.startsWith("Seccomp:") || l.startsWith("NoNewPrivs:"))
                        .map(l -> l.replaceAll("\\s+", " ")).toList());
            } catch (Throwable e) {
                failure.set(e);
            }
        });
        t.join();
        if (failure.get() != null) {
            throw failure.get();
        }
        assertEquals(ENOENT, seen.get("mount before"), "control: root gets ENOENT for a missing mount point");
        assertEquals(EPERM, seen.get("mount"));
        assertEquals(EPERM, seen.get("unshare(CLONE_NEWUSER)"));
        assertEquals(ENOSYS, seen.get("clone3"));
        assertEquals(EPERM, seen.get("personality(ADDR_NO_RANDOMIZE)"));
        assertEquals(0, seen.get("personality(query)"));
        assertEquals(0, seen.get("getpid"));
        assertEquals(List.of("NoNewPrivs: 1", "Seccomp: 2"), seen.get("status"));
        assertTrue(Files.readString(Path.of("/proc/self/status")).contains("\nSeccomp:\t0\n"),
                "the test runner's own thread stays unfiltered");
    }
}
