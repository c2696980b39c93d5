package dev.panamax.sys;

import dev.panamax.sys.internal.Abi;
import dev.panamax.sys.internal.Libc;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A descriptor sent over a unix socket with its name arrives as a working descriptor, as runc's RecvFile reads it. */
@Tag("kernel")
class UnixSocketsTest {

    @Test
    void aDescriptorSentWithItsNameArrivesAndStillWorks(@TempDir Path dir) throws Exception {
        Path socket = dir.resolve("console.sock");
        int[] pipe = Libc.pipe2(Abi.O_CLOEXEC);
        int received = -1;
        try (UnixSockets.Listener listener = UnixSockets.listen(socket)) {
            CompletableFuture<UnixSockets.Received> arrival = CompletableFuture.supplyAsync(listener::receiveFd);
            UnixSockets.sendFd(socket, pipe[1], "/dev/pts/42");
            UnixSockets.Received r = arrival.get(10, TimeUnit.SECONDS);
            received = r.fd();
            assertEquals("/dev/pts/42", r.name(), "the message's data is the name");
            assertNotEquals(pipe[1], received, "a new descriptor in the receiver");
            String flags = Files.readString(Path.of("/proc/self/fdinfo/" + received));
            assertTrue(flags.lines().anyMatch(l -> l.startsWith("flags:") && (Integer.parseInt(
                    l.substring(6).strip(), 8) & Abi.O_CLOEXEC) != 0), "received close-on-exec: " + flags);
            Libc.close(pipe[1]);
            pipe[1] = -1;
            try (Arena arena = Arena.ofConfined()) { // the received copy writes into the same pipe
                Libc.write(received, arena.allocateFrom("ping"), 4);
                MemorySegment in = arena.allocate(4);
                assertEquals(4, Libc.read(pipe[0], in, 4));
                assertEquals("ping", new String(in.toArray(ValueLayout.JAVA_BYTE), StandardCharsets.US_ASCII));
            }
        } finally {
            if (received >= 0) {
                Libc.close(received);
            }
            for (int fd : pipe) {
                if (fd >= 0) {
                    Libc.close(fd);
                }
            }
        }
        assertFalse(Files.exists(socket), "closing the listener removes its path");
    }

    @Test
    void sendingToAMissingSocketNamesItsPathAndErrno(@TempDir Path dir) {
        Path socket = dir.resolve("nobody.sock");
        ErrnoException e = assertThrows(ErrnoException.class, () -> UnixSockets.sendFd(socket, 1, "/dev/pts/1"));
        assertEquals("connect", e.call());
        assertEquals("ENOENT", e.errnoName());
        assertTrue(e.getMessage().contains(socket.toString()), e.getMessage());
    }

    @Test
    void aSocketPathTooLongForSockaddrUnIsRefused(@TempDir Path dir) {
        Path socket = dir.resolve("x".repeat(120));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> UnixSockets.sendFd(socket, 1, "/dev/pts/1"));
        assertTrue(e.getMessage().contains("socket path"), e.getMessage());
    }
}
