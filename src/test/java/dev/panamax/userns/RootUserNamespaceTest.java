package dev.panamax.userns;

import dev.panamax.BusyboxRootfs;
import dev.panamax.ContainerSpec;
import dev.panamax.IdMap;
import dev.panamax.Run;
import dev.panamax.sys.Namespace;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** User namespaces launched by root: maps written directly, any ranges, process identity with groups. */
@Tag("kernel")
class RootUserNamespaceTest {

    private static ContainerSpec.Builder mapped(Path rootfs, String script) {
        return ContainerSpec.builder()
                .namespaces(Namespace.USER, Namespace.MOUNT, Namespace.PID, Namespace.UTS, Namespace.IPC)
                .uidMap(IdMap.of(0, 300000, 65536))
                .gidMap(IdMap.of(0, 300000, 65536))
                .rootfs(rootfs).hostname("box").command("sh", "-c", script);
    }

    @Test
    void rootMapsAnyRangeAndTheProcessGetsItsUidGidAndGroups() throws Exception {
        try (BusyboxRootfs root = BusyboxRootfs.create()) {
            chown(root.path(), 300000);
            Run r = Run.of(mapped(root.path(), "id -u; id -g; id -G; cat /proc/self/uid_map; touch /tmp/f; hostname")
                    .user(1000, 1001).supplementaryGroups(10, 20)).ok();
            List<String> out = r.stdout().lines().map(l -> l.strip().replaceAll("\\s+", " ")).toList();
            assertEquals(List.of("1000", "1001", "1001 10 20", "0 300000 65536", "box"), out, r.stderr());
            assertEquals(301000, (int) Files.getAttribute(root.path().resolve("tmp/f"), "unix:uid"));
            assertEquals(301001, (int) Files.getAttribute(root.path().resolve("tmp/f"), "unix:gid"));
        }
    }

    @Test
    void theProcessCannotTakeBackRootAfterTheSwitch() throws Exception {
        try (BusyboxRootfs root = BusyboxRootfs.create()) {
            chown(root.path(), 300000);
            // the switch to uid 1000 (without PR_SET_KEEPCAPS) cleared every capability of the namespace's root
            Run r = Run.of(mapped(root.path(), "grep -E 'Cap(Prm|Eff)' /proc/self/status").user(1000, 1000)).ok();
            assertEquals("CapPrm:\t0000000000000000\nCapEff:\t0000000000000000\n", r.stdout(), r.stderr());
        }
    }

    private static void chown(Path dir, long id) throws Exception {
        Process p = new ProcessBuilder("chown", "-R", "-h", id + ":" + id, dir.toString()).inheritIO().start();
        assertEquals(0, p.waitFor());
    }
}
