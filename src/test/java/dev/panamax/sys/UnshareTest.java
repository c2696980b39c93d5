package dev.panamax.sys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("kernel")
class UnshareTest {

    /** Runs {@code body} on a fresh platform thread that dies afterwards, taking its namespaces along. */
    private static <T> T onOwnThread(java.util.concurrent.Callable<T> body) throws Exception {
        CompletableFuture<T> result = new CompletableFuture<>();
        Thread t = Thread.ofPlatform().name("panamax-unshare-test").start(() -> {
            try {
                result.complete(body.call());
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        });
        t.join(TimeUnit.SECONDS.toMillis(30));
        try {
            return result.get(1, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw e;
        }
    }

    @Test
    void utsNamespaceChangesOnlyTheCallingThread() throws Exception {
        String before = Linux.gethostname();
        String hostUts = Files.readSymbolicLink(Path.of("/proc/thread-self/ns/uts")).toString();
        String[] seen = onOwnThread(() -> {
            Linux.unshare(EnumSet.of(Namespace.UTS));
            Linux.sethostname("panamax-uts-test");
            Linux.setdomainname("panamax.test");
            String ownUts = Files.readSymbolicLink(Path.of("/proc/thread-self/ns/uts")).toString();
            return new String[] {Linux.gethostname(), ownUts};
        });
        assertEquals("panamax-uts-test", seen[0]);
        assertNotEquals(hostUts, seen[1], "the thread must be in a new UTS namespace");
        assertEquals(before, Linux.gethostname(), "other threads keep the host name");
        assertEquals(hostUts, Files.readSymbolicLink(Path.of("/proc/thread-self/ns/uts")).toString());
    }

    /** The example of {@link Linux}'s javadoc, as written there, plus what it claims. */
    @Test
    void theDocumentedSafeUseWorksAsWritten() throws Exception {
        String host = Linux.gethostname();
        Path uts = Path.of("/proc/thread-self/ns/uts");
        String hostUts = Files.readSymbolicLink(uts).toString();
        String[] observed = new String[2]; // the thread's UTS namespace, and its kernel name (uname -n)

        String inside = CompletableFuture.supplyAsync(() -> {
            Linux.unshare(EnumSet.of(Namespace.UTS));          // this OS thread only
            Linux.sethostname("sandbox");
            observed[0] = readLink(uts);
            observed[1] = readString(Path.of("/proc/sys/kernel/hostname"));
            return Linux.gethostname();                        // "sandbox"
        }, task -> Thread.ofPlatform().start(task)).join();    // a new thread, ended after its one task
        String after = Linux.gethostname();                    // unchanged: no other thread left the host's namespace

        assertEquals("sandbox", inside);
        assertNotEquals(hostUts, observed[0], "the thread had a UTS namespace of its own");
        assertEquals("sandbox", observed[1], "the kernel's name for the thread's namespace");
        assertEquals(host, after);
        assertEquals(hostUts, Files.readSymbolicLink(uts).toString(), "this thread never left");
        assertEquals(host, CompletableFuture.supplyAsync(Linux::gethostname).join(), "nor did the pool's");
        assertEquals(host, readString(Path.of("/proc/sys/kernel/hostname")), "the host keeps its name");
    }

    private static String readLink(Path p) {
        try {
            return Files.readSymbolicLink(p).toString();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String readString(Path p) {
        try {
            return Files.readString(p).strip();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void setnsJoinsAnotherThreadsNamespaceByPath() throws Exception {
        String host = Linux.gethostname();
        String joined = onOwnThread(() -> {
            Linux.unshare(EnumSet.of(Namespace.UTS));
            Linux.sethostname("panamax-setns-test");
            // /proc/self is the main thread, which is still in the original UTS namespace.
            Linux.setns(Path.of("/proc/self/ns/uts"), Namespace.UTS);
            return Linux.gethostname();
        });
        assertEquals(host, joined);
    }

    @Test
    void setnsWithWrongTypeExplains() throws Exception {
        ErrnoException e = assertThrows(ErrnoException.class,
                () -> Linux.setns(Namespace.NET.procPath(ProcessHandle.current().pid()), Namespace.UTS));
        assertEquals("EINVAL", e.errnoName());
        assertTrue(e.getMessage().contains("/ns/net") && e.getMessage().contains("uts namespace"), e.getMessage());
    }

    @Test
    void unshareUserFromJvmExplainsWhy() throws Exception {
        ErrnoException e = assertThrows(ErrnoException.class, () -> onOwnThread(() -> {
            Linux.unshare(EnumSet.of(Namespace.USER));
            return "unreachable";
        }));
        assertEquals("EINVAL", e.errnoName());
        assertEquals("unshare", e.call());
        assertTrue(e.hint() != null && e.hint().contains("multi-threaded"), e.getMessage());
        assertTrue(e.getMessage().startsWith("unshare(CLONE_NEWUSER): EINVAL (Invalid argument); "), e.getMessage());
    }

    @Test
    void unshareRejectsEmptySetAndLongHostname() {
        assertThrows(IllegalArgumentException.class, () -> Linux.unshare(Set.of()));
        assertThrows(IllegalArgumentException.class, () -> Linux.sethostname("x".repeat(65)));
    }
}
