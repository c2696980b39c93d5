package dev.panamax.program;

import dev.panamax.sys.internal.Flags;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The AppArmor profile of the process, as runc's {@code libcontainer/apparmor} sets it: {@code exec PROFILE}
 * written to the calling thread's exec attribute, so the profile applies from the next execve. The per-LSM
 * file {@code /proc/thread-self/attr/apparmor/exec} (Linux 5.8) is used where this kernel has it, else the
 * older {@code /proc/thread-self/attr/exec}; the choice is made when the program is compiled (the same kernel
 * runs it), and the plan shows it. /proc is the container's by then. Like runc, nothing checks first whether
 * AppArmor is enabled: on a host without it the write fails (EINVAL) and so does the launch, never running
 * the process unconfined against the spec.
 */
final class AppArmorSteps {
    private AppArmorSteps() {
    }

    /** Whether this kernel has the per-LSM attribute directory. */
    private static final boolean PER_LSM = Files.isDirectory(Path.of("/proc/self/attr/apparmor"));

    static void emit(Emit e) {
        e.spec().hardening().appArmorProfile().ifPresent(name -> {
            String path = PER_LSM ? "/proc/thread-self/attr/apparmor/exec" : "/proc/thread-self/attr/exec";
            e.add(Step.of("open " + path + " for the AppArmor profile " + name, "openat", MountArgs.FDCWD,
                    new Arg.CString(path), Arg.flags(Flags.O_WRONLY, Flags.O_CLOEXEC)).savingAs("apparmor_fd"));
            String value = "exec " + name;
            int length = value.getBytes(StandardCharsets.UTF_8).length;
            e.add(Step.of("apply the AppArmor profile " + name + " at execve", "write", new Arg.Result("apparmor_fd"),
                    new Arg.CString(value), new Arg.Word(length)).expecting(length)
                    .hinting(Hints.appArmorProfile(name)));
            e.add(Step.of("close " + path, "close", new Arg.Result("apparmor_fd")));
        });
    }
}
