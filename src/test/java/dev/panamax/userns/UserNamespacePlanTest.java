package dev.panamax.userns;

import dev.panamax.ContainerSpec;
import dev.panamax.IdMap;
import dev.panamax.PlanTest;
import dev.panamax.program.Step;
import dev.panamax.sys.Namespace;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The order of identity steps in a user namespace, as step data: root in the namespace first, the user last. */
class UserNamespacePlanTest extends PlanTest {
    private static final long PR_SET_PDEATHSIG = 1;

    @Test
    void thePlanShowsRootInTheNamespaceFirstAndTheProcessUserLast() {
        ContainerSpec spec = ContainerSpec.builder()
                .namespaces(Namespace.USER, Namespace.MOUNT, Namespace.PID, Namespace.UTS, Namespace.IPC)
                .uidMap(IdMap.of(0, 300000, 65536)).gidMap(IdMap.of(0, 300000, 65536))
                .rootfs(rootfs).command("true").user(1000, 1000).supplementaryGroups(10, 20).build();
        List<Step> s = steps(spec);
        int[] order = {first(s, "read"), first(s, "setresuid", 0, 0, 0), first(s, "mount"),
                first(s, "setresgid", 1000, 1000, 1000), first(s, "setgroups", 2), first(s, "setresuid", 1000, 1000, 1000),
                first(s, "execve")};
        for (int i = 1; i < order.length; i++) {
            assertTrue(order[i - 1] < order[i], "step order at " + i + ":\n" + text(s));
        }
        int uid = order[5];
        assertTrue(indexOf(s.subList(uid, s.size()), "prctl", PR_SET_PDEATHSIG) > 0,
                "the id change clears the death signal, so it is set again:\n" + text(s));
    }
}
