package dev.panamax.launch;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * What a launch created on the host side (cgroups, temporary directories, host-side mounts), undone in
 * reverse order: on a failed launch right away, otherwise when the container is closed. Every undo runs
 * even if an earlier one failed; the first failure is rethrown with the others suppressed.
 *
 * <pre>{@code
 * Cleanup cleanup = new Cleanup();
 * Path upper = Files.createTempDirectory("upper");
 * cleanup.push("delete " + upper, () -> deleteTree(upper));
 * }</pre>
 */
final class Cleanup implements AutoCloseable {
    /** One undo action, named for error messages. */
    interface Undo {
        void run() throws Exception;
    }

    private record Entry(String what, Undo undo) {
    }

    private final Deque<Entry> stack = new ArrayDeque<>();

    synchronized void push(String what, Undo undo) {
        stack.push(new Entry(what, undo));
    }

    /** Runs every undo action, newest first. */
    @Override
    public synchronized void close() {
        RuntimeException first = null;
        while (!stack.isEmpty()) {
            Entry e = stack.pop();
            try {
                e.undo().run();
            } catch (Exception failure) {
                RuntimeException wrapped = new IllegalStateException("cleanup failed: " + e.what() + ": "
                        + failure.getMessage(), failure);
                if (first == null) {
                    first = wrapped;
                } else {
                    first.addSuppressed(wrapped);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
