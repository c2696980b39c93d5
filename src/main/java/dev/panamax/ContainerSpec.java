package dev.panamax;

import dev.panamax.cgroup.Resources;
import dev.panamax.mount.Filesystem;
import dev.panamax.mount.Mount;
import dev.panamax.spec.InvalidSpecException;
import dev.panamax.sys.Namespace;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What a container is: immutable, and valid however it is made: the constructor checks every rule (so does
 * that of each part: {@link ProcessSpec}, {@link Hardening}, {@link Filesystem}, {@link UserNamespaceSpec});
 * {@link Builder} only fills in the defaults. {@link #toBuilder()} derives a spec from another.
 *
 * <pre>{@code
 * ContainerSpec spec = ContainerSpec.builder()
 *     .rootfs(Path.of("/srv/rootfs"))      // entered with pivot_root
 *     .hostname("box")
 *     .command("sh", "-c", "hostname; ps")
 *     .stdout(Stdio.pipe())
 *     .build();
 * try (Container c = Launcher.launch(spec)) {
 *     System.out.println(new String(c.stdout().readAllBytes()));
 *     c.waitFor();
 * }
 * }</pre>
 *
 * @param namespaces the namespaces the container gets (default: mount, pid, uts, ipc, net)
 * @param rootfs     the root directory, or empty to keep the host's root
 * @param rootEntry  how the root is entered: {@code pivot_root} unless the caller asks for chroot
 * @param mountProc  mount a fresh /proc (on by default when there is a pid namespace)
 * @param hostname   the hostname in the UTS namespace
 * @param domainname the NIS domain name in the UTS namespace
 * @param process    the process to run
 * @param resources  cgroup limits; when present the container gets its own cgroup, removed at close
 * @param hardening  capabilities, no_new_privs, seccomp, rlimits, oom_score_adj, umask
 * @param users      the uid and gid maps of the user namespace ({@link UserNamespaceSpec#NONE} without one)
 * @param identity   the process's uid, gid and groups; empty: root in a user namespace, else the caller's
 * @param filesystem mounts, minimal /dev, read-only root, masked paths, ephemeral root ({@link Filesystem})
 * @param joins      existing namespaces the container joins instead of new ones ({@link NamespaceJoin})
 * @param network    the container's network: loopback only, the host's, a bridge, a joined namespace or user
 *                   mode; published ports; name resolution ({@link NetworkSpec})
 * @param sysctls    kernel parameters of the container's namespaces, by key ({@code net.ipv4.ping_group_range}),
 *                   written below its /proc before /proc/sys turns read-only; sorted by key
 */
public record ContainerSpec(Set<Namespace> namespaces, Optional<Path> rootfs, RootEntry rootEntry,
                            boolean mountProc, Optional<String> hostname, Optional<String> domainname,
                            ProcessSpec process, Optional<Resources> resources, Hardening hardening,
                            UserNamespaceSpec users, Optional<ProcessIdentity> identity,
                            Filesystem filesystem, List<NamespaceJoin> joins, NetworkSpec network,
                            Map<String, String> sysctls) {

    /** Maximum length of a hostname or domain name in bytes (the kernel's {@code __NEW_UTS_LEN}). */
    public static final int MAX_UTS_NAME = 64;

    /** How the process's root becomes the rootfs. */
    public enum RootEntry {
        /** {@code pivot_root}: the old root is detached; the only safe choice, the default. */
        PIVOT_ROOT,
        /**
         * {@code chroot}: for roots where pivot_root is impossible (a ramfs root). The host's mounts stay
         * reachable to a process with CAP_SYS_CHROOT; use only when you know why.
         */
        CHROOT
    }

    /**
     * Checks the rules that relate the parts: the rootfs and the names against the namespaces, id maps
     * exactly with a user namespace and every id of the process mapped, the init with a PID namespace, the
     * mounts against the namespaces, the rootfs and /proc. The rootfs becomes absolute and normalized.
     *
     * @throws InvalidSpecException naming the field and the rule
     */
    public ContainerSpec {
        namespaces = Set.copyOf(namespaces);
        Objects.requireNonNull(rootfs, "rootfs");
        Objects.requireNonNull(rootEntry, "rootEntry");
        Objects.requireNonNull(hostname, "hostname");
        Objects.requireNonNull(domainname, "domainname");
        Objects.requireNonNull(process, "process");
        Objects.requireNonNull(resources, "resources");
        Objects.requireNonNull(hardening, "hardening");
        Objects.requireNonNull(users, "users");
        Objects.requireNonNull(identity, "identity");
        Objects.requireNonNull(filesystem, "filesystem");
        joins = List.copyOf(joins);
        Objects.requireNonNull(network, "network");
        JoinRules.check(joins, namespaces, hostname, domainname);
        JoinRules.checkNetwork(network, joins, namespaces);
        SpecRules.checkContainer(namespaces, rootfs, hostname, domainname);
        rootfs = rootfs.map(p -> p.toAbsolutePath().normalize());
        UserRules.check(namespaces, users, identity);
        if (process.init() && !namespaces.contains(Namespace.PID)) {
            throw new InvalidSpecException("init",
                    "the init is pid 1 of the container's PID namespace: add Namespace.PID");
        }
        FilesystemRules.check(namespaces, rootfs.isPresent(), mountProc, filesystem);
        FilesystemRules.checkTopLayer(rootfs, filesystem);
        sysctls = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(sysctls));
        SysctlRules.check(sysctls, namespaces, joins, network.mode(), domainname, mountProc, filesystem);
    }

    /**
     * A spec that sets no sysctl: the constructor above with no {@code sysctls}.
     *
     * @param namespaces the namespaces the container gets
     * @param rootfs     the root directory, or empty to keep the host's root
     * @param rootEntry  how the root is entered
     * @param mountProc  mount a fresh /proc
     * @param hostname   the hostname in the UTS namespace
     * @param domainname the NIS domain name in the UTS namespace
     * @param process    the process to run
     * @param resources  cgroup limits
     * @param hardening  capabilities, no_new_privs, seccomp, rlimits, oom_score_adj, umask
     * @param users      the uid and gid maps of the user namespace
     * @param identity   the process's uid, gid and groups
     * @param filesystem mounts, minimal /dev, read-only root, masked paths, ephemeral root
     * @param joins      existing namespaces the container joins
     * @param network    the container's network
     * @throws InvalidSpecException naming the field and the rule
     */
    public ContainerSpec(Set<Namespace> namespaces, Optional<Path> rootfs, RootEntry rootEntry,
                         boolean mountProc, Optional<String> hostname, Optional<String> domainname,
                         ProcessSpec process, Optional<Resources> resources, Hardening hardening,
                         UserNamespaceSpec users, Optional<ProcessIdentity> identity, Filesystem filesystem,
                         List<NamespaceJoin> joins, NetworkSpec network) {
        this(namespaces, rootfs, rootEntry, mountProc, hostname, domainname, process, resources, hardening, users,
                identity, filesystem, joins, network, Map.of());
    }

    /**
     * A spec that joins no namespace: the constructor above with no {@code joins}.
     *
     * @param namespaces the namespaces the container gets
     * @param rootfs     the root directory, or empty to keep the host's root
     * @param rootEntry  how the root is entered
     * @param mountProc  mount a fresh /proc
     * @param hostname   the hostname in the UTS namespace
     * @param domainname the NIS domain name in the UTS namespace
     * @param process    the process to run
     * @param resources  cgroup limits
     * @param hardening  capabilities, no_new_privs, seccomp, rlimits, oom_score_adj, umask
     * @param users      the uid and gid maps of the user namespace
     * @param identity   the process's uid, gid and groups
     * @param filesystem mounts, minimal /dev, read-only root, masked paths, ephemeral root
     * @throws InvalidSpecException naming the field and the rule
     */
    public ContainerSpec(Set<Namespace> namespaces, Optional<Path> rootfs, RootEntry rootEntry,
                         boolean mountProc, Optional<String> hostname, Optional<String> domainname,
                         ProcessSpec process, Optional<Resources> resources, Hardening hardening,
                         UserNamespaceSpec users, Optional<ProcessIdentity> identity, Filesystem filesystem) {
        this(namespaces, rootfs, rootEntry, mountProc, hostname, domainname, process, resources, hardening, users,
                identity, filesystem, List.of());
    }

    /**
     * A spec with loopback-only networking ({@link NetworkSpec#NONE}): the constructor above without
     * {@code network}.
     *
     * @param namespaces the namespaces the container gets
     * @param rootfs     the root directory, or empty to keep the host's root
     * @param rootEntry  how the root is entered
     * @param mountProc  mount a fresh /proc
     * @param hostname   the hostname in the UTS namespace
     * @param domainname the NIS domain name in the UTS namespace
     * @param process    the process to run
     * @param resources  cgroup limits
     * @param hardening  capabilities, no_new_privs, seccomp, rlimits, oom_score_adj, umask
     * @param users      the uid and gid maps of the user namespace
     * @param identity   the process's uid, gid and groups
     * @param filesystem mounts, minimal /dev, read-only root, masked paths, ephemeral root
     * @param joins      existing namespaces the container joins
     * @throws InvalidSpecException naming the field and the rule
     */
    public ContainerSpec(Set<Namespace> namespaces, Optional<Path> rootfs, RootEntry rootEntry,
                         boolean mountProc, Optional<String> hostname, Optional<String> domainname,
                         ProcessSpec process, Optional<Resources> resources, Hardening hardening,
                         UserNamespaceSpec users, Optional<ProcessIdentity> identity, Filesystem filesystem,
                         List<NamespaceJoin> joins) {
        this(namespaces, rootfs, rootEntry, mountProc, hostname, domainname, process, resources, hardening, users,
                identity, filesystem, joins, NetworkSpec.NONE);
    }

    /**
     * The file below {@code /proc/sys} that a sysctl key names: dots become slashes; a key written with slashes
     * ({@code net/ipv4/conf/eno2.100/rp_filter}) keeps them, its dots staying part of the names.
     *
     * @param key a sysctl key, e.g. {@code net.ipv4.ping_group_range}
     * @return the relative path, e.g. {@code net/ipv4/ping_group_range}
     */
    public static String sysctlPath(String key) {
        return SysctlRules.procPath(key);
    }

    /** {@return a builder with the defaults} */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A builder holding every setting of this spec explicitly, the defaults it got included: they are not
     * worked out again, so a derived spec keeps this one's /proc, /dev and masked paths unless told otherwise.
     * Capabilities are kept as what this spec added to or dropped from the default set, so CAP_MKNOD follows
     * the derived spec's device cgroup (dropped when it has none), not this one's.
     * {@code toBuilder().build()} equals this spec; a changed one is checked again.
     *
     * <pre>{@code
     * ContainerSpec exec = spec.toBuilder().command("ps", "-ef").stdout(Stdio.pipe()).build();
     * }</pre>
     *
     * @return a builder holding this spec's settings
     */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.namespaces(namespaces);
        b.rootfs = rootfs.orElse(null);
        b.rootEntry = rootEntry;
        b.mountProc = mountProc;
        b.hostname = hostname.orElse(null);
        b.domainname = domainname.orElse(null);
        b.command(process.argv());
        b.env.putAll(process.environment());
        b.defaultPath = false;
        b.cwd = process.workingDirectory();
        b.stopSignal = process.stopSignal();
        b.stdin = process.stdin();
        b.stdout = process.stdout();
        b.stderr = process.stderr();
        b.dieWithParent = process.dieWithParent();
        b.newSession = process.newSession();
        b.init = process.init();
        b.argv0 = process.argv0().orElse(null);
        b.keptFds.addAll(process.keptFds());
        b.resources = resources.orElse(null);
        b.hardening = hardening.toBuilder(hasDeviceCgroup());
        b.users.from(users, identity);
        b.filesystem.from(filesystem);
        b.joins.addAll(joins);
        b.network = network.mode();
        b.ports.addAll(network.ports());
        b.names = network.names().orElse(null);
        b.sysctls.putAll(sysctls);
        return b;
    }

    /**
     * {@return whether the container gets {@code ns}}
     *
     * @param ns a namespace
     */
    public boolean has(Namespace ns) {
        return namespaces.contains(ns);
    }

    /**
     * Whether a device cgroup will police the devices this container makes and opens: it has resources (its
     * own cgroup) and the host can give that cgroup a device policy (a v1 devices controller, or a v2 device
     * program). Without one, CAP_MKNOD leaves the default set and the rootfs is mounted {@code nodev}
     * (behind the minimal /dev).
     *
     * @return whether a device cgroup polices the container's devices
     */
    public boolean hasDeviceCgroup() {
        return deviceCgroup(resources.orElse(null));
    }

    private static boolean deviceCgroup(Resources resources) {
        return resources != null && dev.panamax.cgroup.CgroupManager.hostControlsDevices();
    }

    /**
     * Fluent builder: collects the settings and fills in the defaults in {@link #build()}, where the spec's
     * constructors check every rule. Lists and maps are copied, never aliased.
     */
    public static final class Builder {
        private final EnumSet<Namespace> namespaces =
                EnumSet.of(Namespace.MOUNT, Namespace.PID, Namespace.UTS, Namespace.IPC, Namespace.NET);
        /** Whether {@link #namespaces} was set by the caller: a joined namespace then conflicts with it. */
        private boolean namespacesSet;
        private final List<NamespaceJoin> joins = new ArrayList<>();
        private dev.panamax.net.Network network = dev.panamax.net.Network.none();
        private final List<dev.panamax.net.PortMapping> ports = new ArrayList<>();
        private dev.panamax.net.NameResolution names;
        private Path rootfs;
        private RootEntry rootEntry = RootEntry.PIVOT_ROOT;
        private Boolean mountProc;
        private String hostname;
        private String domainname;
        private final List<String> argv = new ArrayList<>();
        /** Whether {@link #command} was called: it then replaces the image's Entrypoint and Cmd. */
        private boolean commandSet;
        /** What {@link #args} set (replacing the image's Cmd), or null. */
        private List<String> args;
        /** The image whose layers and defaults the spec takes ({@link #image}), or null. */
        private ContainerImage image;
        private Integer stopSignal;
        private final Map<String, String> env = new LinkedHashMap<>();
        /** Names {@link #unsetEnv} removed: kept out of the environment, the default PATH included. */
        private final java.util.Set<String> unset = new java.util.HashSet<>();
        private String argv0;
        private final List<ProcessSpec.KeptFd> keptFds = new ArrayList<>();
        /** Whether the environment starts with the default PATH (a derived builder has its spec's whole one). */
        private boolean defaultPath = true;
        /** The working directory; null: the image's, else {@code /}. */
        private String cwd;
        private Stdio stdin = Stdio.inherit();
        private Stdio stdout = Stdio.inherit();
        private Stdio stderr = Stdio.inherit();
        private boolean dieWithParent = true;
        private boolean newSession = true;
        private boolean init;
        private Resources resources;
        private Hardening.Builder hardening = new Hardening.Builder();
        private final UserRules.Draft users = new UserRules.Draft();
        private final FilesystemRules.Draft filesystem = new FilesystemRules.Draft();
        private final Map<String, String> sysctls = new LinkedHashMap<>();

        private Builder() {
        }

        /**
         * Replaces the namespace set.
         *
         * @param ns the namespaces the container gets
         * @return this builder
         */
        public Builder namespaces(Namespace... ns) {
            namespacesSet = true;
            namespaces.clear();
            namespaces.addAll(Arrays.asList(ns));
            return this;
        }

        /**
         * Replaces the namespace set (copied).
         *
         * @param ns the namespaces the container gets
         * @return this builder
         */
        public Builder namespaces(Set<Namespace> ns) {
            namespacesSet = true;
            namespaces.clear();
            namespaces.addAll(ns);
            return this;
        }

        /**
         * The root directory, entered with pivot_root (default: none, the host's root); null for none.
         *
         * @param dir the rootfs directory on the host, or null
         * @return this builder
         */
        public Builder rootfs(Path dir) {
            if (image != null) { // the image's root gives way, with its layers and defaults
                image = null;
                filesystem.persistent();
            }
            this.rootfs = dir;
            return this;
        }

        /**
         * Enter the rootfs with chroot instead of pivot_root (see {@link RootEntry#CHROOT}).
         *
         * @return this builder
         */
        public Builder chroot() {
            this.rootEntry = RootEntry.CHROOT;
            return this;
        }

        /**
         * A fresh proc filesystem on /proc (on by default with PID and mount namespaces). A mount of your own
         * on /proc replaces it: with that mount and no {@code mountProc} call there is no automatic /proc;
         * {@code mountProc(true)} together with a mount on /proc is refused as a conflict.
         *
         * @param mount whether to mount /proc
         * @return this builder
         */
        public Builder mountProc(boolean mount) {
            this.mountProc = mount;
            return this;
        }

        /**
         * The hostname in the UTS namespace, at most {@value ContainerSpec#MAX_UTS_NAME} bytes; null: the host's.
         *
         * @param name the hostname, or null
         * @return this builder
         */
        public Builder hostname(String name) {
            this.hostname = name;
            return this;
        }

        /**
         * The NIS domain name in the UTS namespace, as {@link #hostname(String)}.
         *
         * @param name the domain name, or null
         * @return this builder
         */
        public Builder domainname(String name) {
            this.domainname = name;
            return this;
        }

        /**
         * The program and its arguments; a program name without a slash is searched in the container's PATH.
         * With an {@link #image image} it replaces both the image's {@code Entrypoint} and its {@code Cmd}
         * (as {@code docker run --entrypoint}); {@link #args} then follow it.
         *
         * @param argv the program, then its arguments
         * @return this builder
         */
        public Builder command(String... argv) {
            return command(Arrays.asList(argv));
        }

        /**
         * As {@link #command(String...)}; the list is copied.
         *
         * @param argv the program, then its arguments
         * @return this builder
         */
        public Builder command(List<String> argv) {
            commandSet = true;
            this.argv.clear();
            this.argv.addAll(argv);
            return this;
        }

        /**
         * Arguments in place of the image's {@code Cmd} ({@code docker run IMAGE ARGS...}): the command becomes
         * the image's {@code Entrypoint} (or {@link #command}) followed by these. Without an image and a
         * command they are the whole command.
         *
         * @param args the arguments
         * @return this builder
         */
        public Builder args(String... args) {
            return args(Arrays.asList(args));
        }

        /**
         * As {@link #args(String...)}; the list is copied.
         *
         * @param args the arguments
         * @return this builder
         */
        public Builder args(List<String> args) {
            this.args = new ArrayList<>(args);
            return this;
        }

        /**
         * Sets one environment variable (the environment starts with PATH only, or with PATH and the image's
         * {@code Env}; this call wins over the image's variable of the same name).
         *
         * @param key   the variable's name
         * @param value its value
         * @return this builder
         */
        public Builder env(String key, String value) {
            env.put(key, value);
            unset.remove(key);
            return this;
        }

        /**
         * Copies the JVM's environment into the container's (not done unless asked).
         *
         * @return this builder
         */
        public Builder inheritEnvironment() {
            System.getenv().forEach((k, v) -> {
                if (!unset.contains(k)) {
                    env.putIfAbsent(k, v);
                }
            });
            return this;
        }

        /**
         * Leaves one variable out of the environment: one that {@link #inheritEnvironment()} copies (before or
         * after this call), or the default {@code PATH}. A later {@link #env(String, String)} of the same
         * name sets it again.
         *
         * <pre>{@code
         * builder.inheritEnvironment().unsetEnv("AWS_SECRET_ACCESS_KEY");
         * }</pre>
         *
         * @param key the variable's name
         * @return this builder
         */
        public Builder unsetEnv(String key) {
            env.remove(key);
            unset.add(Objects.requireNonNull(key, "key"));
            return this;
        }

        /**
         * The argv[0] the program sees, when it must differ from the file executed (the first element of
         * {@link #command(String...)}), like bubblewrap's {@code --argv0} or a login shell's {@code -sh};
         * null: the command's first element.
         *
         * <pre>{@code
         * builder.command("/bin/busybox", "-c", "echo $0").argv0("sh");
         * }</pre>
         *
         * @param name the program's argv[0]
         * @return this builder
         */
        public Builder argv0(String name) {
            this.argv0 = name;
            return this;
        }

        /**
         * Keeps the JVM's descriptor {@code hostFd} open in the container as {@code containerFd} (bubblewrap's
         * {@code --sync-fd}, runc's {@code --preserve-fds}); every other descriptor but 0, 1 and 2 is still
         * closed at the exec. The launch duplicates it, so the caller still owns and closes {@code hostFd}.
         * See {@link ProcessSpec.KeptFd} for the numbers allowed.
         *
         * @param hostFd      a descriptor open in the JVM
         * @param containerFd its number in the container, from 3
         * @return this builder
         */
        public Builder keepFd(int hostFd, int containerFd) {
            keptFds.add(new ProcessSpec.KeptFd(hostFd, containerFd));
            return this;
        }

        /**
         * The working directory, an absolute path inside the container (default: the image's
         * {@code WorkingDir}, else {@code /}).
         *
         * @param dir an absolute path in the container
         * @return this builder
         */
        public Builder workingDirectory(String dir) {
            this.cwd = dir;
            return this;
        }

        /**
         * Where standard input comes from (default {@link Stdio#inherit()}).
         *
         * @param s the source
         * @return this builder
         */
        public Builder stdin(Stdio s) {
            this.stdin = Objects.requireNonNull(s, "stdin");
            return this;
        }

        /**
         * Where standard output goes (default {@link Stdio#inherit()}).
         *
         * @param s the destination
         * @return this builder
         */
        public Builder stdout(Stdio s) {
            this.stdout = Objects.requireNonNull(s, "stdout");
            return this;
        }

        /**
         * Where standard error goes (default {@link Stdio#inherit()}).
         *
         * @param s the destination
         * @return this builder
         */
        public Builder stderr(Stdio s) {
            this.stderr = Objects.requireNonNull(s, "stderr");
            return this;
        }

        /**
         * Standard input from a {@link ProcessBuilder.Redirect} (see {@link Stdio#from}).
         *
         * @param r {@code PIPE}, {@code INHERIT} or {@code from(file)}
         * @return this builder
         * @throws InvalidSpecException (field {@code stdin}) for a redirect that writes
         */
        public Builder stdin(ProcessBuilder.Redirect r) {
            return stdin(redirect("stdin", r, true));
        }

        /**
         * Standard output to a {@link ProcessBuilder.Redirect} (see {@link Stdio#from}).
         *
         * @param r {@code PIPE}, {@code INHERIT}, {@code DISCARD}, {@code to(file)} or {@code appendTo(file)}
         * @return this builder
         * @throws InvalidSpecException (field {@code stdout}) for {@code from(file)}
         */
        public Builder stdout(ProcessBuilder.Redirect r) {
            return stdout(redirect("stdout", r, false));
        }

        /**
         * Standard error to a {@link ProcessBuilder.Redirect}, as {@link #stdout(ProcessBuilder.Redirect)}.
         *
         * @param r {@code PIPE}, {@code INHERIT}, {@code DISCARD}, {@code to(file)} or {@code appendTo(file)}
         * @return this builder
         * @throws InvalidSpecException (field {@code stderr}) for {@code from(file)}
         */
        public Builder stderr(ProcessBuilder.Redirect r) {
            return stderr(redirect("stderr", r, false));
        }

        /** As {@link ProcessBuilder}: a redirect of the wrong direction fails at once, before it can truncate. */
        private static Stdio redirect(String field, ProcessBuilder.Redirect r, boolean input) {
            ProcessBuilder.Redirect.Type type = Objects.requireNonNull(r, field).type();
            boolean reads = type == ProcessBuilder.Redirect.Type.READ;
            boolean writes = type == ProcessBuilder.Redirect.Type.WRITE || type == ProcessBuilder.Redirect.Type.APPEND;
            if (input ? writes : reads) {
                throw new InvalidSpecException(field, "Redirect " + r + " " + (input ? "writes" : "reads")
                        + "; " + field + " needs one that " + (input ? "reads" : "writes"));
            }
            return Stdio.from(r);
        }

        /**
         * {@code true}: stdin, stdout and stderr become a new pseudo-terminal, the container's controlling
         * terminal (read and write it through {@link Container#terminal()}); {@code false}: streams that
         * were a terminal go back to {@link Stdio#inherit()}.
         *
         * @param on whether the container gets a terminal
         * @return this builder
         */
        public Builder terminal(boolean on) {
            if (on) {
                stdin = stdout = stderr = Stdio.terminal();
            } else {
                stdin = stdin instanceof Stdio.Pty ? Stdio.inherit() : stdin;
                stdout = stdout instanceof Stdio.Pty ? Stdio.inherit() : stdout;
                stderr = stderr instanceof Stdio.Pty ? Stdio.inherit() : stderr;
            }
            return this;
        }

        /**
         * On by default: SIGKILL the container when the JVM that launched it dies.
         *
         * @param die whether the container dies with the JVM
         * @return this builder
         */
        public Builder dieWithParent(boolean die) {
            this.dieWithParent = die;
            return this;
        }

        /**
         * On by default: the process starts a session of its own ({@code setsid}), so it has no controlling
         * terminal and cannot reach the terminal the JVM runs in (with {@code ioctl(TIOCSTI)}, say, to type
         * commands into the user's shell). {@code false} keeps the JVM's session and terminal, for a program
         * that must share the caller's job control; the default seccomp profile still denies TIOCSTI.
         *
         * @param on whether the process starts a new session
         * @return this builder
         */
        public Builder newSession(boolean on) {
            this.newSession = on;
            return this;
        }

        /**
         * Off by default: {@code true} runs a tiny init (machine code, no Java, like {@code docker run --init})
         * as pid 1 of the container's PID namespace. It starts the command as pid 2, forwards every signal to
         * it (so {@link Container#destroy()} ends a shell that has no SIGTERM handler), reaps orphaned
         * processes, and exits when the command does; {@link Container#waitFor()} reports the command's own
         * status, a death by signal included. Needs the PID namespace.
         *
         * @param on whether to run the init as pid 1
         * @return this builder
         */
        public Builder init(boolean on) {
            this.init = on;
            return this;
        }

        /**
         * Cgroup limits (memory, cpu, pids, io, ...). The container gets its own cgroup under the
         * {@code panamax} parent, joined before the container runs any setup step, removed at close.
         *
         * @param limits the limits, or null for no cgroup of its own
         * @return this builder
         */
        public Builder resources(Resources limits) {
            this.resources = limits;
            return this;
        }

        /**
         * Replaces the kept capabilities (default: {@link Capability#defaultSet()}, without {@code MKNOD} when
         * the container will have no device cgroup to limit the nodes it makes); see {@link Hardening}.
         *
         * @param caps the capabilities to keep
         * @return this builder
         */
        public Builder capabilities(Set<Capability> caps) {
            hardening.capabilities(caps.stream().map(Capability::name).toList());
            return this;
        }

        /**
         * Replaces the kept capabilities by name ({@code "CAP_NET_ADMIN"} or {@code "net_admin"}); checked in build().
         *
         * @param names the capabilities to keep
         * @return this builder
         */
        public Builder capabilities(String... names) {
            hardening.capabilities(Arrays.asList(names));
            return this;
        }

        /**
         * Keeps one more capability.
         *
         * @param cap the capability
         * @return this builder
         */
        public Builder addCapability(Capability cap) {
            return addCapability(cap.name());
        }

        /**
         * Keeps one more capability, by name; checked in build().
         *
         * @param name the capability's name
         * @return this builder
         */
        public Builder addCapability(String name) {
            hardening.addCapability(name);
            return this;
        }

        /**
         * Drops one capability.
         *
         * @param cap the capability
         * @return this builder
         */
        public Builder dropCapability(Capability cap) {
            return dropCapability(cap.name());
        }

        /**
         * Drops one capability, by name; checked in build().
         *
         * @param name the capability's name
         * @return this builder
         */
        public Builder dropCapability(String name) {
            hardening.dropCapability(name);
            return this;
        }

        /**
         * Raises these kept capabilities into the ambient set (default: none; see {@link Hardening}).
         *
         * @param caps kept capabilities to raise
         * @return this builder
         */
        public Builder ambientCapabilities(Capability... caps) {
            hardening.ambientCapabilities(Arrays.stream(caps).map(Capability::name).toList());
            return this;
        }

        /**
         * On by default: {@code PR_SET_NO_NEW_PRIVS}, so execve never grants privileges.
         *
         * @param on whether to set no_new_privs
         * @return this builder
         */
        public Builder noNewPrivileges(boolean on) {
            hardening.noNewPrivileges(on);
            return this;
        }

        /**
         * Adds a mount, made after /proc and /dev in the order given (see {@link Mount}).
         *
         * @param m the mount
         * @return this builder
         */
        public Builder mount(Mount m) {
            filesystem.mount(m);
            return this;
        }

        /**
         * Replaces the list of mounts.
         *
         * @param ms the mounts, in order
         * @return this builder
         */
        public Builder mounts(List<Mount> ms) {
            filesystem.mounts(ms);
            return this;
        }

        /**
         * A tmpfs /dev with the standard nodes (on by default with a rootfs and a mount namespace). A mount of
         * your own on /dev replaces it: with that mount and no {@code minimalDev} call there is no minimal
         * /dev; {@code minimalDev(true)} together with a mount on /dev is refused as a conflict.
         *
         * @param on whether to mount the minimal /dev
         * @return this builder
         */
        public Builder minimalDev(boolean on) {
            filesystem.minimalDev(on);
            return this;
        }

        /**
         * Make the root mount read-only once every mount is in place; writable submounts stay writable.
         *
         * @param on whether the root mount ends read-only
         * @return this builder
         */
        public Builder readOnlyRoot(boolean on) {
            filesystem.readOnlyRoot(on);
            return this;
        }

        /**
         * Replaces the masked paths (default {@link Filesystem#DEFAULT_MASKED_PATHS} when /proc is mounted).
         *
         * @param paths absolute paths in the container
         * @return this builder
         */
        public Builder maskedPaths(List<String> paths) {
            filesystem.maskedPaths(paths);
            return this;
        }

        /**
         * Replaces the read-only paths (default {@link Filesystem#DEFAULT_READONLY_PATHS} when /proc is mounted).
         *
         * @param paths absolute paths in the container
         * @return this builder
         */
        public Builder readOnlyPaths(List<String> paths) {
            filesystem.readOnlyPaths(paths);
            return this;
        }

        /**
         * The rootless one-liner: adds {@link Namespace#USER} and maps container uid 0 and gid 0 to the calling
         * JVM's effective uid and gid (count 1). Needs no privilege and no /etc/subuid entry. See
         * {@link UserNamespaceSpec} for what a rootless container can and cannot do.
         *
         * <pre>{@code
         * ContainerSpec.builder().mapCurrentUserToRoot().rootfs(myRootfs).command("id").build();  // "uid=0(root)"
         * }</pre>
         *
         * @return this builder
         */
        public Builder mapCurrentUserToRoot() {
            namespaces.add(Namespace.USER);
            users.mapCurrentUserToRoot();
            return this;
        }

        /**
         * The seccomp profile (default: {@link dev.panamax.seccomp.SeccompProfile#defaultProfile()}); null for none.
         * For a profile whose default action is not ALLOW the launcher also allows the calls it makes after
         * loading the filter, unless the profile has a rule for them: execve, write and exit_group (to report
         * a failed exec), and capset and prctl when no_new_privs is off (the filter then loads before capset).
         * {@code Launcher.plan} shows the filter with these rules.
         *
         * @param profile the profile, or null
         * @return this builder
         */
        public Builder seccomp(dev.panamax.seccomp.SeccompProfile profile) {
            hardening.seccomp(profile == null ? null : () -> profile);
            return this;
        }

        /**
         * As {@link #seccomp(dev.panamax.seccomp.SeccompProfile)}, built in build() so its errors name the field.
         *
         * @param profile the profile's builder
         * @return this builder
         */
        public Builder seccomp(dev.panamax.seccomp.SeccompProfile.Builder profile) {
            hardening.seccomp(Objects.requireNonNull(profile, "seccomp")::build);
            return this;
        }

        /**
         * No seccomp filter.
         *
         * @return this builder
         */
        public Builder noSeccomp() {
            return seccomp((dev.panamax.seccomp.SeccompProfile) null);
        }

        /**
         * Sets a resource limit ({@link Rlimit#UNLIMITED} for none); soft at most hard.
         *
         * @param resource the resource
         * @param soft     the limit the process gets
         * @param hard     the most the process may raise it to
         * @return this builder
         */
        public Builder rlimit(Rlimit resource, long soft, long hard) {
            hardening.rlimit(resource, soft, hard);
            return this;
        }

        /**
         * Writes {@code /proc/self/oom_score_adj} (-1000..1000) in the container; needs its /proc.
         *
         * @param adj -1000 (never killed) to 1000 (killed first)
         * @return this builder
         */
        public Builder oomScoreAdj(int adj) {
            hardening.oomScoreAdj(adj);
            return this;
        }

        /**
         * The umask the process starts with (0..0777, e.g. {@code 022}).
         *
         * @param mask the permission bits to clear
         * @return this builder
         */
        public Builder umask(int mask) {
            hardening.umask(mask);
            return this;
        }

        /**
         * Replaces the uid map (several ranges allowed; needs {@link Namespace#USER}). With a user namespace and
         * no uid map, container uid 0 maps to the caller's effective uid, count 1.
         *
         * @param ranges the map's ranges
         * @return this builder
         */
        public Builder uidMap(IdMap... ranges) {
            return uidMap(Arrays.asList(ranges));
        }

        /**
         * As {@link #uidMap(IdMap...)}; the list is copied.
         *
         * @param ranges the map's ranges
         * @return this builder
         */
        public Builder uidMap(List<IdMap> ranges) {
            users.uidMap(ranges);
            return this;
        }

        /**
         * Replaces the gid map; as {@link #uidMap(IdMap...)}, defaulting to the caller's effective gid.
         *
         * @param ranges the map's ranges
         * @return this builder
         */
        public Builder gidMap(IdMap... ranges) {
            return gidMap(Arrays.asList(ranges));
        }

        /**
         * As {@link #gidMap(IdMap...)}; the list is copied.
         *
         * @param ranges the map's ranges
         * @return this builder
         */
        public Builder gidMap(List<IdMap> ranges) {
            users.gidMap(ranges);
            return this;
        }

        /**
         * The process's uid and gid inside the container (with a user namespace, both must be mapped).
         *
         * @param uid the user id in the container
         * @param gid the group id in the container
         * @return this builder
         */
        public Builder user(long uid, long gid) {
            users.user(uid, gid);
            return this;
        }

        /**
         * Replaces the process's supplementary gids (inside the container; each must be mapped).
         *
         * @param gids group ids in the container
         * @return this builder
         */
        public Builder supplementaryGroups(long... gids) {
            users.groups(gids);
            return this;
        }

        /**
         * The root is an overlay of {@code image}'s layers (read-only, never written) under an upper layer of
         * this container's own, deleted at {@code Container.close()} unless {@link #keepUpperDir} keeps it: as
         * {@link #ephemeralRoot}, with the layers below the top one as further lower layers (mounted with
         * {@code userxattr} when {@link ContainerImage#userXattr()}). The image's config gives the defaults,
         * which this builder's own calls override whatever their order: the command ({@code Entrypoint} +
         * {@code Cmd}; {@link #command} replaces both, {@link #args} the {@code Cmd}), the environment (the
         * image's {@code Env}, then {@link #env} per name), the working directory, the user and groups
         * ({@link #user}, {@link #supplementaryGroups}) and the signal {@link Container#destroy()} sends
         * ({@link #stopSignal}). A later {@link #rootfs} or {@link #ephemeralRoot} drops the image.
         *
         * <pre>{@code
         * ContainerSpec.builder().image(image).args("-c", "echo hi").build();   // Entrypoint, then these
         * }</pre>
         *
         * @param image the image's layers and config defaults
         * @return this builder
         */
        public Builder image(ContainerImage image) {
            this.image = Objects.requireNonNull(image, "image");
            List<Path> layers = image.layers();
            this.rootfs = layers.getLast();
            filesystem.ephemeral(layers.subList(0, layers.size() - 1), image.userXattr(), image.pins());
            return this;
        }

        /**
         * The signal {@link Container#destroy()} sends (default: the image's {@code StopSignal}, else SIGTERM,
         * {@value ProcessSpec#SIGTERM}), as {@code docker run --stop-signal}.
         *
         * @param signal a signal number, 1..64
         * @return this builder
         */
        public Builder stopSignal(int signal) {
            this.stopSignal = signal;
            return this;
        }

        /**
         * Use {@code image} as the read-only lower layer of an overlay root whose fresh upper layer is deleted
         * at {@code Container.close()} (the image is never written).
         *
         * @param image the root directory on the host, never written
         * @return this builder
         */
        public Builder ephemeralRoot(Path image) {
            this.image = null;
            this.rootfs = image;
            filesystem.ephemeral();
            return this;
        }

        /**
         * Keep the ephemeral root's upper layer in {@code dir}/upper (and its work dir in {@code dir}/work).
         *
         * @param dir a directory on the host
         * @return this builder
         */
        public Builder keepUpperDir(Path dir) {
            filesystem.keepUpperDir(dir);
            return this;
        }

        /**
         * Join the existing namespace file {@code path} (e.g. {@code /run/netns/NAME} made by
         * {@code ip netns add}, or {@code /proc/PID/ns/net}) instead of a new namespace of type {@code ns}.
         * The default namespace set then leaves {@code ns} out; a set given to {@link #namespaces} must not
         * hold it. The launch fails naming the path if it is missing (open: ENOENT) or is not a namespace
         * of that type (setns: EINVAL). Joinable: {@link NamespaceJoin#JOINABLE} (net, ipc, uts, cgroup),
         * and not together with a new user namespace.
         *
         * @param ns   the namespace type
         * @param path the namespace file, absolute
         * @return this builder
         * @throws InvalidSpecException if {@code ns} cannot be joined or the path is relative
         */
        public Builder joinNamespace(Namespace ns, Path path) {
            joins.add(NamespaceJoin.path(ns, path));
            return this;
        }

        /**
         * Share {@code ns} with the running {@code container}, a pod: its pidfd is joined
         * ({@code setns(pidfd, flags)}), so a recycled pid is never joined. The launch fails if that container
         * has ended. As {@link #joinNamespace} for the namespace set.
         *
         * @param container a container launched by this JVM
         * @param ns        the namespaces to share (for a pod: NET, IPC, UTS)
         * @return this builder
         * @throws InvalidSpecException if one cannot be joined, or none is named
         */
        public Builder shareNamespaces(Container container, Namespace... ns) {
            Objects.requireNonNull(container, "container");
            joins.add(NamespaceJoin.container(container, Set.of(ns)));
            return this;
        }

        /**
         * How the container reaches the network (replaces the previous choice):
         * <ul>
         * <li>{@link dev.panamax.net.Network#none()}: a network namespace with loopback only, the default;</li>
         * <li>{@link dev.panamax.net.Network#host()}: the host's network (no network namespace);</li>
         * <li>{@link dev.panamax.net.Network#bridge()}: {@code eth0} on the bridge {@code panamax0}
         *     (10.89.0.0/24 and an IPv6 ULA, made on first use), outbound NAT, published ports; needs root;</li>
         * <li>{@link dev.panamax.net.Network#join(Path)}: an existing network namespace, such as
         *     {@code /run/netns/NAME} (the same as {@code joinNamespace(Namespace.NET, path)});</li>
         * <li>{@link dev.panamax.net.Network#userMode(String...)}: rootless networking through {@code pasta}.</li>
         * </ul>
         * With a bridge or user mode the container also gets its own {@code /etc/resolv.conf}, {@code /etc/hosts}
         * and {@code /etc/hostname}, bound read-only (see {@link #nameResolution}).
         *
         * <pre>{@code
         * ContainerSpec.builder().rootfs(root).network(Network.bridge()).publish(PortMapping.tcp(8080, 80))
         *         .command("httpd", "-f", "-p", "80").build();
         * }</pre>
         *
         * @param mode the network
         * @return this builder
         */
        public Builder network(dev.panamax.net.Network mode) {
            network = Objects.requireNonNull(mode, "network");
            if (mode instanceof dev.panamax.net.Network.Join j) {
                joinNamespace(Namespace.NET, j.path());
            }
            return this;
        }

        /**
         * Publishes container ports on the host (with a bridge or user-mode network): connections to the host
         * port, also from the host's own loopback, reach the container's port.
         *
         * @param mappings host port to container port, TCP or UDP, optionally on one host address
         * @return this builder
         */
        public Builder publish(dev.panamax.net.PortMapping... mappings) {
            for (dev.panamax.net.PortMapping m : mappings) {
                ports.add(Objects.requireNonNull(m, "publish"));
            }
            return this;
        }

        /**
         * What the container's {@code /etc/resolv.conf} and {@code /etc/hosts} say (with a bridge or user-mode
         * network); by default the host's servers, search domains and options.
         *
         * @param resolution name servers, search domains, options, extra hosts
         * @return this builder
         */
        public Builder nameResolution(dev.panamax.net.NameResolution resolution) {
            names = Objects.requireNonNull(resolution, "nameResolution");
            return this;
        }

        /**
         * Runs the process under an AppArmor profile from its execve on, as runc does: the child writes
         * {@code exec NAME} to {@code /proc/thread-self/attr/apparmor/exec} (or {@code /proc/thread-self/attr/exec}
         * on kernels without the per-LSM directory) after its setup, before the identity change, no_new_privs
         * and seccomp. The profile must be loaded already ({@code apparmor_parser}). As in runc, a host
         * without AppArmor fails the launch (the write answers EINVAL) rather than running unconfined.
         *
         * @param name the profile's name, e.g. {@code containers-default-0.50.1}
         * @return this builder
         * @throws InvalidSpecException in {@link #build()}, naming {@code appArmorProfile}, for an empty name or
         *                              one with a NUL byte or newline
         */
        public Builder appArmorProfile(String name) {
            hardening.appArmorProfile = Objects.requireNonNull(name, "appArmorProfile");
            return this;
        }

        /**
         * Sets a kernel parameter of one of the container's namespaces, as {@code sysctl -w} would inside it;
         * the child writes it below the container's /proc before the hardening makes /proc/sys read-only.
         * Only namespaced ones are allowed (runc's rules): {@code kernel.msgmax}, {@code kernel.msgmnb},
         * {@code kernel.msgmni}, {@code kernel.sem}, {@code kernel.shmall}, {@code kernel.shmmax},
         * {@code kernel.shmmni}, {@code kernel.shm_rmid_forced} and {@code fs.mqueue.*} with an IPC namespace;
         * {@code net.*} with the container's own network namespace; {@code kernel.domainname} with a UTS
         * namespace. Keys may use slashes ({@code net/ipv4/ip_forward}). Setting a key again replaces it.
         *
         * <pre>{@code
         * builder.sysctl("net.ipv4.ping_group_range", "0 2147483647");
         * }</pre>
         *
         * @param key   the sysctl's name
         * @param value what is written to its file
         * @return this builder
         * @throws InvalidSpecException in {@link #build()}, naming {@code sysctl[KEY]}, for a key outside the
         *                              container's namespaces, an empty value or a NUL byte
         */
        public Builder sysctl(String key, String value) {
            sysctls.put(Objects.requireNonNull(key, "sysctl key"), Objects.requireNonNull(value, "sysctl value"));
            return this;
        }

        /**
         * Fills in the defaults and returns the immutable spec, whose constructors check every rule.
         *
         * @return the spec
         * @throws InvalidSpecException naming the field and the rule
         */
        public ContainerSpec build() {
            Map<String, String> environment = new LinkedHashMap<>();
            if (defaultPath) {
                environment.put("PATH", ProcessSpec.DEFAULT_PATH);
            }
            if (image != null) {
                checkLayers(image);
                image.env().forEach(kv -> environment.put(kv.substring(0, kv.indexOf('=')),
                        kv.substring(kv.indexOf('=') + 1)));
            }
            environment.putAll(env);
            environment.keySet().removeAll(unset);
            ProcessSpec process = new ProcessSpec(command(), environment, workingDirectory(), stdin, stdout, stderr,
                    dieWithParent, newSession, init, Optional.ofNullable(argv0), keptFds, stopSignal());
            boolean proc = mountProc != null ? mountProc : namespaces.contains(Namespace.PID)
                    && namespaces.contains(Namespace.MOUNT) && !filesystem.mounts("/proc");
            EnumSet<Namespace> fresh = EnumSet.copyOf(namespaces);
            if (!namespacesSet) { // the defaults give way to what is joined; a set of the caller's does not
                joins.forEach(j -> fresh.removeAll(j.namespaces()));
                if (network instanceof dev.panamax.net.Network.Host) {
                    fresh.remove(Namespace.NET);
                }
            }
            if (network instanceof dev.panamax.net.Network.Bridge || network instanceof dev.panamax.net.Network.UserMode) {
                fresh.add(Namespace.NET); // asking for a network is asking for a namespace to put it in
            }
            NetworkSpec net = new NetworkSpec(network, ports, Optional.ofNullable(names));
            UserNamespaceSpec userNs = users.maps(fresh);
            return new ContainerSpec(fresh, Optional.ofNullable(rootfs), rootEntry, proc,
                    Optional.ofNullable(hostname), Optional.ofNullable(domainname), process,
                    Optional.ofNullable(resources), hardening.build(deviceCgroup(resources)), userNs,
                    users.identity(userNs, image == null ? Optional.empty() : image.user()),
                    filesystem.build(fresh, rootfs != null, proc), joins, net, sysctls);
        }

        /** Entrypoint (or {@link #command}), then Cmd (or {@link #args}; none after a command). */
        private List<String> command() {
            boolean own = commandSet || image == null;
            List<String> out = new ArrayList<>(own ? argv : image.entrypoint());
            out.addAll(args != null ? args : own ? List.of() : image.cmd());
            if (out.isEmpty() && image != null) {
                throw new InvalidSpecException("image", "image " + image.name()
                        + " has neither Entrypoint nor Cmd: call command() to say what to run");
            }
            return out;
        }

        /** Each layer is a directory now (the top one is also checked as the rootfs), named with the image. */
        private static void checkLayers(ContainerImage image) {
            for (int i = 0; i < image.layers().size(); i++) {
                Path layer = image.layers().get(i);
                if (!java.nio.file.Files.isDirectory(layer)) {
                    throw new InvalidSpecException("image.layers[" + i + "]", "image " + image.name()
                            + ": no such layer directory: " + layer);
                }
            }
        }

        private String workingDirectory() {
            return cwd != null ? cwd : image != null ? image.workingDir().orElse("/") : "/";
        }

        private int stopSignal() {
            return stopSignal != null ? stopSignal
                    : image != null ? image.stopSignal().orElse(ProcessSpec.SIGTERM) : ProcessSpec.SIGTERM;
        }
    }
}
