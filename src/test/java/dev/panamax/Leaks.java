package dev.panamax;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Test helper: what a launch could leave behind in this JVM: open descriptors (number and target) and
 * child processes (zombies included).
 *
 * <pre>{@code
 * Leaks before = Leaks.snapshot();
 * ... launch and close ...
 * before.assertNothingNewIn(Leaks.snapshot());
 * }</pre>
 */
public record Leaks(Map<Integer, String> fds, List<Long> children) {

    public static Leaks snapshot() {
        Path self = Path.of("/proc/self/fd");
        try (Stream<Path> list = Files.list(self)) {
            Map<Integer, String> open = new TreeMap<>();
            for (Path fd : list.toList()) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (!target.matches("/proc/\\d+/fd")) { // the descriptor of this very listing
                        open.put(Integer.parseInt(fd.getFileName().toString()), target);
                    }
                } catch (IOException closedMeanwhile) {
                    // a descriptor closed between listing and reading is not open
                }
            }
            List<Long> kids = ProcessHandle.current().children().map(ProcessHandle::pid).sorted().toList();
            return new Leaks(open, kids);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Waits briefly for stragglers (a reaper completing: up to 5 s, for emulated machines such as the arm64 VM
     * leg's), then requires no new descriptor and no new child.
     */
    public void assertNothingNewIn(Leaks later) {
        Leaks now = later;
        for (int i = 0; i < 250 && !newIn(now).isEmpty(); i++) {
            sleep();
            now = snapshot();
        }
        Map<Integer, String> added = newIn(now);
        if (!added.isEmpty()) {
            throw new AssertionError("descriptors leaked: " + added);
        }
        if (!now.children().isEmpty() && !now.children().equals(children)) {
            throw new AssertionError("child processes left: " + now.children());
        }
    }

    /** Descriptors open in {@code other} that were not open (to the same target) here; and new children. */
    private Map<Integer, String> newIn(Leaks other) {
        Map<Integer, String> added = new TreeMap<>(other.fds());
        added.entrySet().removeIf(e -> e.getValue().equals(fds.get(e.getKey())));
        if (!other.children().isEmpty() && !other.children().equals(children)) {
            added.put(-1, "children " + other.children());
        }
        return added;
    }

    private static void sleep() {
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
