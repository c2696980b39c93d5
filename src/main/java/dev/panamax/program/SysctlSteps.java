package dev.panamax.program;

import dev.panamax.sys.internal.Flag;
import dev.panamax.sys.internal.Flags;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import static dev.panamax.program.MountArgs.fd;
import static dev.panamax.program.MountArgs.openHow;

/**
 * The spec's sysctls, written below the container's /proc once every mount of the spec is made and before the
 * masked and read-only paths turn /proc/sys read-only. The child is in the container's namespaces already, and
 * a namespaced sysctl file acts on the opener's namespace. /proc is found inside the rootfs like a mask
 * ({@link SafePath#find}); each file is opened beneath it with no symlink, no magic link and no other mount
 * crossed ({@code RESOLVE_NO_XDEV}: a mount over a part of /proc/sys fails the open with EXDEV, never
 * redirects the write). Each step names the key, so a failure shows it with the errno.
 */
final class SysctlSteps {
    private SysctlSteps() {
    }

    private static final Flag RESOLVE_NO_XDEV = new Flag("RESOLVE_NO_XDEV",
            0x01); // linux/openat2.h
    private static final Flag BENEATH_ONLY_PROC = Flag.or(Flags.RESOLVE_BENEATH, Flags.RESOLVE_NO_SYMLINKS,
            Flags.RESOLVE_NO_MAGICLINKS, RESOLVE_NO_XDEV);
    private static final Flag WRITE = Flag.or(Flags.O_WRONLY, Flags.O_CLOEXEC);

    static void emit(Emit e) {
        Map<String, String> sysctls = e.spec().sysctls();
        if (sysctls.isEmpty()) {
            return;
        }
        String proc = MountArgs.label(e, "proc");
        e.add(SafePath.findStep("/proc", true, "find the container's /proc to write sysctls", proc));
        for (Map.Entry<String, String> s : sysctls.entrySet()) {
            String key = s.getKey();
            String file = "sys/" + dev.panamax.ContainerSpec.sysctlPath(key);
            String at = MountArgs.label(e, "sysctl");
            e.add(Step.of("open /proc/" + file + " for sysctl " + key, "openat2", fd(proc),
                    new Arg.CString(file), openHow(WRITE, BENEATH_ONLY_PROC), MountArgs.OPEN_HOW_SIZE)
                    .savingAs(at).hinting(Hints.noSuchSysctl(key)));
            int length = s.getValue().getBytes(StandardCharsets.UTF_8).length;
            e.add(Step.of("write sysctl " + key, "write", new Arg.Result(at), new Arg.CString(s.getValue()),
                    new Arg.Word(length)).expecting(length).hinting(Hints.sysctlValue(key)));
            e.add(Step.of("close the file of sysctl " + key, "close", new Arg.Result(at)));
        }
        e.add(Step.of("close the container's /proc", "close", new Arg.Result(proc)));
    }
}
