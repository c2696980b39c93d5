package dev.panamax.program;

import dev.panamax.ContainerSpec;
import dev.panamax.sys.Namespace;
import dev.panamax.sys.internal.Flag;
import dev.panamax.sys.internal.Flags;

import static dev.panamax.program.Emit.NULL;

/**
 * The mount namespace and the root: every mount private, the rootfs bound onto itself (over an ephemeral
 * overlay if asked), then
 * ({@link MountSteps} in between) {@code pivot_root(".", ".")} and a lazy unmount of the old root, which leaves
 * no path to the host.
 */
final class RootfsSteps {
    private RootfsSteps() {
    }

    /** Before the root is entered: private propagation, the ephemeral overlay, the rootfs bind. */
    static void prepare(Emit e) {
        ContainerSpec spec = e.spec();
        if (!spec.has(Namespace.MOUNT)) {
            return;
        }
        OverlaySteps.enterLayersDir(e); // an ephemeral root's child makes its mount namespace here
        e.add(Step.of("make every mount private, so nothing propagates to the host", "mount",
                NULL, new Arg.CString("/"), NULL, Arg.flags(Flags.MS_REC, Flags.MS_PRIVATE), NULL).hinting(Hints.lockedMount(e)));
        if (spec.rootfs().isEmpty()) {
            return;
        }
        OverlaySteps.emit(e);
        String root = spec.rootfs().get().toString();
        e.add(Step.of("bind the rootfs onto itself (pivot_root needs a mount point)", "mount",
                new Arg.CString(root), new Arg.CString(root), NULL,
                Arg.flags(Flags.MS_BIND, Flags.MS_REC), NULL).hinting(Hints.lockedMount(e)));
        if (spec.filesystem().minimalDev() && !spec.hasDeviceCgroup()) {
            // no device cgroup polices the nodes a rootfs may already hold outside /dev: none of them opens
            e.add(Step.of("no device node of the rootfs opens (no device cgroup; /dev is the minimal one)",
                    "mount_setattr", MountArgs.FDCWD, new Arg.CString(root),
                    Arg.flags(Flags.AT_RECURSIVE), MountArgs.mountAttr(Flags.MOUNT_ATTR_NODEV, Flag.NONE, Flag.NONE),
                    MountArgs.MOUNT_ATTR_SIZE));
        }
    }

    /** Enter the rootfs. */
    static void enter(Emit e) {
        ContainerSpec spec = e.spec();
        if (!spec.has(Namespace.MOUNT) || spec.rootfs().isEmpty()) {
            return;
        }
        e.add(Step.of("enter the rootfs", "chdir", new Arg.CString(spec.rootfs().get().toString())));
        if (spec.rootEntry() == ContainerSpec.RootEntry.CHROOT) {
            e.add(Step.of("chroot into the rootfs (asked for instead of pivot_root)", "chroot", new Arg.CString(".")));
        } else {
            e.add(Step.of("pivot_root into the rootfs", "pivot_root", new Arg.CString("."), new Arg.CString(".")));
            e.add(Step.of("detach the old root", "umount2", new Arg.CString("."), Arg.flags(Flags.MNT_DETACH)));
        }
        e.add(Step.of("go to the new root", "chdir", new Arg.CString("/")));
    }
}
