package dev.panamax.launch;

import dev.panamax.ExitStatus;
import dev.panamax.sys.internal.Libc;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The read end of the status pipe of a container with an init: the init writes the command's wait status
 * (4 bytes) there just before it exits, so the handle can report the command's own end (a death by
 * SIGSEGV, not the init's 128 + 11). Read once, when the reaper has the init's status; without those 4
 * bytes (the init itself was killed, by {@code destroyForcibly()} or the OOM killer) the init's status
 * stands.
 */
final class InitStatus {
    static final InitStatus NONE = new InitStatus(-1);

    private int fd;

    InitStatus(int fd) {
        this.fd = fd;
    }

    /** The command's status if the init reported one, else {@code initStatus}; closes the pipe. */
    synchronized ExitStatus commandStatus(ExitStatus initStatus) {
        if (fd < 0) {
            return initStatus;
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment word = arena.allocate(ValueLayout.JAVA_INT);
            long got = Libc.read(fd, word, 4); // the init has exited: data or EOF, never a wait
            if (got != 4) {
                return initStatus;
            }
            int status = word.get(ValueLayout.JAVA_INT, 0);
            int signal = status & 0x7f;
            return signal == 0 ? ExitStatus.exited((status >> 8) & 0xff)
                    : ExitStatus.killed(signal, (status & 0x80) != 0);
        } catch (RuntimeException unreadable) {
            return initStatus;
        } finally {
            close();
        }
    }

    synchronized void close() {
        if (fd >= 0) {
            Libc.close(fd);
            fd = -1;
        }
    }
}
