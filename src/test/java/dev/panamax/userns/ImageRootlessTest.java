package dev.panamax.userns;

import dev.panamax.BusyboxRootfs;
import dev.panamax.sys.BeneathDirectory;
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
 * An unprivileged user runs a container of an image whose layers were unpacked without root: whiteouts and
 * opaque directories are {@code user.overlay.*} attributes (as {@code LayerUnpacker} writes them rootless),
 * and the overlay is mounted with {@code userxattr} in the container's user namespace.
 */
@Tag("kernel")
class ImageRootlessTest {

    private static void write(Path layer, String file, String text) throws Exception {
        Path p = layer.resolve(file);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text);
    }

    @Test
    void anUnprivilegedUserRunsAUserXattrImageAndSeesItsWhiteoutsApplied() throws Exception {
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
                Files.createFile(Files.createDirectories(upperLayer.resolve("data")).resolve("deleted"));
                try (BeneathDirectory data = BeneathDirectory.open(upperLayer.resolve("data"));
                     BeneathDirectory opaque = BeneathDirectory.open(upperLayer.resolve("opaque"))) {
                    data.setXattr("deleted", "user.overlay.whiteout", new byte[] {'y'});
                    data.setXattr(".", "user.overlay.opaque", new byte[] {'x'});
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
