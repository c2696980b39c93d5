package dev.panamax.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.panamax.sys.Linux;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * As root: device nodes, owners, setuid after chown, file capabilities kept, overlay xattrs of the layer dropped; a
 * whiteout the file system refuses (overlayfs) fails the unpack.
 */
@Tag("kernel")
class RootUnpackTest {
    private static final String DIGEST = "sha256:" + "ef".repeat(32);
    /** A v2 file capability: cap_net_bind_service (bit 10) permitted and effective. */
    private static final String CAPABILITY = "\u0001\u0000\u0000\u0002\u0000\u0004\u0000\u0000\u0000\u0000\u0000\u0000"
            + "\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000";

    private Path target;
    private Path mounted;

    @BeforeEach
    void setUp() throws IOException {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "needs root: mknod, chown, trusted.*");
        target = Files.createTempDirectory("pmx-unpack-root-");
    }

    @AfterEach
    void cleanUp() throws IOException {
        if (mounted != null) {
            Linux.umount(mounted, true);
        }
        Trees.delete(target);
    }

    @Test
    void rootUnpacksDevicesOwnersCapabilitiesAndDropsLayerOverlayXattrs() throws Exception {
        TarArchiveEntry ping = TarBuilder.entry("bin/ping", TarConstants.LF_NORMAL);
        ping.setMode(04711);
        ping.setUserId(0);
        ping.setGroupId(0);
        ping.setSize(4);
        ping.addPaxHeader("SCHILY.xattr.security.capability", CAPABILITY);
        TarArchiveEntry owned = TarBuilder.entry("home/u/f", TarConstants.LF_NORMAL);
        owned.setMode(02755);
        owned.setUserId(1000);
        owned.setGroupId(1000);
        owned.setSize(1);
        TarArchiveEntry forged = TarBuilder.entry("etc", TarConstants.LF_DIR);
        forged.setMode(0755);
        forged.addPaxHeader("SCHILY.xattr.trusted.overlay.redirect", "/root");
        byte[] layer = new TarBuilder().device("dev/null", TarConstants.LF_CHR, 1, 3, 0666)
                .device("dev/loop9", TarConstants.LF_BLK, 7, 9, 0660).add(ping, "ping".getBytes())
                .add(owned, "x".getBytes()).add(forged, null).file("etc/.wh.shadow", 0644, "").tar();

        UnpackSummary s = LayerUnpacker.unpack(TarBuilder.stream(layer), DIGEST, target, UnpackOptions.root());

        Map<String, String> tree = Trees.describe(target, false);
        assertEquals("chr 259 0666 0:0", tree.get("dev/null"));
        assertEquals("blk 1801 0660 0:0", tree.get("dev/loop9"));
        assertEquals("chr 0 0000 0:0", tree.get("etc/shadow").replaceFirst(" 0\\d\\d\\d ", " 0000 "), "a whiteout 0:0");
        assertTrue(tree.get("home/u/f").endsWith(" 2755 1000:1000"), tree.get("home/u/f"));
        assertTrue(tree.get("bin/ping").endsWith(" 4711 0:0"), tree.get("bin/ping"));
        assertEquals("cap_net_bind_service=ep", getcap(target.resolve("bin/ping")));
        assertEquals("", xattrs(target.resolve("etc")), "no trusted.overlay.redirect from the layer");
        assertTrue(s.notes().contains("dropped extended attribute trusted.overlay.redirect"), s.notes().toString());
    }

    @Test
    void aWhiteoutOnOverlayfsIsRefusedNamingTheLayerTheEntryAndTheErrno() throws Exception {
        for (String dir : List.of("lower", "upper", "work", "merged")) {
            Files.createDirectory(target.resolve(dir));
        }
        Linux.mount("overlay", target.resolve("merged"), "overlay", Set.of(), "lowerdir=" + target.resolve("lower")
                + ",upperdir=" + target.resolve("upper") + ",workdir=" + target.resolve("work"));
        mounted = target.resolve("merged");
        byte[] layer = new TarBuilder().file("etc/kept", 0644, "k").file("etc/.wh.gone", 0644, "").tar();
        for (UnpackOptions options : List.of(UnpackOptions.root(), UnpackOptions.rootlessDefaults())) {
            Path into = Files.createDirectory(mounted.resolve(options.rootless() ? "rootless" : "root"));
            UnpackException e = assertThrows(UnpackException.class,
                    () -> LayerUnpacker.unpack(TarBuilder.stream(layer), DIGEST, into, options));
            assertEquals(UnpackException.Rule.WHITEOUT_REFUSED, e.rule());
            assertEquals("etc/.wh.gone", e.entry());
            assertTrue(e.getMessage().startsWith("layer " + DIGEST + ": entry \"etc/.wh.gone\": the file system "
                    + "refused its whiteout, a character device 0:0 (mknodat("), e.getMessage());
            assertTrue(e.getMessage().contains(", \"gone\", 020000, 0:0): EPERM (Operation not permitted); a "
                    + "whiteout (0:0) needs CAP_MKNOD before Linux 5.8, and overlayfs refuses to make one at all"),
                    e.getMessage());
        }
    }

    /** The capability as {@code getcap} would print it, read through python (no libcap tools needed). */
    private static String getcap(Path file) throws Exception {
        String hex = python("import os,sys; print(os.getxattr(sys.argv[1], 'security.capability').hex())", file);
        return hex.equals("0100000200040000000000000000000000000000") ? "cap_net_bind_service=ep" : hex;
    }

    private static String xattrs(Path file) throws Exception {
        return python("import os,sys; print(' '.join(os.listxattr(sys.argv[1], follow_symlinks=False)))", file);
    }

    private static String python(String code, Path file) throws Exception {
        Process p = new ProcessBuilder("python3", "-c", code, file.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertEquals(0, p.waitFor(), out);
        return out;
    }
}
