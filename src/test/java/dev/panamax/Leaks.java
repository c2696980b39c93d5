package dev.panamax;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Test helper: what a launch could leave behind in this JVM: open descriptors and child processes
 * (zombies included).
 *
 * <pre>{@code
 * Leaks before = Leaks.snapshot();
 * ... launch and close ...
 * before.assertNothingNewIn(Leaks.snapshot());
 * }</pre>
 */
public record Leaks(List<String> fds, List<Long> children) {

    public static Leaks snapshot() {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            List<String> open = fds.map(p -> p.getFileName().toString()).sorted().toList();
            List<Long> kids = ProcessHandle.current().children().map(ProcessHandle::pid).sorted().toList();
            return new Leaks(open, kids);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits briefly for stragglers (a reaper completing), then compares. */
    public void assertNothingNewIn(Leaks later) {
        Leaks now = later;
        for (int i = 0; i < 50 && !isSame(now); i++) {
            sleep();
            now = snapshot();
        }
        if (now.fds().size() > fds.size() + 1) { // +1: the Files.list descriptor itself may differ
            throw new AssertionError("descriptors leaked: before " + fds + ", after " + now.fds() + " "
                    + describe(now.fds()));
        }
        if (!now.children().isEmpty() && !now.children().equals(children)) {
            throw new AssertionError("child processes left: " + now.children());
        }
    }

    private boolean isSame(Leaks other) {
        return other.fds().size() <= fds.size() + 1 && (other.children().isEmpty() || other.children().equals(children));
    }

    private static String describe(List<String> fds) {
        StringBuilder sb = new StringBuilder();
        for (String fd : fds) {
            try {
                sb.append(fd).append("->").append(Files.readSymbolicLink(Path.of("/proc/self/fd", fd))).append(' ');
            } catch (IOException gone) {
                // closed meanwhile
            }
        }
        return sb.toString();
    }

    private static void sleep() {
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
