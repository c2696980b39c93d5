package dev.panamax;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Test helper: compiles src/test/resources/dev/panamax/probe.c with {@code gcc -static} (packages gcc and
 * libc6-dev) into a rootfs, where containers run it as {@code /bin/probe}.
 *
 * <pre>{@code
 * Probe.installInto(root.path());   // then: command("probe", "reboot") prints "EPERM"
 * }</pre>
 */
public final class Probe {
    private Probe() {
    }

    public static void installInto(Path rootfs) {
        Path work = null;
        try {
            work = Files.createTempDirectory("panamax-probe-");
            Path source = work.resolve("probe.c");
            try (InputStream in = Probe.class.getResourceAsStream("probe.c")) {
                if (in == null) {
                    throw new IllegalStateException("probe.c is missing from the test resources");
                }
                Files.copy(in, source);
            }
            Path binary = rootfs.resolve("bin/probe");
            Process gcc = new ProcessBuilder("gcc", "-static", "-O1", "-o", binary.toString(), source.toString())
                    .redirectErrorStream(true).start();
            String output = new String(gcc.getInputStream().readAllBytes());
            if (gcc.waitFor() != 0) {
                throw new IllegalStateException("gcc -static failed (install gcc and libc6-dev): " + output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot build the probe (install gcc and libc6-dev)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } finally {
            if (work != null) {
                BusyboxRootfs.deleteTree(work);
            }
        }
    }
}
