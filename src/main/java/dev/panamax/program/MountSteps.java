package dev.panamax.program;

import dev.panamax.ContainerSpec;
import dev.panamax.mount.Filesystem;
import dev.panamax.mount.Mount;
import dev.panamax.mount.MountOption;
import dev.panamax.mount.Propagation;
import dev.panamax.sys.Namespace;
import dev.panamax.sys.internal.Flags;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static dev.panamax.program.MountArgs.fd;

/**
 * Every mount of the container, made below the rootfs before pivot_root: /proc, the minimal /dev, the spec's
 * mounts in order, masked and read-only paths, and last the read-only root. Targets are resolved by
 * {@link SafePath}; mounts are made by {@link FsSteps}. The umask is 0 meanwhile so that modes are exact.
 */
final class MountSteps {
    private MountSteps() {
    }

    /** The container's /proc, when the spec mounts one (immutable: made once). */
    static final Mount PROC = Mount.proc();

    static void emit(Emit e) {
        ContainerSpec spec = e.spec();
        Filesystem fs = spec.filesystem();
        if (!spec.has(Namespace.MOUNT) || !(spec.mountProc() || fs.minimalDev() || !fs.mounts().isEmpty()
                || !fs.maskedPaths().isEmpty() || !fs.readOnlyPaths().isEmpty() || fs.readOnlyRoot())) {
            return;
        }
        String root = spec.rootfs().map(Path::toString).orElse("/");
        e.add(Step.of("open the rootfs; every mount target is resolved below it", "openat", MountArgs.FDCWD,
                new Arg.CString(root), Arg.flags(Flags.O_PATH, Flags.O_DIRECTORY, Flags.O_CLOEXEC)).savingAs(MountArgs.ROOT));
        e.add(Step.of("clear the umask while creating mount points and nodes", "umask", new Arg.Word(0))
                .savingAs("umask"));
        if (spec.mountProc()) {
            one(e, PROC);
        }
        if (fs.minimalDev()) {
            DevSteps.emit(e);
        }
        fs.mounts().forEach(m -> one(e, m));
        SysctlSteps.emit(e); // after /proc is mounted, before the masks make /proc/sys read-only
        MaskSteps.emit(e);
        if (fs.readOnlyRoot()) {
            FsSteps.setAttrs(e, MountArgs.ROOT, EnumSet.of(MountOption.RDONLY), false,
                    "make the root mount read-only (submounts keep their own flags)");
        }
        e.add(Step.of("restore the umask", "umask", fd("umask")));
    }

    /** One mount of the spec: resolve the target, make the mount, attach it. */
    static void one(Emit e, Mount m) {
        String t = m.target();
        switch (m) {
            case Mount.Bind b -> bind(e, b);
            case Mount.Tmpfs tmp -> {
                Map<String, String> config = new LinkedHashMap<>();
                tmp.size().ifPresent(s -> config.put("size", Long.toString(s.bytes())));
                config.put("mode", Integer.toOctalString(tmp.mode()));
                config.put("uid", Integer.toString(tmp.uid()));
                config.put("gid", Integer.toString(tmp.gid()));
                newFs(e, "tmpfs", config, m);
            }
            case Mount.Proc p -> newFs(e, "proc", Map.of(), m);
            case Mount.Sysfs s -> newFs(e, "sysfs", Map.of(), m);
            case Mount.Mqueue q -> newFs(e, "mqueue", Map.of(), m);
            case Mount.CgroupView c -> newFs(e, "cgroup2", Map.of(), m);
            case Mount.Devpts d -> {
                SafePath.Resolved r = newFs(e, "devpts", devptsConfig(), m);
                e.add(Step.of("link ptmx beside " + t + " to its ptmx", "symlinkat", new Arg.CString(r.name() + "/ptmx"),
                        fd(r.parent()), new Arg.CString("ptmx")).tolerating(MountArgs.errno("EEXIST")));
            }
            case Mount.Overlay o -> {
                Map<String, String> config = new LinkedHashMap<>();
                config.put("lowerdir", o.lower().stream().map(p -> p.toAbsolutePath().toString())
                        .collect(Collectors.joining(":")));
                config.put("upperdir", o.upper().toAbsolutePath().toString());
                config.put("workdir", o.work().toAbsolutePath().toString());
                newFs(e, "overlay", config, m);
            }
        }
    }

    /** devpts options as runc sets them; {@code newinstance} is implied since Linux 4.7 but harmless. */
    static Map<String, String> devptsConfig() {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("newinstance", null);
        config.put("ptmxmode", "0666");
        config.put("mode", "0620");
        return config;
    }

    private static SafePath.Resolved newFs(Emit e, String type, Map<String, String> config, Mount m) {
        SafePath.Resolved r = SafePath.resolve(e, m.target(), true);
        String mnt = FsSteps.create(e, type, config, m.options(), m.target());
        FsSteps.attach(e, mnt, r.target(), "mount " + type + " on " + m.target());
        return r;
    }

    private static void bind(Emit e, Mount.Bind b) {
        String t = b.target();
        SafePath.Resolved r = SafePath.resolve(e, t, b.isDirectory());
        String tree = FsSteps.cloneHost(e, b.source().toString(), b.recursive(), t);
        Set<MountOption> attrs = EnumSet.noneOf(MountOption.class);
        attrs.addAll(b.options());
        if (b.readOnly()) {
            attrs.add(MountOption.RDONLY);
        }
        if (!attrs.isEmpty()) {
            FsSteps.setAttrs(e, tree, attrs, b.recursive(), "set " + attrs + " on the bind for " + t);
        }
        FsSteps.attach(e, tree, r.target(), "bind " + b.source() + " onto " + t);
        if (b.propagation() != Propagation.PRIVATE) {
            FsSteps.setPropagation(e, tree, b.propagation(), b.recursive(), "make the bind on " + t + " "
                    + b.propagation().name().toLowerCase(java.util.Locale.ROOT));
        }
    }
}
