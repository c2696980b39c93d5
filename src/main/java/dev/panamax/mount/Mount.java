package dev.panamax.mount;

import dev.panamax.cgroup.DataSize;
import dev.panamax.spec.InvalidSpecException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * One mount in the container, by type. Each record validates itself; the spec checks the list as a whole
 * (two mounts on one target). Targets are absolute paths inside the rootfs, resolved there safely at launch.
 *
 * <pre>{@code
 * ContainerSpec.builder().rootfs(root)
 *     .mount(Mount.bind(Path.of("/srv/data"), "/data").asReadOnly())
 *     .mount(Mount.tmpfs("/tmp").withSize(DataSize.ofMegabytes(64)).withMode(01777))
 *     .mount(Mount.sysfs())
 *     ...
 * }</pre>
 */
public sealed interface Mount {

    /** {@return where the mount appears in the container, normalized (absolute, no {@code //}, no {@code .})} */
    String target();

    /** {@return the per-mount flags: each type's safe defaults, or the options given} */
    Set<MountOption> options();

    /**
     * A bind mount of {@code source} (file or directory) at {@code target}; recursive, private, read-write.
     *
     * @param source a host file or directory
     * @param target where it appears in the container, an absolute path
     * @return the mount
     */
    static Bind bind(Path source, String target) {
        return new Bind(source, target, false, true, Propagation.PRIVATE, Set.of());
    }

    /**
     * An empty tmpfs, mode 0755, owned by root, unlimited size, nosuid and nodev.
     *
     * @param target where it appears in the container, an absolute path
     * @return the mount
     */
    static Tmpfs tmpfs(String target) {
        return new Tmpfs(target, Optional.empty(), 0755, 0, 0, Set.of(MountOption.NOSUID, MountOption.NODEV));
    }

    /** {@return procfs of the container's pid namespace at {@code /proc}} */
    static Proc proc() {
        return new Proc("/proc");
    }

    /** {@return sysfs at {@code /sys}, read-only} */
    static Sysfs sysfs() {
        return new Sysfs("/sys", false);
    }

    /** {@return a new devpts instance at {@code /dev/pts}, with {@code /dev/ptmx -> pts/ptmx}} */
    static Devpts devpts() {
        return new Devpts("/dev/pts");
    }

    /** {@return the POSIX message queue filesystem of the container's ipc namespace at {@code /dev/mqueue}} */
    static Mqueue mqueue() {
        return new Mqueue("/dev/mqueue");
    }

    /** {@return a read-only view of the container's cgroup at {@code /sys/fs/cgroup} (needs a cgroup namespace)} */
    static CgroupView cgroupView() {
        return new CgroupView("/sys/fs/cgroup");
    }

    /**
     * An overlay of {@code lower} (top first) with a writable {@code upper} and its {@code work} dir.
     *
     * @param lower  read-only layers, top first, each an existing host directory
     * @param upper  the writable layer, an existing host directory
     * @param work   overlay's work directory, empty, on the same filesystem as {@code upper}
     * @param target where it appears in the container, an absolute path
     * @return the mount
     */
    static Overlay overlay(List<Path> lower, Path upper, Path work, String target) {
        return new Overlay(lower, upper, work, target, Set.of());
    }

