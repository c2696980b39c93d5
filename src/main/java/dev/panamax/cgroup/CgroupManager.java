package dev.panamax.cgroup;

import dev.panamax.sys.Bpf;
import dev.panamax.sys.internal.Libc;

import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Creates cgroups under one parent, in every hierarchy of the host (v1, v2 or hybrid, detected from
 * {@code /proc/self/mountinfo}); a container's only in those it needs ({@link #createContainer}).
 *
 * <pre>{@code
 * CgroupManager m = CgroupManager.system();                       // parent "panamax", created on demand
 * CgroupManager app = CgroupManager.withParent("/system.slice/app.service"); // an existing parent
 * try (Cgroup cg = m.create("job-1", Resources.builder().pidsMax(16).build())) { ... }
 * }</pre>
 *
 * <p>A default parent that this manager created is removed when the JVM exits; an existing parent is never
 * removed. The first cgroup a manager creates under a parent also removes the container cgroups that dead
 * JVMs left there ({@link OrphanedCgroups}). On v2 the controllers that the resources need are enabled in the
 * {@code cgroup.subtree_control} of the parent chain; memory, pids and io are also enabled where the parent
 * delegates them, for statistics.
 */
public final class CgroupManager {

    /** The parent used by {@link #system()} for root, under the root of each hierarchy. */
    public static final String DEFAULT_PARENT = "/panamax";
    /** System property that replaces {@link #DEFAULT_PARENT} for {@link #system()} (root only). */
    public static final String PARENT_PROPERTY = "panamax.cgroup.parent";

    private static final Set<Controller> FOR_STATS = EnumSet.of(Controller.MEMORY, Controller.PIDS, Controller.IO);

    private static CgroupManager system;
    /** Numbers container cgroup names, {@code c<jvm pid>-<n>}. */
    private static final AtomicLong CONTAINERS = new AtomicLong();

    private final CgroupLayout layout;
    private final String parent;
    private final boolean createParent;
    private final List<Path> createdParents = new ArrayList<>();
    private final Set<Path> sweptParents = new HashSet<>();
    private CgroupPool pool;

    CgroupManager(CgroupLayout layout, String parent, boolean createParent) {
        this.layout = layout;
        this.parent = normalize(parent);
        this.createParent = createParent;
        if (layout.all().isEmpty()) {
            throw new CgroupException("no cgroup hierarchy is mounted (no cgroup or cgroup2 in /proc/self/mountinfo)");
        }
    }

    /**
     * The default manager: for root, parent {@value #DEFAULT_PARENT} under the root of every hierarchy, created on
     * demand; for other users, {@link #forCurrentUser()}.
     *
     * @return the manager, made at the first call
     */
    public static synchronized CgroupManager system() {
        if (system == null) {
            system = ProcessIds.effectiveUid() == 0
                    ? new CgroupManager(CgroupLayout.detect(), System.getProperty(PARENT_PROPERTY, DEFAULT_PARENT), true)
                    : forCurrentUser();
        }
        return system;
    }

    /**
     * A manager for an existing parent cgroup, given as its path from the hierarchy root
     * (for example {@code "/system.slice/app.service"}), the same in every hierarchy.
     *
     * @param parent the parent's path from the hierarchy root
     * @return a manager that creates cgroups under {@code parent}
     */
    public static CgroupManager withParent(String parent) {
        return new CgroupManager(CgroupLayout.detect(), parent, false);
    }

