package dev.panamax.program;

import dev.panamax.Capability;
import dev.panamax.ContainerSpec;
import dev.panamax.IdMap;
import dev.panamax.ProcessIdentity;
import dev.panamax.ProcessSpec;
import dev.panamax.spec.InvalidSpecException;
import dev.panamax.sys.Namespace;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The program of an exec: what it joins, in which order, and that it never gains what the container lacks. */
class ExecIntoStepsTest {

    private static final ContainerSpec MAPPED = ContainerSpec.builder().command("sleep", "1000")
            .namespaces(Namespace.MOUNT, Namespace.PID, Namespace.USER, Namespace.NET)
            .uidMap(IdMap.of(0, 100000, 65536)).gidMap(IdMap.of(0, 100000, 65536)).dropCapability("NET_BIND_SERVICE")
            .build();

    private static final ProcessSpec PS = ContainerSpec.builder().command("ps").build().process();

    private static ChildProgram plan(ContainerSpec exec) {
        ChildFds fds = ChildFds.symbolic(true, false, false, false, false);
        return ExecIntoSteps.compile(exec, fds, Arg.Word.unknown("container_pidfd"), Arg.Word.unknown("container_root"));
    }

    private static int index(List<Step> steps, String syscall) {
        for (int i = 0; i < steps.size(); i++) {
            if (steps.get(i).syscall().equals(syscall)) {
                return i;
            }
        }
        throw new AssertionError("no " + syscall + " step");
    }

    @Test
    void theExecJoinsEveryNamespaceInItsOwnAddressSpaceThenTakesTheRootAndForksBeforeTheHardening() {
        ChildProgram p = plan(ExecIntoSteps.execSpec(MAPPED, PS, Optional.empty(), Set.of()));
        List<Step> steps = p.steps();
        int setns = index(steps, "setns");
        assertEquals("execveat", steps.get(p.setupExecFrom() - 1).syscall(), "the setup executable comes first");
        assertTrue(setns >= p.setupExecFrom(), "setns into a user namespace is refused to a CLONE_VM child");
        String render = steps.get(setns).render();
        for (String flag : List.of("CLONE_NEWUSER", "CLONE_NEWNS", "CLONE_NEWPID", "CLONE_NEWNET")) {
            assertTrue(render.contains(flag), render);
        }
        assertFalse(render.contains("CLONE_NEWUTS"), "only the container's own namespaces: " + render);
        int fork = steps.stream().filter(Step::forksInit).findFirst().map(steps::indexOf).orElseThrow();
        assertTrue(setns < index(steps, "fchdir") && index(steps, "fchdir") < index(steps, "chroot")
                && index(steps, "chroot") < fork, p.render());
        assertTrue(fork < index(steps, "capset") && fork < index(steps, "seccomp"), p.render());
        assertEquals("execve", steps.getLast().syscall());
    }

    @Test
    void anExecNeverGetsACapabilityTheContainerLacksAndMayDropMore() {
        ContainerSpec exec = ExecIntoSteps.execSpec(MAPPED, PS, Optional.empty(),
                Set.of(Capability.parse("CHOWN"), Capability.parse("NET_BIND_SERVICE")));
        Set<Capability> caps = exec.hardening().capabilities();
        assertTrue(MAPPED.hardening().capabilities().containsAll(caps));
        assertFalse(caps.contains(Capability.parse("CHOWN")));
        assertFalse(caps.contains(Capability.parse("NET_BIND_SERVICE")));
        assertEquals(MAPPED.hardening().seccomp(), exec.hardening().seccomp());
        assertEquals(MAPPED.hardening().noNewPrivileges(), exec.hardening().noNewPrivileges());
    }

    @Test
    void anExecUserOutsideTheUserNamespaceIsRefusedNamingTheField() {
        InvalidSpecException e = assertThrows(InvalidSpecException.class, () -> ExecIntoSteps.execSpec(MAPPED, PS,
                Optional.of(new ProcessIdentity(70000, 0, List.of())), Set.of()));
        assertTrue(e.getMessage().contains("70000"), e.getMessage());
    }
}
