package dev.panamax.cgroup;

import dev.panamax.sys.Bpf;
import dev.panamax.sys.ErrnoException;
import dev.panamax.sys.internal.Abi;
import dev.panamax.sys.internal.Libc;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * One control group, present in every hierarchy of the host (a container's: in those it needs, see
 * {@link CgroupManager#createContainer}): limits, accounting, freeze and kill for the processes placed in it.
 * Closing it kills what is left and removes it everywhere.
 *
 * <pre>{@code
 * Resources limits = Resources.builder().memoryMax(DataSize.parse("64m")).pidsMax(32).build();
 * try (Cgroup cg = Cgroup.create("job-42", limits)) {
 *     Process p = new ProcessBuilder("sh", "-c", "read go; exec ./work").start();
 *     cg.addProcess(p.pid());                  // before it does any work
 *     p.getOutputStream().write('\n');
 *     p.getOutputStream().flush();
 *     p.waitFor();
 *     if (cg.oomKilled()) System.err.println("killed by the OOM killer");
 *     System.out.println(cg.stats());
 * }                                            // kills leftovers, removes the cgroup
 * }</pre>
 *
 * <p>Thread-safe for concurrent reads; {@link #close()} may be called more than once.
 */
public final class Cgroup implements AutoCloseable {

    private static final Duration REMOVE_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration KILL_TIMEOUT = Duration.ofSeconds(10);

    private final String name;
    private final List<Node> nodes;
    /** Directories between the parent and this cgroup, deepest first: removed at close when then empty. */
    private final List<Path> above;
    private boolean closed;

    Cgroup(String name, List<Node> nodes) {
        this(name, nodes, List.of());
    }

    Cgroup(String name, List<Node> nodes, List<Path> above) {
        this.name = name;
        this.nodes = List.copyOf(nodes);
        this.above = List.copyOf(above);
    }

    /**
     * The cgroup at {@code path} as it is now, in every hierarchy of this host where its directory exists: for
     * another process than the one that made it (a container created by a JVM that has exited). A cgroup that is
     * gone has no directory left: its {@link #pids()} are empty and {@link #close()} does nothing but remove
     * the directories between that are empty.
     *
     * @param path where the cgroup is
     * @return the cgroup; close it to kill what is in it and remove it
     */
    public static Cgroup existing(CgroupPath path) {
        CgroupLayout layout = CgroupLayout.detect();
        List<Node> nodes = new ArrayList<>();
        List<Path> above = new ArrayList<>();
        for (CgroupLayout.Hierarchy h : layout.all()) {
            Path dir;
            try {
                dir = CgroupManager.dirOf(h, path.path());
            } catch (CgroupException outsideThisMount) {
                continue;
            }
            for (String b : path.intermediates().reversed()) {
                above.add(CgroupManager.dirOf(h, b));
            }
            if (Files.isDirectory(dir)) {
                java.util.Set<Controller> controllers = h.controllers();
                if (h.v2()) {
                    controllers = java.util.EnumSet.noneOf(Controller.class);
                    for (String c : CgroupFs.readIfExists(dir.resolve("cgroup.controllers")).orElse("").strip()
                            .split("\\s+")) {
                        Controller.ofV2(c).ifPresent(controllers::add);
                    }
                }
                nodes.add(new Node(dir, Node.driverOf(h), controllers, h.v2()));
            }
        }
        return new Cgroup(path.name(), nodes, above);
    }

    /**
     * Writes the limits {@code resources} sets, as at creation (device rules are left as they are: refused).
     * What it does not set stays as it is.
     *
     * @param resources the new limits
     * @throws IllegalArgumentException if {@code resources} has device rules
     * @throws CgroupException if a limit's controller is not in this cgroup, or the kernel refuses a value
     *         (the limits before it in the file order are written by then)
     */
    public void update(Resources resources) {
        if (!resources.devices().isEmpty()) {
            throw new IllegalArgumentException("resources.devices: a cgroup's device rules cannot be updated");
        }
        for (Controller c : Controller.values()) {
            if (c == Controller.DEVICES) {
                continue;
            }
            Node node = nodes.stream().filter(n -> n.controllers().contains(c)).findFirst().orElse(null);
            CgroupDriver driver = node != null ? node.driver()
                    : nodes.stream().anyMatch(Node::unified) && nodes.stream().allMatch(Node::unified)
                    ? V2Driver.INSTANCE : V1Driver.INSTANCE;
            List<Write> writes = driver.writes(c, resources);
            if (writes.isEmpty()) {
                continue;
            }
            if (node == null) {
                throw new CgroupException("cgroup " + name + " is not in the " + c.v1Name + " controller's hierarchy "
                        + "(or has it not enabled): cannot write " + writes.getFirst().files().getFirst());
            }
            writes.forEach(w -> w.applyTo(node.dir()));
        }
    }

    /**
     * Creates {@code name} under the default parent of {@link CgroupManager#system()} with {@code resources}.
     *
     * @param name      the cgroup's directory name, a single path component
     * @param resources the limits to write
     * @return the new cgroup; close it to remove it
     * @throws CgroupException as {@link CgroupManager#create(String, Resources)}
     */
    public static Cgroup create(String name, Resources resources) {
        return CgroupManager.system().create(name, resources);
    }

    /** {@return the cgroup's directory name under its parent} */
    public String name() {
        return name;
    }

    /**
     * Moves {@code pid} (with its threads) into this cgroup, writing {@code cgroup.procs} in every hierarchy.
     *
     * @param pid a process id in this JVM's pid namespace
     */
    public void addProcess(long pid) {
        for (Node node : nodes) {
            CgroupFs.write(node.dir().resolve("cgroup.procs"), Long.toString(pid));
        }
    }

    /**
     * The directory that drives {@code controller}, by its v1 or v2 name ("memory", "cpu", "blkio" or "io", ...).
     * Empty if no hierarchy of this host has the controller.
     *
     * @param controller a controller name, v1 or v2
     * @return the directory, or empty
     */
    public Optional<Path> path(String controller) {
        return Controller.ofName(controller).flatMap(
                c -> nodes.stream().filter(n -> n.controllers().contains(c)).map(Node::dir).findFirst());
    }

    /**
     * The directory in the v2 hierarchy, also on hybrid hosts; open it for {@code clone3(CLONE_INTO_CGROUP)}.
     * Empty on pure v1 hosts.
     *
     * @return the v2 directory, or empty
     */
    public Optional<Path> unifiedPath() {
        return unified().map(Node::dir);
    }

    /** {@return every directory of this cgroup, v1 hierarchies first} */
    public List<Path> paths() {
        return nodes.stream().map(Node::dir).toList();
    }

    /** {@return the pids in the cgroup now} */
    public List<Long> pids() {
        Set<Long> pids = new LinkedHashSet<>();
        for (Node node : nodes) {
            if (Files.isDirectory(node.dir())) { // close() removes them one by one, killing what is left
                pids.addAll(node.driver().pids(node.dir()));
            }
        }
        return List.copyOf(pids);
    }

    /** {@return the cgroup's accounting now: memory, CPU time, pids, block I/O, as far as its controllers count} */
    public CgroupStats stats() {
        CgroupStats.Collector collector = new CgroupStats.Collector();
        for (Node node : nodes) {
            node.driver().collectStats(node.dir(), node.controllers(), collector);
        }
        return collector.build();
    }

    /** {@return whether the OOM killer killed a process of this cgroup} */
    public boolean oomKilled() {
        return oomKillCount() > 0;
    }

    /**
     * {@return how many processes of this cgroup the OOM killer killed} From v2 {@code memory.events}, v1
     * {@code memory.oom_control}; 0 without the memory controller.
     */
    public long oomKillCount() {
        return memoryNode().map(n -> n.driver().oomKills(n.dir())).orElse(OptionalLong.empty()).orElse(0);
    }

    /**
     * {@return how often a fork failed because of {@code pids.max}} From {@code pids.events} "max"; 0 without
     * the pids controller.
     */
    public long pidsMaxEvents() {
        return nodes.stream().filter(n -> n.controllers().contains(Controller.PIDS)).findFirst()
                .map(n -> n.driver().pidsMaxEvents(n.dir())).orElse(OptionalLong.empty()).orElse(0);
    }

    /** Stops every process and returns once the kernel reports them frozen. */
    public void freeze() {
        freezer().freeze();
    }

    /** Lets the processes of a frozen cgroup run again. */
    public void thaw() {
        freezer().thaw();
    }

    /** {@return whether the cgroup is frozen now} */
    public boolean frozen() {
        return freezer().frozen();
    }

    /**
     * Kills every process in the cgroup, including ones that left the process group or session, and returns once
     * the cgroup is empty. v2 and hybrid: {@code cgroup.kill}; v1: freeze, SIGKILL each pid, thaw, until empty.
     */
    public void killAll() {
        Optional<Node> unified = unified().filter(n -> Files.exists(n.dir().resolve("cgroup.kill")));
        if (unified.isPresent()) {
            CgroupFs.write(unified.get().dir().resolve("cgroup.kill"), "1");
        }
        if (unified.isEmpty() || !pids().isEmpty()) {
            // no cgroup.kill, or a process in some v1 hierarchies only (one that joined some of them and not
            // the unified one, as a launch that failed midway leaves it): killed by pid, frozen first
            new V1KillLoop(this::pids, freezerOrNull()).run(KILL_TIMEOUT);
        }
        Poll.until(() -> pids().isEmpty(), KILL_TIMEOUT,
                () -> "processes " + pids() + " are still in cgroup " + name + " " + KILL_TIMEOUT.toSeconds()
                        + " s after killing them");
    }

    /**
     * cgroup v2: makes {@code rules} (in order, the last match decides) the device policy of this cgroup, as an
     * eBPF program ({@link DeviceProgram}) attached to its unified directory. The cgroup keeps the program;
     * it goes with the cgroup.
     *
     * @throws CgroupException when this cgroup has no v2 directory or the kernel refuses the program
     */
    void attachDeviceProgram(List<DeviceRule> rules) {
        Node v2 = unified().orElseThrow(() -> new CgroupException("cgroup " + name
                + " has no cgroup v2 directory for a device program"));
        try {
            int dir = Libc.open(v2.dir().toString(), Abi.O_RDONLY | Abi.O_DIRECTORY | Abi.O_CLOEXEC, 0);
            try {
                int prog = Bpf.loadCgroupDeviceProgram(DeviceProgram.compile(rules));
                try {
                    Bpf.attachCgroupDevice(dir, prog);
                } finally {
                    Libc.close(prog);
                }
            } finally {
                Libc.close(dir);
            }
        } catch (ErrnoException e) {
            throw new CgroupException("the device program for " + v2.dir() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Kills what is left, then removes the cgroup from every hierarchy, retrying while the kernel says it is busy.
     * Calling it again does nothing.
     *
     * @throws CgroupException if a directory could not be removed within 10 s
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        List<RuntimeException> failures = new ArrayList<>();
        boolean killed = false;
        for (Node node : nodes.reversed()) {
            try {
                // an rmdir that succeeds proves it empty, without reading cgroup.procs; a busy one (also in a
                // hierarchy a process joined alone) gets what is left killed, once, before waiting
                if (!killed && !CgroupFs.rmdir(node.dir())) {
                    killed = true;
                    killAll();
                }
            } catch (RuntimeException e) {
                failures.add(e);
            }
            try {
                Poll.until(() -> CgroupFs.rmdir(node.dir()), REMOVE_TIMEOUT, () -> "removing cgroup " + node.dir()
                        + ": still busy after " + REMOVE_TIMEOUT.toSeconds() + " s (processes: "
                        + node.driver().pids(node.dir()) + ")");
            } catch (RuntimeException e) {
                failures.add(e);
            }
        }
        if (failures.isEmpty()) {
            for (Path dir : above) { // shared with other containers: stays while one is there
                try {
                    CgroupFs.rmdir(dir);
                } catch (CgroupException notRemovable) {
                    // another container's, or not ours to remove: left as it is
                }
            }
        }
        if (!failures.isEmpty()) {
            CgroupException error = new CgroupException("closing cgroup " + name + ": " + failures.getFirst().getMessage(),
                    failures.getFirst());
            failures.stream().skip(1).forEach(error::addSuppressed);
            throw error;
        }
    }

    private Optional<Node> unified() {
        return nodes.stream().filter(Node::unified).findFirst();
    }

    private Optional<Node> memoryNode() {
        return nodes.stream().filter(n -> n.controllers().contains(Controller.MEMORY)).findFirst();
    }

    private Freezer freezerOrNull() {
        // the v2 freezer where it exists (also on hybrid hosts), else the v1 freezer controller; not one that
        // close() has removed already
        for (Node node : unified().filter(n -> Files.isDirectory(n.dir())).stream().toList()) {
            return node.driver().freezer(node.dir(), node.controllers());
        }
        for (Node node : nodes.stream().filter(n -> Files.isDirectory(n.dir())).toList()) {
            Freezer freezer = node.driver().freezer(node.dir(), node.controllers());
            if (freezer != null) {
                return freezer;
            }
        }
        return null;
    }

    private Freezer freezer() {
        Freezer freezer = freezerOrNull();
        if (freezer == null) {
            throw new CgroupException("freezing cgroup " + name + " needs cgroup v2 or the v1 freezer controller, "
                    + "and this host mounts neither");
        }
        return freezer;
    }

    @Override
    public String toString() {
        return "Cgroup[" + name + " " + paths() + "]";
    }
}