    /**
     * For unprivileged users: a {@code panamax} cgroup, created on demand, in the v2 subtree delegated to this user
     * (the nearest ancestor of this process's own cgroup that the user may write, such as
     * {@code user@1000.service} under systemd). Only the v2 hierarchy is used.
     *
     * @return a manager for the user's delegated subtree
     * @throws CgroupException if the host has no cgroup v2 or no subtree is delegated to this user
     */
    public static CgroupManager forCurrentUser() {
        CgroupLayout layout = CgroupLayout.detect().unifiedOnly();
        CgroupLayout.Hierarchy v2 = layout.unified().orElseThrow(() -> new CgroupException(
                "unprivileged cgroups need cgroup v2 (a delegated subtree), and this host mounts none"));
        String own = CgroupLayout.ownCgroups(CgroupFs.read(Path.of("/proc/self/cgroup"))).getOrDefault("", "/");
        Path dir = dirOf(v2, own);
        Path delegated = null;
        for (Path p = dir; p != null && p.startsWith(v2.mount()); p = p.getParent()) {
            if (Files.isWritable(p) && Files.isWritable(p.resolve("cgroup.subtree_control"))) {
                delegated = p;
            }
        }
        if (delegated == null) {
            throw new CgroupException("no cgroup is delegated to this user: neither " + dir
                    + " nor any ancestor is writable (systemd: run under a unit with Delegate=yes)");
        }
        String relative = "/" + v2.mount().relativize(delegated) + DEFAULT_PARENT;
        return new CgroupManager(layout, relative.replace("//", "/"), true);
    }

    /** {@return how this host mounts cgroups: v1, v2 or both} */
    public CgroupMode mode() {
        return layout.mode();
    }

    /**
     * Whether a container cgroup made by {@link #system()} gets a device policy here (see
     * {@link #createContainer}): as root, with a v1 devices controller, or with a cgroup v2 hierarchy where the
     * kernel takes a device program ({@link DeviceProgram}, loaded once to find out). Read once per JVM.
     *
     * @return whether container cgroups get a device policy
     */
    public static boolean hostControlsDevices() {
        return HostDevices.CONTROLLED;
    }

    private static final class HostDevices {
        static final boolean CONTROLLED = detect();

        private static boolean detect() {
            try {
                return ProcessIds.effectiveUid() == 0 && devicePolicy(CgroupLayout.detect()) != DevicePolicy.NONE;
            } catch (RuntimeException unreadable) {
                return false;
            }
        }
    }

    /** Whether the kernel takes a device program from this JVM: found out once, and only where it matters. */
    private static final class DevicePrograms {
        static final boolean LOAD = ProcessIds.effectiveUid() == 0 && programsLoad();

        private static boolean programsLoad() {
            try {
                Libc.close(Bpf.loadCgroupDeviceProgram(DeviceProgram.compile(DeviceRule.DEFAULT_ALLOW_LIST)));
                return true;
            } catch (RuntimeException refused) {
                return false;
            }
        }
    }

    /** This manager's {@link #devicePolicy}, found out at its first container (fixed for a layout and a JVM). */
    private volatile DevicePolicy containerPolicy;

    private DevicePolicy containerDevicePolicy() {
        DevicePolicy p = containerPolicy;
        if (p == null) {
            p = containerPolicy = ProcessIds.effectiveUid() == 0 ? devicePolicy(layout) : DevicePolicy.NONE;
        }
        return p;
    }

    /** How a container cgroup in {@code layout} gets its device policy. */
    private enum DevicePolicy { V1_CONTROLLER, V2_PROGRAM, NONE }

    private static DevicePolicy devicePolicy(CgroupLayout layout) {
        if (layout.hierarchyOf(Controller.DEVICES).filter(h -> !h.v2()).isPresent()) {
            return DevicePolicy.V1_CONTROLLER;
        }
        return layout.unified().isPresent() && DevicePrograms.LOAD ? DevicePolicy.V2_PROGRAM : DevicePolicy.NONE;
    }

