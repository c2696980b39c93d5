package dev.panamax.userns;

import dev.panamax.BusyboxRootfs;
import dev.panamax.sys.BeneathDirectory;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * An unprivileged user runs a container of an image whose layers are in the rootless form: whiteouts character
 * devices 0:0 (as {@code LayerUnpacker} writes them, also rootless) and opaque directories
 * {@code user.overlay.opaque=y}, the overlay mounted with {@code userxattr} in the container's user namespace.
 * Layers that earlier versions unpacked rootless (whiteouts as {@code user.overlay.whiteout} files) still work
 * where the kernel reads that form (Linux 6.7+).
 */
@Tag("kernel")
class ImageRootlessTest {
    private static final int S_IFCHR = 0020000;

    /** Writes one whiteout into a layer's directory. */
    private interface WhiteoutForm {
        void write(BeneathDirectory dir, String name);
    }

    private static void write(Path layer, String file, String text) throws Exception {
        Path p = layer.resolve(file);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text);
    }

    @Test
    void anUnprivilegedUserRunsAUserXattrImageAndSeesItsWhiteoutsApplied() throws Exception {
        runsWithWhiteoutsApplied((dir, name) -> dir.mknod(name, S_IFCHR, 0));
    }

    @Test
    void layersWithTheEarlierXattrWhiteoutsStillRunFromLinux67() throws Exception {
        String[] release = System.getProperty("os.version").split("[.-]");
        int major = Integer.parseInt(release[0]);
        Assumptions.assumeTrue(major > 6 || major == 6 && Integer.parseInt(release[1]) >= 7, "Linux "
                + System.getProperty("os.version") + ": overlay reads user.overlay.whiteout files from Linux 6.7");
        runsWithWhiteoutsApplied((dir, name) -> {
            try {
                Files.createFile(dir.entry(name));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            dir.setXattr(name, "user.overlay.whiteout", new byte[] {'y'});
            dir.setXattr(".", "user.overlay.opaque", new byte[] {'x'}); // the directory holds xattr whiteouts
        });
    }

    private static void runsWithWhiteoutsApplied(WhiteoutForm form) throws Exception {
        try (AsUser user = AsUser.create(); BusyboxRootfs bottom = BusyboxRootfs.create()) {
            Path layers = Files.createTempDirectory("pmx-imgroot-rootless-");
            try {
                Files.setPosixFilePermissions(layers, PosixFilePermissions.fromString("rwxr-xr-x"));
                write(bottom.path(), "etc/motd", "bottom\n");
                write(bottom.path(), "data/kept", "kept\n");
                write(bottom.path(), "data/deleted", "deleted\n");
                write(bottom.path(), "opaque/old", "old\n");
                Path upperLayer = Files.createDirectory(layers.resolve("layer1"));
                write(upperLayer, "etc/motd", "layer1\n");
                write(upperLayer, "opaque/new", "new\n");
                Files.createDirectories(upperLayer.resolve("data"));
                try (BeneathDirectory data = BeneathDirectory.open(upperLayer.resolve("data"));
                     BeneathDirectory opaque = BeneathDirectory.open(upperLayer.resolve("opaque"))) {
                    form.write(data, "deleted");
                    opaque.setXattr(".", "user.overlay.opaque", new byte[] {'y'});
                }
                user.own(bottom.path());
                user.own(layers);
                AsUser.Report r = user.run(ImageRootlessProbe.class, Map.of(),
                        "o=$(id -u; cat /etc/motd; ls /data; ls /opaque; echo written > /new; cat /new);"
                                + " printf '%s\\n' \"$o\"",
                        bottom.path().toString(), upperLayer.toString()).ok();
                assertEquals(List.of("0", "layer1", "kept", "new", "written"), r.lines("out"), r.raw());
                assertFalse(Files.exists(upperLayer.resolve("new")), "the write stays out of the layers");
                assertFalse(Files.exists(bottom.path().resolve("new")), "the write stays out of the layers");
            } finally {
                BusyboxRootfs.deleteTree(layers);
            }
        }
    }
}
