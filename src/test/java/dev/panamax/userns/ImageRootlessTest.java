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

    /** Writes the upper layer's overlay metadata: the whiteout of {@code data/deleted}, {@code opaque}'s mark. */
    private interface Form {
        void write(BeneathDirectory data, BeneathDirectory opaque) throws Exception;
    }

    private static void write(Path layer, String file, String text) throws Exception {
        Path p = layer.resolve(file);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text);
    }

    private static void deviceWhiteout(BeneathDirectory dir, String name) {
        dir.mknod(name, S_IFCHR, 0);
    }

    private static void opaque(BeneathDirectory dir) {
        dir.setXattr(".", "user.overlay.opaque", new byte[] {'y'});
    }

    @Test
    void aDeviceWhiteoutHidesTheLowerFileInAUserxattrOverlay() throws Exception {
        // no user.* xattr needed: runs where the layers' file system has none (tmpfs before Linux 6.6)
        assertEquals(List.of("0", "layer1", "kept", "new", "old", "written"),
                linesShown((data, opaque) -> deviceWhiteout(data, "deleted")));
    }

    @Test
    void anUnprivilegedUserRunsAUserXattrImageAndSeesItsWhiteoutsApplied() throws Exception {
        AsUser.assumeUserXattrs(Path.of(System.getProperty("java.io.tmpdir")));
        assertEquals(List.of("0", "layer1", "kept", "new", "written"), linesShown((data, opaque) -> {
            deviceWhiteout(data, "deleted");
            opaque(opaque);
        }));
    }

    @Test
    void layersWithTheEarlierXattrWhiteoutsStillRunFromLinux67() throws Exception {
        String[] release = System.getProperty("os.version").split("[.-]");
        int major = Integer.parseInt(release[0]);
        Assumptions.assumeTrue(major > 6 || major == 6 && Integer.parseInt(release[1]) >= 7, "Linux "
                + System.getProperty("os.version") + ": overlay reads user.overlay.whiteout files from Linux 6.7");
        AsUser.assumeUserXattrs(Path.of(System.getProperty("java.io.tmpdir")));
        assertEquals(List.of("0", "layer1", "kept", "new", "written"), linesShown((data, opaque) -> {
            Files.createFile(data.entry("deleted"));
            data.setXattr("deleted", "user.overlay.whiteout", new byte[] {'y'});
            data.setXattr(".", "user.overlay.opaque", new byte[] {'x'}); // the directory holds xattr whiteouts
            opaque(opaque);
        }));
    }

    /**
     * What the container shows of an image of two layers, the upper one's {@code data/deleted} and {@code opaque}
     * written by {@code form}: its uid, {@code /etc/motd}, {@code ls /data}, {@code ls /opaque}, and a file it writes.
     */
    private static List<String> linesShown(Form form) throws Exception {
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
                    form.write(data, opaque);
                }
                user.own(bottom.path());
                user.own(layers);
                AsUser.Report r = user.run(ImageRootlessProbe.class, Map.of(),
                        "o=$(id -u; cat /etc/motd; ls /data; ls /opaque; echo written > /new; cat /new);"
                                + " printf '%s\\n' \"$o\"",
                        bottom.path().toString(), upperLayer.toString()).ok();
                assertFalse(Files.exists(upperLayer.resolve("new")), "the write stays out of the layers");
                assertFalse(Files.exists(bottom.path().resolve("new")), "the write stays out of the layers");
                return r.lines("out");
            } finally {
                BusyboxRootfs.deleteTree(layers);
            }
        }
    }
}