    /**
     * {@link #create} for a container: its device rules follow {@link DeviceRule#DEFAULT_ALLOW_LIST}, written to
     * the v1 devices controller, or compiled into an eBPF program attached to the cgroup v2 directory. Where
     * neither is possible (not root, no such hierarchy) the resources go as they are.
     *
     * <p>Unlike {@link #create}, only the hierarchies the container needs get a directory (each one costs a mkdir,
     * a join and an rmdir per launch): the v2 hierarchy always (kill-all, freezing and CPU usage there), a v1
     * hierarchy when one of its controllers has something to write (a limit, the device rules), and on a host
     * without v2 also the v1 freezer (freezing, and the kill loop). Statistics of a v1 controller that was not
     * needed stay empty.
     *
     * @param name      the cgroup's directory name, a single path component
     * @param resources the limits to write, and device rules to add to the default allow list
     * @return the new cgroup; close it to remove it
     * @throws IllegalArgumentException if {@code name} is not a single path component
     * @throws CgroupException as {@link #create}, or if the kernel refuses the device program
     */
    public Cgroup createContainer(String name, Resources resources) {
        return withDevicePolicy(resources, r -> create(name, r, true));
    }

    /**
     * A cgroup for a container that may outlive this JVM (one made by {@code Launcher.create}): at
     * {@code path} (below this manager's parent; the directories between are made as needed and left for other
     * containers), in every hierarchy (so that a later update may set any limit), with the device policy of
     * {@link #createContainer(String, Resources)}, never one made ahead. Nothing removes it at JVM exit; a
     * dead JVM's sweep ({@link OrphanedCgroups}) never removes a cgroup that holds a process.
     *
     * @param path      where it goes; its parent must be this manager's {@link #parent()}
     * @param resources the limits to write, and device rules to add to the default allow list
     * @return the new cgroup; close it to kill what is in it and remove it (and the directories between that are
     *         then empty)
     * @throws IllegalArgumentException if {@code path} is below another parent
     * @throws CgroupException as {@link #create}
     */
    public Cgroup createLasting(CgroupPath path, Resources resources) {
        if (!path.parent().equals(parent)) {
            throw new IllegalArgumentException("cgroup path " + path + ": must be below this runtime's parent "
                    + parent + ", not " + path.parent());
        }
        return withDevicePolicy(resources, r -> create(parent + between(path), path.name(), path.intermediates(),
                r, false));
    }

    private static String between(CgroupPath path) {
        int last = path.relative().lastIndexOf('/');
        return last < 0 ? "" : "/" + path.relative().substring(0, last);
    }

