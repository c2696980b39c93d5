package dev.panamax.oci;

import dev.panamax.ContainerSpec;
import dev.panamax.cgroup.DataSize;
import dev.panamax.mount.Mount;
import dev.panamax.mount.MountOption;
import dev.panamax.mount.Propagation;
import dev.panamax.spec.InvalidSpecException;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code root} and {@code mounts} onto the builder. The OCI's standard {@code /dev} tmpfs becomes Panamax's
 * minimal /dev (the nodes the runtime-spec requires, with {@code /dev/pts} and {@code /dev/shm}); a proc mount
 * on {@code /proc} becomes the spec's own /proc. See {@link OciConfig} for what is not supported.
 */
final class MountMapping {
    private static final Set<String> FIELDS = Set.of("destination", "type", "source", "options", "uidMappings",
            "gidMappings");
    /** Flags that only change access times: they cannot weaken isolation, so types that fix them ignore them. */
    private static final Set<String> ATIME = Set.of("relatime", "norelatime", "strictatime", "nostrictatime",
            "noatime", "atime", "nodiratime", "diratime");
    /**
     * Propagation flags a new filesystem (not a bind) may carry, as podman writes them: Panamax's mounts are
     * private, and private is stricter than slave, so these are ignored (shared ones are refused).
     */
    private static final Set<String> NOT_SHARED = Set.of("private", "rprivate", "slave", "rslave");

    private MountMapping() {
    }

    /** The options of one mount: flags in order, and key=value data. */
    private record Options(Set<String> flags, Map<String, String> data) {
        static Options parse(List<String> options) {
            Set<String> flags = new java.util.LinkedHashSet<>();
            Map<String, String> data = new LinkedHashMap<>();
            for (String o : options) {
                int eq = o.indexOf('=');
                if (eq > 0) {
                    data.put(o.substring(0, eq), o.substring(eq + 1));
                } else if (!o.equals("defaults")) {
                    flags.add(o);
                }
            }
            return new Options(flags, data);
        }

        boolean bind() {
            return flags.contains("bind") || flags.contains("rbind");
        }
    }

    static void root(OciNode root, Path bundle, ContainerSpec.Builder b) {
        if (root == null) {
            throw new OciConfigException("root", "missing");
        }
        root.known(Set.of("path", "readonly"));
        String path = root.requiredString("path");
        if (path.isEmpty()) {
            throw new OciConfigException(root.at("path"), "empty");
        }
        b.rootfs(bundle.resolve(path).normalize());
        b.readOnlyRoot(root.bool("readonly", false));
    }

    /** Maps every mount; returns whether one of them is a cgroup view (it needs a cgroup namespace). */
    static boolean mounts(OciNode config, Path bundle, ContainerSpec.Builder b) {
        boolean cgroup = false;
        for (OciNode m : config.objects("mounts")) {
            try {
                cgroup |= mount(m, bundle, b);
            } catch (InvalidSpecException e) {
                throw new OciConfigException(m.path(), e.getMessage(), e);
            }
        }
        b.mountProc(procAtProc(config));
        return cgroup;
    }

    /** Whether a proc mount is on /proc: the spec's own /proc. */
    private static boolean procAtProc(OciNode config) {
        return config.objects("mounts").stream().anyMatch(m -> "proc".equals(m.string("type"))
                && !Options.parse(m.strings("options")).bind()
                && Path.of(m.requiredString("destination")).normalize().toString().equals("/proc"));
    }

    /** Maps one mount; returns whether it is a cgroup view. */
    private static boolean mount(OciNode m, Path bundle, ContainerSpec.Builder b) {
        m.known(FIELDS);
        for (String field : List.of("uidMappings", "gidMappings")) {
            if (m.has(field)) {
                throw new OciConfigException(m.at(field), "not supported (idmapped mounts)");
            }
        }
        String dest = m.requiredString("destination");
        if (!dest.startsWith("/")) {
            throw new OciConfigException(m.at("destination"), "must be an absolute path, got \"" + dest + "\"");
        }
        String target = Path.of(dest).normalize().toString();
        Options o = Options.parse(m.strings("options"));
        String type = m.string("type");
        if (o.bind() || type == null || type.equals("bind")) {
            b.mount(bind(m, o, bundle, target));
            return false;
        }
        switch (type) {
            case "proc" -> {
                fixed(m, o, Set.of("nosuid", "nodev", "noexec"), Map.of());
                if (!target.equals("/proc")) {
                    b.mount(new Mount.Proc(target));
                }
            }
            case "sysfs" -> {
                fixed(m, o, Set.of("nosuid", "nodev", "noexec", "ro", "rw"), Map.of());
                b.mount(new Mount.Sysfs(target, !o.flags().contains("ro")));
            }
            case "devpts" -> {
                fixed(m, o, Set.of("nosuid", "noexec", "newinstance"),
                        Map.of("ptmxmode", Set.of("0666", "666"), "mode", Set.of("0620", "620"), "gid", Set.of("5")));
                b.mount(new Mount.Devpts(target));
            }
            case "mqueue" -> {
                fixed(m, o, Set.of("nosuid", "nodev", "noexec"), Map.of());
                b.mount(new Mount.Mqueue(target));
            }
            case "cgroup", "cgroup2" -> {
                fixed(m, o, Set.of("nosuid", "nodev", "noexec", "ro", "rw"), Map.of());
                b.mount(new Mount.CgroupView(target));
                return true;
            }
            case "tmpfs" -> {
                if (target.equals("/dev")) {
                    fixed(m, o, Set.of("nosuid", "noexec"), Map.of("mode", Set.of("755", "0755"), "size",
                            Set.of("65536k")));
                    b.minimalDev(true);
                } else {
                    b.mount(tmpfs(m, o, target));
                }
            }
            default -> throw new OciConfigException(m.at("type"), "mount type \"" + type + "\" not supported"
                    + " (bind, tmpfs, proc, sysfs, devpts, mqueue, cgroup, cgroup2)");
        }
        return false;
    }

