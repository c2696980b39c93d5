package dev.panamax.image;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Run as an unprivileged user by {@link UmociParityTest}: unpacks layer blob {@code args[0]} (digest
 * {@code args[1]}) into directory {@code args[2]} with rootless options; prints {@code out:} the summary or
 * {@code error:} the failure, and exits 0 either way (the test reads the lines).
 */
public final class RootlessUnpackProbe {
    private RootlessUnpackProbe() {}

    public static void main(String[] args) {
        try (InputStream in = Files.newInputStream(Path.of(args[0]))) {
            UnpackSummary s = LayerUnpacker.unpack(in, args[1], Path.of(args[2]), UnpackOptions.rootlessDefaults());
            System.out.println("out:" + s.entries() + " entries, " + s.bytesWritten() + " bytes, notes " + s.notes());
        } catch (Exception e) {
            System.out.println("error:" + e);
        }
        System.out.println("exit:exited with code 0");
    }
}