    /**
     * A bind mount. Its source is kept as given; building the spec checks that it exists and resolves it on the
     * host ({@code toRealPath}: a relative path against the JVM's working directory then, a symlink to its
     * target), so the spec holds the real path and the plan shows what is mounted.
     *
     * @param source      host file or directory; must exist when the spec is built
     * @param target      where it appears in the container, an absolute path
     * @param readOnly    the mount (and, if recursive, its submounts) is read-only
     * @param recursive   submounts of the source come along ({@code AT_RECURSIVE})
     * @param propagation propagation of the new mount
     * @param options     extra flags
     */
    record Bind(Path source, String target, boolean readOnly, boolean recursive, Propagation propagation,
                Set<MountOption> options) implements Mount {
        /** Checks the target, the options and that there is a source (the host is looked at when the spec is built). */
        public Bind {
            target = Targets.normalize("mount.target", target);
            if (source == null) {
                throw new InvalidSpecException("mount.source", "bind onto " + target + " has no source");
            }
            if (propagation == null) {
                throw new InvalidSpecException("mount.propagation", "bind onto " + target + " has no propagation");
            }
            options = MountOptions.check(target, options);
        }

        /** This mount with its source checked and resolved on the host: what a built spec holds. */
        Bind onHost() {
            if (!Files.exists(source)) {
                throw new InvalidSpecException("mount.source", "no such file or directory on the host: " + source
                        + " (bind onto " + target + ")");
            }
            try {
                return new Bind(source.toRealPath(), target, readOnly, recursive, propagation, options);
            } catch (java.io.IOException e) {
                throw new InvalidSpecException("mount.source", "cannot resolve " + source + ": " + e.getMessage());
            }
        }

        /** {@return this mount, read-only} */
        public Bind asReadOnly() {
            return new Bind(source, target, true, recursive, propagation, options);
        }

        /** {@return this mount without the source's submounts} */
        public Bind nonRecursive() {
            return new Bind(source, target, readOnly, false, propagation, options);
        }

        /**
         * {@return this mount with propagation {@code p}}
         *
         * @param p the propagation
         */
        public Bind withPropagation(Propagation p) {
            return new Bind(source, target, readOnly, recursive, p, options);
        }

        /**
         * {@return this mount with the options {@code o} instead of its own}
         *
         * @param o the options
         */
        public Bind withOptions(MountOption... o) {
            return new Bind(source, target, readOnly, recursive, propagation, Set.of(o));
        }

        /** {@return whether the source is a directory (a directory target is created, else an empty file)} */
        public boolean isDirectory() {
            return Files.isDirectory(source);
        }
    }

    /**
     * A tmpfs.
     *
     * @param target  where it appears in the container, an absolute path
     * @param size    limit, empty for the kernel's default (half of RAM); must be at least one byte
     * @param mode    permission bits of the root directory, 0 to 07777
     * @param uid     owner of the root directory
     * @param gid     group of the root directory
     * @param options mount flags
     */
    record Tmpfs(String target, Optional<DataSize> size, int mode, int uid, int gid, Set<MountOption> options)
            implements Mount {
        /** Checks the target, size, mode, owner and options. */
        public Tmpfs {
            target = Targets.normalize("mount.target", target);
            Objects.requireNonNull(size, "size");
            if (size.isPresent() && size.get().bytes() == 0) {
                throw new InvalidSpecException("mount.size", "tmpfs on " + target
                        + " must be at least 1 byte (tmpfs reads 0 as unlimited; leave the size out for that)");
            }
            if (mode < 0 || mode > 07777) {
                throw new InvalidSpecException("mount.mode", "tmpfs on " + target + ": mode must be in 0..07777, got 0"
                        + Integer.toOctalString(mode));
            }
            if (uid < 0 || gid < 0) {
                throw new InvalidSpecException("mount.owner", "tmpfs on " + target + ": uid and gid must not be negative");
            }
            options = MountOptions.check(target, options);
        }

        /**
         * {@return this tmpfs limited to {@code s}}
         *
         * @param s the size limit, at least one byte
         */
        public Tmpfs withSize(DataSize s) {
            return new Tmpfs(target, Optional.of(Objects.requireNonNull(s, "size")), mode, uid, gid, options);
        }

        /**
         * {@return this tmpfs limited to {@code bytes}} See {@link #withSize(DataSize)}.
         *
         * @param bytes the size limit in bytes, at least one
         * @throws InvalidSpecException if {@code bytes} is negative
         */
        public Tmpfs withSizeBytes(long bytes) {
            if (bytes < 0) {
                throw new InvalidSpecException("mount.size", "tmpfs on " + target + ": must not be negative, got " + bytes);
            }
            return withSize(DataSize.ofBytes(bytes));
        }

        /**
         * {@return this tmpfs with root directory mode {@code m}}
         *
         * @param m permission bits, 0 to 07777
         */
        public Tmpfs withMode(int m) {
            return new Tmpfs(target, size, m, uid, gid, options);
        }

        /**
         * {@return this tmpfs with its root directory owned by {@code u:g}}
         *
         * @param u the owner's uid in the container
         * @param g the group's gid in the container
         */
        public Tmpfs withOwner(int u, int g) {
            return new Tmpfs(target, size, mode, u, g, options);
        }

        /**
         * {@return this tmpfs with the options {@code o} instead of its own}
         *
         * @param o the options
         */
        public Tmpfs withOptions(MountOption... o) {
            return new Tmpfs(target, size, mode, uid, gid, Set.of(o));
        }
    }

    /**
     * procfs, always nosuid, nodev, noexec.
     *
     * @param target where it appears in the container, an absolute path
     */
    record Proc(String target) implements Mount {
        /** Normalizes the target. */
        public Proc {
            target = Targets.normalize("mount.target", target);
        }