    /**
     * A type whose flags Panamax fixes: the flags it sets anyway (or, for {@code rw} and {@code ro}, chooses from)
     * and access-time flags are accepted; data options only with the values Panamax uses.
     */
    private static void fixed(OciNode m, Options o, Set<String> flags, Map<String, Set<String>> data) {
        for (String f : o.flags()) {
            if (!flags.contains(f) && !ATIME.contains(f) && !NOT_SHARED.contains(f)) {
                throw new OciConfigException(m.at("options"), "\"" + f + "\" not supported for a "
                        + m.string("type") + " mount (Panamax mounts it " + flags.stream().filter(x -> !x.equals("rw"))
                        .sorted().toList() + ")");
            }
        }
        o.data().forEach((k, v) -> {
            if (!data.getOrDefault(k, Set.of()).contains(v)) {
                throw new OciConfigException(m.at("options"), "\"" + k + "=" + v + "\" not supported for a "
                        + m.string("type") + " mount on " + m.string("destination"));
            }
        });
    }

    private static Mount.Bind bind(OciNode m, Options o, Path bundle, String target) {
        String source = m.requiredString("source");
        boolean readOnly = false;
        Propagation propagation = Propagation.PRIVATE;
        Set<MountOption> flags = EnumSet.noneOf(MountOption.class);
        for (String f : o.flags()) {
            switch (f) {
                case "bind", "rbind", "rw", "suid", "dev", "exec", "symfollow", "atime", "norelatime",
                     "nostrictatime", "diratime" -> { }
                case "ro" -> readOnly = true;
                case "private", "rprivate" -> propagation = Propagation.PRIVATE;
                case "slave", "rslave" -> propagation = Propagation.SLAVE;
                case "shared", "rshared" -> propagation = Propagation.SHARED;
                default -> flags.add(flag(m, f));
            }
        }
        if (!o.data().isEmpty()) {
            throw new OciConfigException(m.at("options"), "\"" + o.data().keySet().iterator().next()
                    + "=...\" not supported for a bind mount");
        }
        Mount.Bind bind = new Mount.Bind(bundle.resolve(source).normalize(), target, readOnly,
                o.flags().contains("rbind"), propagation, Set.of());
        return bind.withOptions(flags.toArray(MountOption[]::new));
    }

    private static Mount.Tmpfs tmpfs(OciNode m, Options o, String target) {
        Set<MountOption> flags = EnumSet.noneOf(MountOption.class);
        for (String f : o.flags()) {
            switch (f) {
                case "rw", "suid", "dev", "exec", "symfollow", "atime", "norelatime", "nostrictatime", "diratime" -> { }
                case "ro" -> flags.add(MountOption.RDONLY);
                case "private", "rprivate", "slave", "rslave" -> { } // a new tmpfs is private: see NOT_SHARED
                default -> flags.add(flag(m, f));
            }
        }
        Mount.Tmpfs t = new Mount.Tmpfs(target, java.util.Optional.empty(), 01777, 0, 0, Set.of())
                .withOptions(flags.toArray(MountOption[]::new));
        for (Map.Entry<String, String> e : o.data().entrySet()) {
            String v = e.getValue();
            try {
                t = switch (e.getKey()) {
                    case "size" -> t.withSize(DataSize.parse(v));
                    case "mode" -> t.withMode(Integer.parseInt(v, 8));
                    case "uid" -> t.withOwner(Integer.parseInt(v), t.gid());
                    case "gid" -> t.withOwner(t.uid(), Integer.parseInt(v));
                    default -> throw new OciConfigException(m.at("options"), "\"" + e.getKey() + "=" + v
                            + "\" not supported for a tmpfs (size, mode, uid, gid)");
                };
            } catch (NumberFormatException | InvalidSpecException ex) {
                throw new OciConfigException(m.at("options"), "\"" + e.getKey() + "=" + v + "\": "
                        + ex.getMessage(), ex);
            }
        }
        return t;
    }

    /** A per-mount flag Panamax can set, or an error naming it. */
    private static MountOption flag(OciNode m, String f) {
        return switch (f) {
            case "nosuid" -> MountOption.NOSUID;
            case "nodev" -> MountOption.NODEV;
            case "noexec" -> MountOption.NOEXEC;
            case "relatime" -> MountOption.RELATIME;
            case "noatime" -> MountOption.NOATIME;
            case "strictatime" -> MountOption.STRICTATIME;
            case "nodiratime" -> MountOption.NODIRATIME;
            case "nosymfollow" -> MountOption.NOSYMFOLLOW;
            default -> throw new OciConfigException(m.at("options"), "\"" + f + "\" not supported");
        };
    }
}