    /** The default device allow list plus the resources' rules: written to v1, or attached as a v2 program. */
    private Cgroup withDevicePolicy(Resources resources, java.util.function.Function<Resources, Cgroup> create) {
        DevicePolicy policy = containerDevicePolicy();
        if (policy == DevicePolicy.NONE) {
            return create.apply(resources);
        }
        List<DeviceRule> rules = new ArrayList<>(DeviceRule.DEFAULT_ALLOW_LIST);
        rules.addAll(resources.devices());
        if (policy == DevicePolicy.V1_CONTROLLER) {
            return create.apply(resources.toBuilder().devices(rules).build());
        }
        Cgroup cgroup = create.apply(resources.toBuilder().devices(List.of()).build());
        try {
            cgroup.attachDeviceProgram(rules);
            return cgroup;
        } catch (RuntimeException e) {
            try {
                cgroup.close();
            } catch (RuntimeException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
    }

    /**
     * {@link #createContainer(String, Resources)} under a name of its own, {@code c<jvm pid>-<n>}, taken ready
     * when one is: a manager keeps up to two empty cgroups for each of the last four distinct resources it
     * was asked for, with their limits and device rules already written, made on a daemon thread
     * ({@link CgroupPool}), so that a launch only has to join one. Ready cgroups are removed at JVM exit, and
     * after a crash by the next JVM's sweep.
     *
     * @param resources the limits to write, and device rules to add to the default allow list
     * @return a cgroup for one container; close it to remove it
     * @throws CgroupException as {@link #createContainer(String, Resources)}
     */
    public Cgroup createContainer(Resources resources) {
        Cgroup ready = pool().take(resources);
        return ready != null ? ready : createContainer(nextContainerName(), resources);
    }

    /**
     * A new path for a container cgroup below the parent, named as {@link #createContainer(Resources)} names
     * them ({@code c<jvm pid>-<n>}, so that the sweep removes it once its JVM and its processes are gone).
     *
     * @return the path, not made yet
     */
    public CgroupPath nextContainerPath() {
        return new CgroupPath(parent, nextContainerName());
    }

    private static String nextContainerName() {
        return "c" + ProcessHandle.current().pid() + "-" + CONTAINERS.incrementAndGet();
    }

    /**
     * Removes the cgroups made ahead by {@link #createContainer(Resources)} now, rather than at JVM exit (for a
     * check that nothing of this JVM is left); the next such call makes more.
     */
    public void removeReadyCgroups() {
        CgroupPool ready;
        synchronized (this) {
            ready = pool;
        }
        if (ready != null) {
            ready.drain(); // outside this lock: a cgroup being made ahead needs it
        }
    }

    private synchronized CgroupPool pool() {
        if (pool == null) {
            pool = new CgroupPool(r -> createContainer(nextContainerName(), r));
            // with the parents' hook where there is one: the ready cgroups must go first (hooks run concurrently)
            if (!createParent) {
                Runtime.getRuntime().addShutdownHook(new Thread(pool::close, "panamax-cgroup-pool-exit"));
            }
        }
        return pool;
    }

    /** {@return the parent's path from each hierarchy root, for example "/panamax"} */
    public String parent() {
        return parent;
    }

    /**
     * Creates cgroup {@code name} under the parent in every hierarchy and applies {@code resources}.
     *
     * @param name      the cgroup's directory name, a single path component
     * @param resources the limits to write
     * @return the new cgroup; close it to remove it
     * @throws IllegalArgumentException if {@code name} is not a single path component
     * @throws CgroupException if the parent does not exist (and is not the default one), a needed controller is not
     *     mounted or delegated, the cgroup exists already, or the kernel refuses a value
     */
    public Cgroup create(String name, Resources resources) {
        return create(name, resources, false);
    }

    private Cgroup create(String name, Resources resources, boolean onlyNeeded) {
        return create(parent, name, List.of(), resources, onlyNeeded);
    }

    /** {@code name} under {@code leafParent}, which is the parent or below it (the {@code between} directories). */
    private synchronized Cgroup create(String leafParent, String name, List<String> between, Resources resources,
                                       boolean onlyNeeded) {
        checkName(name);
        Map<Controller, List<Write>> plan = plan(resources);
        List<CgroupLayout.Hierarchy> hierarchies = onlyNeeded ? needed(plan) : layout.all();
        if (sweptParents.isEmpty()) {
            // every hierarchy's parent, also those this cgroup skips: a dead JVM's cgroup may be in any of them
            layout.all().forEach(this::sweep);
        }
        List<Node> nodes = new ArrayList<>();
        try {
            for (CgroupLayout.Hierarchy h : hierarchies) {
                nodes.add(createIn(h, leafParent, between, name, plan));
            }
            return new Cgroup(name, nodes, above(hierarchies, between));
        } catch (RuntimeException e) {
            try {
                new Cgroup(name, nodes, above(hierarchies, between)).close();
            } catch (RuntimeException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
    }

    /** What each controller needs written, refusing what this host cannot do before anything is created. */
    private Map<Controller, List<Write>> plan(Resources resources) {
        Map<Controller, List<Write>> plan = new EnumMap<>(Controller.class);
        for (Controller c : Controller.values()) {
            // on pure v2 a missing controller is reported by SubtreeControl, naming the cgroup that lacks it
            var hierarchy = layout.hierarchyOf(c).or(() -> layout.v1().isEmpty() ? layout.unified() : Optional.empty());
            CgroupDriver driver = hierarchy.map(Node::driverOf)
                    .orElse(layout.v1().isEmpty() ? V2Driver.INSTANCE : V1Driver.INSTANCE);
            List<Write> writes = driver.writes(c, resources);
            if (!writes.isEmpty() && hierarchy.isEmpty()) {
                throw new CgroupException("controller " + (driver == V2Driver.INSTANCE ? c.v2Name : c.v1Name)
                        + " is not mounted: " + describeMounts() + "; needed for " + writes.getFirst().files().getFirst());
            }
            plan.put(c, writes);
        }
        return plan;
    }

    /**
     * The hierarchies a container cgroup needs (see {@link #createContainer}): the v2 one, each v1 one with
     * something to write, and without v2 the v1 freezer; all of them if that leaves none.
     */
    private List<CgroupLayout.Hierarchy> needed(Map<Controller, List<Write>> plan) {
        List<CgroupLayout.Hierarchy> needed = new ArrayList<>();
        for (CgroupLayout.Hierarchy h : layout.all()) {
            if (h.v2() || h.controllers().stream().anyMatch(c -> !plan.get(c).isEmpty())
                    || (layout.unified().isEmpty() && h.controllers().contains(Controller.FREEZER))) {
                needed.add(h);
            }
        }
        return needed.isEmpty() ? layout.all() : needed;
    }

    /** Once per parent directory: removes what dead JVMs left there (a parent not there yet has nothing). */
    private void sweep(CgroupLayout.Hierarchy h) {
        Path parentDir = dirOf(h, parent);
        if (Files.isDirectory(parentDir) && sweptParents.add(parentDir)) {
            OrphanedCgroups.sweep(parentDir);
        }
    }

    /** The directories between the parent and the cgroups, in every hierarchy, deepest first. */
    private List<Path> above(List<CgroupLayout.Hierarchy> hierarchies, List<String> between) {
        List<Path> above = new ArrayList<>();
        for (CgroupLayout.Hierarchy h : hierarchies) {
            for (String b : between.reversed()) {
                above.add(dirOf(h, b));
            }
        }
        return above;
    }

    private Node createIn(CgroupLayout.Hierarchy h, String leafParent, List<String> between, String name,
                          Map<Controller, List<Write>> plan) {
        try {
            return createOnce(h, leafParent, between, name, plan);
        } catch (CgroupException e) {
            // another JVM's exit may remove a default parent it found empty between our look and our mkdir
            // (ENOENT), or another container's removal a directory between: then the parent and those are made
            // and prepared again, their controllers enabled again, once
            if (!(createParent || !between.isEmpty()) || !(e.getCause() instanceof NoSuchFileException)) {
                throw e;
            }
            return createOnce(h, leafParent, between, name, plan);
        }
    }

    private Node createOnce(CgroupLayout.Hierarchy h, String leafParent, List<String> between, String name,
                            Map<Controller, List<Write>> plan) {
        Path ownParent = dirOf(h, parent);
        CgroupDriver driver = Node.driverOf(h);
        ensureParent(h, ownParent, driver);
        if (sweptParents.add(ownParent)) {
            OrphanedCgroups.sweep(ownParent);
        }
        for (String b : between) { // shared with other containers: made once, left when they go
            Path dir = dirOf(h, b);
            if (CgroupFs.mkdir(dir)) {
                driver.prepare(dir.getParent(), dir, h.controllers());
            }
        }
        Path parentDir = dirOf(h, leafParent);
        Set<Controller> controllers = EnumSet.noneOf(Controller.class);
        controllers.addAll(h.controllers());
        if (h.v2()) {
            Set<Controller> required = EnumSet.noneOf(Controller.class);
            Set<Controller> optional = EnumSet.noneOf(Controller.class);
            for (Controller c : Controller.values()) {
                if (!plan.get(c).isEmpty() && layout.hierarchyOf(c).map(h::equals).orElse(layout.v1().isEmpty())) {
                    required.add(c);
                }
            }
            optional.addAll(h.controllers());
            optional.retainAll(FOR_STATS);
            optional.removeAll(required);
            controllers = SubtreeControl.enable(h.mount(), parentDir, required, optional);
        }
        Path dir = parentDir.resolve(name);
        if (!CgroupFs.mkdir(dir)) {
            throw new CgroupException("cgroup " + dir + " already exists");
        }
        Node node = new Node(dir, driver, controllers, h.v2());
        try {
            driver.prepare(parentDir, dir, controllers);
            for (Controller c : controllers) {
                plan.get(c).forEach(write -> write.applyTo(dir));
            }
        } catch (RuntimeException e) {
            CgroupFs.rmdir(dir);
            throw e;
        }
        return node;
    }

    private void ensureParent(CgroupLayout.Hierarchy h, Path parentDir, CgroupDriver driver) {
        if (Files.isDirectory(parentDir)) {
            if (createParent && !createdParents.contains(parentDir)) {
                // made by another JVM, perhaps one that died: the last JVM out removes it (busy while in use)
                adopt(parentDir);
            }
            return;
        }
        if (!createParent || !Files.isDirectory(parentDir.getParent())) {
            throw new CgroupException("parent cgroup " + parentDir + " does not exist");
        }
        if (CgroupFs.mkdir(parentDir)) {
            adopt(parentDir);
            driver.prepare(parentDir.getParent(), parentDir, h.controllers());
        }
    }

    private void adopt(Path parentDir) {
        if (createdParents.contains(parentDir)) {
            return;
        }
        if (createdParents.isEmpty()) {
            Runtime.getRuntime().addShutdownHook(new Thread(this::removeCreatedParents, "panamax-cgroup-parents"));
        }
        createdParents.add(parentDir);
    }

    /**
     * At JVM exit: removes the parents this manager created or found (the default parent only: one another
     * JVM made, perhaps one that died, is this JVM's to remove too). They stay while the JVM runs, even when no
     * container is left: creating and removing a parent in nine hierarchies per launch doubled the cost of a
     * container's cgroup. A parent another process still uses is busy and stays.
     */
    void removeCreatedParents() {
        CgroupPool ready;
        synchronized (this) {
            ready = pool;
        }
        if (ready != null) {
            ready.close(); // outside this lock: a cgroup being made ahead needs it
        }
        synchronized (this) {
            createdParents.removeIf(CgroupFs::rmdir);
        }
    }

    @Override
    public String toString() {
        return "CgroupManager[" + mode() + " " + parent + "]";
    }

    private String describeMounts() {
        StringBuilder text = new StringBuilder("mounted are");
        layout.v1().forEach(h -> text.append(" v1 ").append(h.mount()));
        layout.unified().ifPresent(h -> text.append(" v2 ").append(h.mount()).append(" (controllers: ")
                .append(h.controllers().stream().map(c -> c.v2Name).toList()).append(')'));
        return text.toString();
    }

    /** The directory of cgroup {@code path} (from the hierarchy root) in hierarchy {@code h}. */
    static Path dirOf(CgroupLayout.Hierarchy h, String path) {
        String root = h.root().equals("/") ? "" : h.root();
        if (!(path + "/").startsWith(root + "/")) {
            throw new CgroupException("cgroup " + path + " is outside the part " + h.root() + " of the hierarchy mounted at "
                    + h.mount());
        }
        String rest = path.substring(root.length());
        return rest.isEmpty() || rest.equals("/") ? h.mount() : h.mount().resolve(rest.substring(1));
    }

    private static String normalize(String parent) {
        if (parent == null || !parent.startsWith("/") || parent.contains("/../") || parent.endsWith("/..")
                || parent.contains("//")) {
            throw new IllegalArgumentException("parent: must be an absolute cgroup path like /panamax, got " + parent);
        }
        return parent.length() > 1 && parent.endsWith("/") ? parent.substring(0, parent.length() - 1) : parent;
    }

    private static void checkName(String name) {
        if (name == null || name.isEmpty() || name.length() > 255 || name.contains("/") || name.equals(".")
                || name.equals("..") || name.contains("\n")) {
            throw new IllegalArgumentException("name: must be one path component (no /, not . or ..), got \""
                    + name + "\"");
        }
    }
}
