package dev.panamax.launch;

import dev.panamax.ContainerSpec;
import dev.panamax.IdMap;
import dev.panamax.program.IdentitySteps;
import dev.panamax.sys.ErrnoException;
import dev.panamax.sys.internal.Abi;
import dev.panamax.sys.internal.Libc;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The {@link LaunchPhase#USER_MAPPINGS} phase: writes {@code /proc/<pid>/setgroups}, {@code uid_map} and
 * {@code gid_map} while the child waits on the sync pipe.
 *
 * <ul>
 *   <li>As root, every map is written directly; setgroups stays "allow".</li>
 *   <li>An unprivileged caller may write a map directly only when it is one range of count 1 onto its own
 *       effective id; for gids the kernel then demands {@code setgroups} = "deny" first (else dropping a
 *       group could grant access a negative group ACL withholds), so the container cannot change groups.</li>
 *   <li>Anything else goes through the setuid helpers {@code newuidmap}/{@code newgidmap} (package uidmap),
 *       which check {@code /etc/subuid}/{@code /etc/subgid}. The allotment is checked here first, so errors say
 *       which range the file refuses. newgidmap leaves setgroups allowed when a range came from /etc/subgid.</li>
 * </ul>
 * Helpers are found on PATH, or at {@code -Ddev.panamax.newuidmap=/path} / {@code -Ddev.panamax.newgidmap=}.
 *
 * <pre>{@code
 * Optional<IdMapWriter> maps = IdMapWriter.prepare(spec);   // before clone: refusals cost nothing
 * long pid = clone(...);
 * maps.ifPresent(w -> w.write(pid));                        // then release the child
 * }</pre>
 */
final class IdMapWriter {

    /** The uid side or the gid side: its map file, helper and allotment file. */
    enum Kind {
        UID("uid", "uid_map", "newuidmap", Path.of("/etc/subuid")),
        GID("gid", "gid_map", "newgidmap", Path.of("/etc/subgid"));

        final String id;
        final String file;
        final String helper;
        final Path allotment;

        Kind(String id, String file, String helper, Path allotment) {
            this.id = id;
            this.file = file;
            this.helper = helper;
            this.allotment = allotment;
        }
    }

    /** One map and how it is written: {@code helper} null means a direct write. */
    private record Job(Kind kind, List<IdMap> ranges, Path helper) {
    }

    private final ContainerSpec spec;
    private final Job uid;
    private final Job gid;
    private final boolean denySetgroups;

    private IdMapWriter(ContainerSpec spec, Job uid, Job gid, boolean denySetgroups) {
        this.spec = spec;
        this.uid = uid;
        this.gid = gid;
        this.denySetgroups = denySetgroups;
    }

    /**
     * Decides how each map is written and checks what can be checked before clone: the helpers exist, the
     * caller's allotment covers every range, no supplementary groups where setgroups will be denied.
     */
    static Optional<IdMapWriter> prepare(ContainerSpec spec) {
        if (!spec.users().present()) {
            return Optional.empty();
        }
        Caller caller = Caller.current();
        Job uid = job(spec, caller, Kind.UID, spec.users().uidMap());
        Job gid = job(spec, caller, Kind.GID, spec.users().gidMap());
        boolean deny = IdentitySteps.setgroupsDenied(spec);
        if (deny && spec.identity().map(i -> !i.groups().isEmpty()).orElse(false)) {
            throw FailureReport.refused(spec, "map group ids", "setgroups",
                    "supplementary groups " + spec.identity().get().groups() + " need setgroups, which the kernel"
                            + " denies to an unprivileged caller that maps only its own gid; give " + caller.name()
                            + " a range in /etc/subgid and map it, or launch as root");
        }
        return Optional.of(new IdMapWriter(spec, uid, gid, deny));
    }

    private static Job job(ContainerSpec spec, Caller caller, Kind kind, List<IdMap> ranges) {
        long own = kind == Kind.UID ? caller.euid() : caller.egid();
        if (caller.euid() == 0 || IdentitySteps.isOwnId(ranges, own)) {
            return new Job(kind, ranges, null);
        }
        SubordinateIds allotment = SubordinateIds.read(kind.allotment, caller.name(), caller.euid());
        for (IdMap r : ranges) {
            boolean ownId = r.count() == 1 && r.hostId() == own;
            if (!ownId && !allotment.covers(r.hostId(), r.count())) {
                throw FailureReport.refused(spec, "map " + kind.id + "s", kind.helper,
                        kind.id + " range " + r.hostId() + "-" + r.hostLast() + " is not in " + caller.name()
                                + "'s allotment in " + kind.allotment + " (" + allotment.describe() + ")");
            }
        }
        return new Job(kind, ranges, helper(spec, kind));
    }

    private static Path helper(ContainerSpec spec, Kind kind) {
        String configured = System.getProperty("dev.panamax." + kind.helper);
        if (configured != null) {
            Path p = Path.of(configured);
            if (Files.isExecutable(p)) {
                return p;
            }
            throw FailureReport.refused(spec, "map " + kind.id + "s", kind.helper, kind.helper
                    + " is not installed at " + p + " (set by -Ddev.panamax." + kind.helper + "; apt-get install uidmap)");
        }
        String path = Optional.ofNullable(System.getenv("PATH")).orElse("");
        for (String dir : path.split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, kind.helper))) {
                return Path.of(dir, kind.helper);
            }
        }
        throw FailureReport.refused(spec, "map " + kind.id + "s", kind.helper, kind.helper + " is not installed"
                + " (apt-get install uidmap); an unprivileged caller needs it to map more than its own " + kind.id
                + " (searched PATH=" + path + ")");
    }

    /** Writes setgroups (if denied), uid_map, gid_map of the waiting child {@code pid}, in that order. */
    void write(long pid) {
        Path proc = Path.of("/proc", Long.toString(pid));
        if (denySetgroups && gid.helper() == null) {
            writeFile(proc.resolve("setgroups"), "deny\n", "deny setgroups (the kernel's condition for an"
                    + " unprivileged gid_map)");
        }
        for (Job job : List.of(uid, gid)) {
            if (job.helper() == null) {
                StringBuilder text = new StringBuilder();
                job.ranges().forEach(r -> text.append(r.line()).append('\n'));
                writeFile(proc.resolve(job.kind().file), text.toString(), "write the " + job.kind().id + " map");
            } else {
                runHelper(job, pid);
            }
        }
    }

    /** One write(2) call: the kernel takes a map file's content only whole, in one write. */
    private void writeFile(Path file, String content, String what) {
        String step = "USER_MAPPINGS: " + what + " \"" + content.strip().replace("\n", "\\n") + "\" to " + file;
        byte[] bytes = content.getBytes(StandardCharsets.US_ASCII);
        int fd;
        try {
            fd = Libc.open(file.toString(), Abi.O_WRONLY | Abi.O_CLOEXEC, 0);
        } catch (ErrnoException e) {
            throw FailureReport.parentCall(spec, step, "open", e.errno(), e);
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(bytes.length);
            buf.copyFrom(MemorySegment.ofArray(bytes));
            long n = Libc.write(fd, buf, bytes.length);
            if (n != bytes.length) {
                throw FailureReport.refused(spec, step, "write", "wrote " + n + " of " + bytes.length + " bytes");
            }
        } catch (ErrnoException e) {
            throw FailureReport.parentCall(spec, step, "write", e.errno(), e);
        } finally {
            Libc.close(fd);
        }
    }

    private void runHelper(Job job, long pid) {
        List<String> cmd = new ArrayList<>(List.of(job.helper().toString(), Long.toString(pid)));
        for (IdMap r : job.ranges()) {
            cmd.addAll(List.of(Long.toString(r.containerId()), Long.toString(r.hostId()), Long.toString(r.count())));
        }
        String step = "USER_MAPPINGS: write the " + job.kind().id + " map with " + String.join(" ", cmd);
        Process p = null;
        try {
            p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectInput(new java.io.File("/dev/null")).start();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            int code = p.waitFor();
            if (code != 0) {
                throw FailureReport.refused(spec, step, job.kind().helper, "exit status " + code
                        + (output.isEmpty() ? "" : ": " + output));
            }
        } catch (IOException e) {
            throw FailureReport.refused(spec, step, job.kind().helper, "cannot run it: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw FailureReport.refused(spec, step, job.kind().helper, "interrupted");
        } finally {
            if (p != null && p.isAlive()) { // a failed read or an interrupt: the helper must not linger
                p.destroyForcibly();
            }
        }
    }

    /** Who launches: effective ids and the name /etc/subuid lists them under. */
    private record Caller(long euid, long egid, String name) {
        static Caller current() {
            // user.name comes from getpwuid(getuid()) through NSS, as newuidmap's own lookup does
            return new Caller(Integer.toUnsignedLong(Libc.geteuid()), Integer.toUnsignedLong(Libc.getegid()),
                    System.getProperty("user.name"));
        }
    }
}
