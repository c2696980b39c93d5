package dev.panamax.program;

import dev.panamax.mount.MountOption;
import dev.panamax.sys.Namespace;
import dev.panamax.sys.internal.Flag;
import dev.panamax.sys.internal.Flags;

import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.panamax.program.MountArgs.fd;

/**
 * The minimal /dev: a tmpfs with the six harmless character devices, the standard links, a tmpfs
 * {@code /dev/shm} and a private devpts. As root the nodes are made with {@code mknodat}; in a user namespace
 * (where mknod is refused) the host's nodes are bind-mounted onto empty files instead. Everything below the
 * new tmpfs is created relative to its mount descriptor, which no rootfs symlink can redirect.
 */
final class DevSteps {
    private DevSteps() {
    }

    /** name, major, minor. */
    private record Node(String name, int major, int minor) {
    }

    static final List<Node> NODES = List.of(new Node("null", 1, 3), new Node("zero", 1, 5), new Node("full", 1, 7),
            new Node("random", 1, 8), new Node("urandom", 1, 9), new Node("tty", 5, 0));

    static void emit(Emit e) {
        SafePath.Resolved at = SafePath.resolve(e, "/dev", true);
        Map<String, String> config = new LinkedHashMap<>();
        config.put("mode", "755");
        config.put("size", "65536k");
        // noexec as podman mounts it: /dev holds nodes and links only, nothing to run
        String dev = FsSteps.create(e, "tmpfs", config, EnumSet.of(MountOption.NOSUID, MountOption.NOEXEC), "/dev");
        FsSteps.attach(e, dev, at.target(), "mount tmpfs on /dev");
        boolean userns = e.spec().has(Namespace.USER);
        for (Node n : NODES) {
            if (userns) {
                bindNode(e, dev, n.name());
            } else {
                e.add(Step.of("make /dev/" + n.name(), "mknodat", fd(dev), new Arg.CString(n.name()),
                        Arg.flags(Flags.S_IFCHR, Flag.octal(0666)),
                        Arg.makedev(n.major(), n.minor())));
            }
        }
        link(e, dev, "/proc/self/fd", "fd");
        link(e, dev, "/proc/self/fd/0", "stdin");
        link(e, dev, "/proc/self/fd/1", "stdout");
        link(e, dev, "/proc/self/fd/2", "stderr");
        var fs = e.spec().filesystem();
        if (!fs.mounts().stream().anyMatch(m -> m.target().equals("/dev/shm"))) {
            mkdir(e, dev, "shm", 01777);
            Map<String, String> shm = new LinkedHashMap<>();
            shm.put("mode", "1777");
            shm.put("size", "65536k");
            String mnt = FsSteps.create(e, "tmpfs", shm, EnumSet.of(MountOption.NOSUID, MountOption.NODEV,
                    MountOption.NOEXEC), "/dev/shm");
            FsSteps.attachBelow(e, mnt, dev, "shm", "mount tmpfs on /dev/shm");
        }
        if (!fs.mounts().stream().anyMatch(m -> m.target().equals("/dev/pts"))) {
            mkdir(e, dev, "pts", 0755);
            String pts = FsSteps.create(e, "devpts", MountSteps.devptsConfig(),
                    EnumSet.of(MountOption.NOSUID, MountOption.NOEXEC), "/dev/pts");
            FsSteps.attachBelow(e, pts, dev, "pts", "mount devpts on /dev/pts");
            link(e, dev, "pts/ptmx", "ptmx");
        }
    }

    private static void bindNode(Emit e, String dev, String name) {
        e.add(Step.of("create /dev/" + name + " to bind the host's node onto", "mknodat", fd(dev),
                new Arg.CString(name), Arg.flags(Flags.S_IFREG, Flag.octal(0666)),
                new Arg.Word(0)));
        String tree = FsSteps.cloneHost(e, "/dev/" + name, false, "/dev/" + name);
        FsSteps.attachBelow(e, tree, dev, name, "bind the host's /dev/" + name);
    }

    private static void link(Emit e, String dev, String to, String name) {
        e.add(Step.of("link /dev/" + name + " -> " + to, "symlinkat", new Arg.CString(to), fd(dev),
                new Arg.CString(name)));
    }

    private static void mkdir(Emit e, String dev, String name, int mode) {
        e.add(Step.of("create /dev/" + name, "mkdirat", fd(dev), new Arg.CString(name), Arg.octal(mode)));
    }
}
