package dev.panamax.rootfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs programs inside built rootfs with chroot(8): proves the dependency closure is complete. */
@Tag("kernel")
class RootfsChrootTest {
    /** A harmless run of each default program, and what its output must contain ("" = anything). */
    private static final Map<String, Probe> PROBES = Map.ofEntries(
            Map.entry("sh", new Probe("", "-c", "true")),
            Map.entry("bash", new Probe("bash ok", "-c", "echo bash ok")),
            Map.entry("ls", new Probe("etc", "/")),
            Map.entry("cat", new Probe(BaseLayout.HOSTNAME, "/etc/hostname")),
            Map.entry("echo", new Probe("hi", "hi")),
            Map.entry("id", new Probe("uid=0(root) gid=0(root)")),
            Map.entry("hostname", new Probe("")),
            Map.entry("ps", new Probe("procps", 0, true, List.of("--version"))), // procps 4 refuses to start without /proc
            Map.entry("mount", new Probe("mount from util-linux", "--version")),
            Map.entry("umount", new Probe("umount from util-linux", "--version")),
            Map.entry("sleep", new Probe("", "0")),
            Map.entry("true", new Probe("")),
            Map.entry("false", new Probe("", 1)),
            Map.entry("env", new Probe("PATH=/usr/sbin:/usr/bin:/sbin:/bin")),
            Map.entry("uname", new Probe("Linux", "-s")),
            Map.entry("grep", new Probe("nobody:x:65534", "nobody", "/etc/passwd")),
            Map.entry("head", new Probe("root:x:0:0", "-n1", "/etc/passwd")),
            Map.entry("tail", new Probe("nobody", "-n1", "/etc/passwd")),
            Map.entry("wc", new Probe("2 /etc/passwd", "-l", "/etc/passwd")),
            Map.entry("mkdir", new Probe("", "-p", "/tmp/probe-dir")),
            Map.entry("touch", new Probe("", "/tmp/probe-file")),
            Map.entry("rm", new Probe("", "-rf", "/tmp/probe-file", "/tmp/probe-dir")),
            Map.entry("readlink", new Probe("dash", "/usr/bin/sh")),
            Map.entry("stat", new Probe("File: /", "/")),
            Map.entry("ip", new Probe("ip utility", "-V")));

    record Probe(String expected, int exit, boolean needsProc, List<String> args) {
        Probe(String expected, String... args) {
            this(expected, 0, false, List.of(args));
        }

        Probe(String expected, int exit) {
            this(expected, exit, false, List.of());
        }
    }

    @TempDir static Path tmp;
    static Path root;

    @BeforeAll
    static void buildDefaultRootfs() throws IOException {
        assumeTrue((int) Files.getAttribute(Path.of("/proc/self"), "unix:uid") == 0,
                "chroot(8) needs root; these tests run as root in CI");
        long start = System.nanoTime();
        Rootfs.Report report = Rootfs.build(tmp.resolve("default"), Rootfs.defaultPrograms(),
                ProgramLocator.fromEnvironment(), LdCache.load(LdCache.SYSTEM));
        long ms = (System.nanoTime() - start) / 1_000_000;
        root = report.dir();
        System.out.printf("default rootfs: %d programs, %d files copied (%.1f MiB), %d kept, in %d ms%n",
                Rootfs.defaultPrograms().size(), report.copiedFiles(), report.copiedBytes() / 1048576.0,
                report.keptFiles(), ms);
        long again = System.nanoTime();
        Rootfs.build(root, Rootfs.defaultPrograms(), ProgramLocator.fromEnvironment(), LdCache.load(LdCache.SYSTEM));
        System.out.printf("rebuild: %d ms%n", (System.nanoTime() - again) / 1_000_000);
    }

    @Test
    void everyDefaultProgramHasAProbe() {
        assertEquals(new java.util.TreeSet<>(Rootfs.DEFAULT_PROGRAMS), new java.util.TreeSet<>(PROBES.keySet()));
    }

    @Test
    void theShellRunsAndSeesTheRootfs() throws Exception {
        Result r = run(List.of("chroot", root.toString(), "/bin/sh", "-c", "echo hi; ls /; id -u"));
        assertEquals(0, r.exit, r.output);
        List<String> lines = r.output.lines().toList();
        assertEquals("hi", lines.getFirst());
        assertEquals("0", lines.getLast());
        for (String dir : List.of("bin", "dev", "etc", "proc", "root", "sys", "tmp", "usr")) {
            assertTrue(lines.contains(dir), dir + " in " + lines);
        }
    }

    @Test
    void everyDefaultProgramRunsFromTheCopy() throws Exception {
        List<String> failures = new ArrayList<>();
        for (String program : Rootfs.defaultPrograms()) {
            Probe probe = PROBES.get(program);
            List<String> command = new ArrayList<>(List.of("chroot", root.toString(), program));
            command.addAll(probe.args);
            if (probe.needsProc) {
                command = inNamespacesWithProc(String.join(" ", command.subList(2, command.size())));
            }
            Result r = run(command);
            if (r.exit != probe.exit || !r.output.contains(probe.expected)) {
                failures.add(command + " exited " + r.exit + ": " + r.output);
            }
        }
        assertEquals(List.of(), failures);
    }

    @Test
    void psAndMountWorkOnAProcMountedInANewNamespace() throws Exception {
        assumeTrue(Rootfs.defaultPrograms().containsAll(List.of("ps", "mount")), "ps and mount are on this host");
        Result r = run(inNamespacesWithProc("ps -e -o pid=,comm= && mount | grep '^proc'"));
        assertEquals(0, r.exit, r.output);
        assertTrue(r.output.lines().anyMatch(l -> l.trim().equals("1 sh")), r.output);
        assertTrue(r.output.contains("proc on /proc type proc"), r.output);
        try (var s = Files.list(root.resolve("proc"))) {
            assertEquals(0, s.count(), "the /proc mount did not leak out of the namespace");
        }
    }

    /** {@code script} run by the rootfs shell as pid 1 of new mount and pid namespaces, with /proc mounted. */
    private static List<String> inNamespacesWithProc(String script) {
        // unshare(1) makes private mount and pid namespaces, so the /proc mount ends with the shell.
        return List.of("unshare", "--mount", "--pid", "--fork", "--propagation", "private",
                "chroot", root.toString(), "/bin/sh", "-c", "mount -t proc proc /proc && " + script);
    }

    record Result(int exit, String output) { }

    private static Result run(List<String> command) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().clear();
        pb.environment().put("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(command + " did not finish: " + out);
        }
        return new Result(p.exitValue(), out);
    }
}