        @Override
        public Set<MountOption> options() {
            return EnumSet.of(MountOption.NOSUID, MountOption.NODEV, MountOption.NOEXEC);
        }
    }

    /**
     * sysfs, nosuid, nodev, noexec, and read-only unless {@code writable}.
     *
     * @param target   where it appears in the container, an absolute path
     * @param writable whether it is mounted read-write
     */
    record Sysfs(String target, boolean writable) implements Mount {
        /** Normalizes the target. */
        public Sysfs {
            target = Targets.normalize("mount.target", target);
        }

        @Override
        public Set<MountOption> options() {
            Set<MountOption> o = EnumSet.of(MountOption.NOSUID, MountOption.NODEV, MountOption.NOEXEC);
            if (!writable) {
                o.add(MountOption.RDONLY);
            }
            return o;
        }
    }

    /**
     * devpts ({@code newinstance,ptmxmode=0666,mode=0620}), nosuid, noexec, plus {@code ptmx -> pts/ptmx} beside it.
     *
     * @param target where it appears in the container, an absolute path
     */
    record Devpts(String target) implements Mount {
        /** Normalizes the target. */
        public Devpts {
            target = Targets.normalize("mount.target", target);
        }

        @Override
        public Set<MountOption> options() {
            return EnumSet.of(MountOption.NOSUID, MountOption.NOEXEC);
        }
    }

    /**
     * mqueue, nosuid, nodev, noexec.
     *
     * @param target where it appears in the container, an absolute path
     */
    record Mqueue(String target) implements Mount {
        /** Normalizes the target. */
        public Mqueue {
            target = Targets.normalize("mount.target", target);
        }

        @Override
        public Set<MountOption> options() {
            return EnumSet.of(MountOption.NOSUID, MountOption.NODEV, MountOption.NOEXEC);
        }
    }

    /**
     * The container's cgroup, read-only: a cgroup2 mount made inside the container's cgroup namespace, so
     * its root is the container's own cgroup. On a hybrid host this is the unified hierarchy only (the v1
     * controllers are not shown).
     *
     * @param target where it appears in the container, an absolute path
     */
    record CgroupView(String target) implements Mount {
        /** Normalizes the target. */
        public CgroupView {
            target = Targets.normalize("mount.target", target);
        }

        @Override
        public Set<MountOption> options() {
            return EnumSet.of(MountOption.RDONLY, MountOption.NOSUID, MountOption.NODEV, MountOption.NOEXEC);
        }
    }

    /**
     * An overlay filesystem. Its host directories are kept as given; building the spec checks them and makes
     * them absolute (a relative path against the JVM's working directory then).
     *
     * @param lower read-only layers, top first, each an existing host directory when the spec is built
     * @param upper the writable layer, an existing host directory when the spec is built
     * @param work  overlay's work directory, empty, on the same filesystem as {@code upper}
     * @param target where it appears in the container, an absolute path
     * @param options mount flags
     */
    record Overlay(List<Path> lower, Path upper, Path work, String target, Set<MountOption> options)
            implements Mount {
        /** Checks the target, that there are layers and the options (the host is looked at when the spec is built). */
        public Overlay {
            target = Targets.normalize("mount.target", target);
            lower = List.copyOf(Objects.requireNonNull(lower, "lower"));
            if (lower.isEmpty()) {
                throw new InvalidSpecException("mount.lower", "overlay on " + target + " needs at least one lower dir");
            }
            if (upper == null || work == null) {
                throw new InvalidSpecException(upper == null ? "mount.upper" : "mount.work", "overlay on " + target
                        + " needs both an upper and a work directory");
            }
            options = MountOptions.check(target, options);
        }

        /** This mount with its directories checked on the host and made absolute: what a built spec holds. */
        Overlay onHost() {
            return new Overlay(lower.stream().map(p -> hostDir("mount.lower", target, p)).toList(),
                    hostDir("mount.upper", target, upper), hostDir("mount.work", target, work), target, options);
        }

        private static Path hostDir(String field, String target, Path p) {
            if (!Files.isDirectory(p)) {
                throw new InvalidSpecException(field, "overlay on " + target + ": not a directory on the host: " + p);
            }
            Path absolute = p.toAbsolutePath();
            String s = absolute.toString();
            if (s.contains(":") || s.contains(",") || s.indexOf('\0') >= 0) {
                throw new InvalidSpecException(field, "overlay on " + target + ": ':' and ',' cannot appear in " + s);
            }
            return absolute;
        }
    }
}
