package dev.panamax.mount;

import dev.panamax.ContainerSpec;
import dev.panamax.Run;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Test helpers for mount tests: a script whose whole output is passed back through the shell (busybox
 * applets forked by sh sometimes lose what they write straight to the stdout pipe here; the shell's own
 * writes do not), and the host's mount table.
 */
final class Box {
    private Box() {
    }

    /** Runs {@code script} in the container; its stdout and stderr come back as stdout. */
    static Run run(ContainerSpec.Builder spec, String script) {
        return Run.of(spec.command("sh", "-c", "o=$( { " + script + " ; } 2>&1 ); rc=$?; printf '%s\\n' \"$o\"; exit $rc"));
    }

    /** The host's mount table without the per-mount ids, for before/after comparisons. */
    static String hostMounts() {
        try {
            return Files.readString(Path.of("/proc/self/mountinfo"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
