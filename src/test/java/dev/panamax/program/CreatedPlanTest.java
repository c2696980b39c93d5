package dev.panamax.program;

import dev.panamax.Capability;
import dev.panamax.ContainerSpec;
import dev.panamax.trampoline.Arch;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The program of a created container, as data: it leaves the JVM's memory first and waits before hardening. */
class CreatedPlanTest {
    private static final Host ROOT = new Host(0, 0, Capability.LAST.number());

    private static List<Step> created(ContainerSpec spec) {
        ChildFds fds = new ChildFds(null, Arg.Word.unknown("sync_r"), Arg.Word.unknown("sync_w"),
                Arg.Word.unknown("err_w"), Arg.Word.unknown("setup_exe"), null, null, null, null, List.of(), List.of(),
                Arg.Word.unknown("start_fifo"));
        return SpecCompiler.compile(spec, fds, ROOT, Arch.X86_64).steps();
    }

    private static int index(List<Step> steps, String what) {
        for (int i = 0; i < steps.size(); i++) {
            if (steps.get(i).what().startsWith(what)) {
                return i;
            }
        }
        throw new AssertionError("no step \"" + what + "\" in\n" + steps);
    }

    @Test
    void aCreatedContainerWaitsInTheSetupExecutableAfterItsSetupAndBeforeItsHardening() {
        List<Step> steps = created(ContainerSpec.builder().command("true").build());
        int setupExec = index(steps, "leave the JVM's address space");
        int keep = index(steps, "keep start_fifo across the setup executable's exec");
        int chdir = index(steps, "enter the working directory");
        int closeErrors = index(steps, "close the error pipe: the container is created");
        int wait = index(steps, "wait for a starter's byte on the start FIFO");
        int seccomp = steps.size() - 1;
        for (int i = 0; i < steps.size(); i++) {
            if (steps.get(i).syscall().equals("seccomp")) {
                seccomp = i;
                break;
            }
        }
        assertTrue(keep < setupExec && setupExec < chdir && chdir < closeErrors && closeErrors + 1 == wait
                && wait < seccomp, "order: keep, setup exec, chdir, close errors, wait, seccomp; got " + List.of(
                keep, setupExec, chdir, closeErrors, wait, seccomp));
        assertEquals("read", steps.get(wait).syscall());
        assertEquals("execve", steps.getLast().syscall());
    }

    @Test
    void aLaunchOfTheSameSpecNeitherWaitsNorExecsTheSetupExecutable() {
        List<Step> steps = SpecCompiler.plan(ContainerSpec.builder().command("true").build(), ROOT, Arch.X86_64).steps();
        assertTrue(steps.stream().noneMatch(s -> s.syscall().equals("execveat") || s.what().contains("start FIFO")));
    }
}
