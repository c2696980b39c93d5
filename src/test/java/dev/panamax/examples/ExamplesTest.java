package dev.panamax.examples;

import dev.panamax.BusyboxRootfs;
import dev.panamax.rootfs.Rootfs;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every example runs as a user would run it: its own JVM, its main, its exit status; non-interactively, on
 * the default rootfs built once into a temporary cache (deleted afterwards).
 */
@Tag("kernel")
class ExamplesTest {
    private static final Path BUILD = Path.of(System.getProperty("panamax.build.dir", "target"));
    private static final String MAVEN_VARIABLE = "MAVEN_CMD_LINE_ARGS";
    private static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    private static Path temp;
    private static Path cache;

    @BeforeAll
    static void buildTheDefaultRootfs() throws IOException {
        temp = Files.createTempDirectory("panamax-examples-");
        cache = Rootfs.defaultRootfs(temp.resolve("rootfs")); // the examples find it complete and reuse it
    }

    @AfterAll
    static void deleteIt() {
        BusyboxRootfs.deleteTree(temp);
    }

    /** What one run of an example printed and how it ended. */
    record Result(int exit, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    private static Result run(String main, String stdin, String... args) throws Exception {
        return run(List.of(), main, stdin, args);
    }

    private static Result run(List<String> prefix, String main, String stdin, String... args) throws Exception {
        return run(prefix, false, main, stdin, args);
    }

    /** Runs an example; {@code underMaven}: with the variable Maven's launcher exports (else without it). */
    private static Result run(List<String> prefix, boolean underMaven, String main, String stdin, String... args)
            throws Exception {
        List<String> cmd = new ArrayList<>(prefix);
        cmd.addAll(List.of(JAVA,
                "--enable-native-access=ALL-UNNAMED", "-Dpanamax.rootfs=" + cache,
                "-cp", BUILD.resolve("classes") + ":" + BUILD.resolve("test-classes"), "dev.panamax.examples." + main));
        cmd.addAll(List.of(args));
        Path out = temp.resolve(main + ".out");
        Path err = temp.resolve(main + ".err");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().remove(MAVEN_VARIABLE); // surefire's JVM inherits it from mvn
        if (underMaven) {
            pb.environment().put(MAVEN_VARIABLE, "-q exec:exec@" + main.toLowerCase());
        }
        Process p = pb.start();
        try (var in = p.getOutputStream()) {
            in.write(stdin.getBytes());
        }
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
            throw new AssertionError(main + " did not finish within 120 s:\n" + Files.readString(out) + Files.readString(err));
        }
        return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    @Test
    void shellRunsPipedCommandsAndReportsTheStatus() throws Exception {
        Result r = run("Shell", "echo hello; hostname; cat /proc/1/comm; exit 3\n");
        assertEquals(3, r.exit(), r.toString());
        assertTrue(r.out().contains("hello\ncontainer\nsh\n"), r.toString());
        assertTrue(r.out().contains("Finished! The shell exited with code 3"), r.toString());
    }

    @Test
    void shellRunsOnAPlainBusyboxRootfsInTheRootDirectory() throws Exception {
        Path rootfs = Files.createDirectories(temp.resolve("busybox/bin"));
        Files.copy(BusyboxRootfs.BUSYBOX, rootfs.resolve("busybox"), StandardCopyOption.COPY_ATTRIBUTES);
        Files.createSymbolicLink(rootfs.resolve("sh"), Path.of("busybox"));
        Result r = run("Shell", "pwd; echo home=$HOME; exit 5\n", rootfs.getParent().toString());
        assertEquals(5, r.exit(), r.toString());
        assertTrue(r.out().startsWith("/\nhome=/\n"), "no /root in this rootfs: / instead: " + r);
    }

    @Test
    void shellUnderMavenWithoutATerminalSaysHowToPipeCommandsIntoIt() throws Exception {
        Result r = run(List.of(), true, "Shell", "exit 0\n");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.err().startsWith("shell: Maven's exec plugin reads piped stdin itself, before the shell can;"
                + " to pipe commands into the shell, run its JVM directly:\n  echo 'hostname; exit 3' | " + JAVA
                + " --enable-native-access=ALL-UNNAMED -cp "), r.toString());
        assertTrue(r.err().contains(" dev.panamax.examples.Shell\n"), r.toString());
    }

    @Test
    void demoShowsIsolationAndTheLaunchTime() throws Exception {
        Result r = run("Demo", "");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("| HOST") && r.out().contains("| CONTAINER"), r.toString());
        Matcher m = Pattern.compile("Isolated: hostname panamax-demo, PID 1 sees (\\d+) processes, (\\d+) mounts of its own "
                + "\\(host: \\d+\\), memory 64 MiB / 32 pids, network: lo only\\. Launch time [0-9.]+ ms, [0-9.]+ ms with a "
                + "new cgroup \\(median of \\d+ in this young JVM; the benchmark measures a warm one\\)\\.").matcher(r.out());
        assertTrue(m.find(), r.toString());
        assertTrue(Integer.parseInt(m.group(1)) <= 3, "the shell, ps and nothing else: " + r);
        assertTrue(r.out().contains("| /panamax/c"), "the container's own cgroup: " + r);
        assertEquals("", r.err(), r.toString());
    }

    @Test
    void demoAsAnUnprivilegedUserSaysWhatToDoInOneLine() throws Exception {
        Result r = run(List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"), "Demo", "");
        assertEquals(1, r.exit(), r.toString());
        assertEquals("demo: run as root (or see the Rootless example)\n", r.err(), r.toString());
        assertEquals("", r.out(), r.toString());
    }

    @Test
    void limitsReportsTheOomKillAndTheCpuShare() throws Exception {
        Result r = run("Limits", "");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("memory: OOM kill reported by the handle"), r.toString());
        Matcher m = Pattern.compile("cpu: measured share ([0-9.]+) cores \\(limit 0\\.20\\)").matcher(r.out());
        assertTrue(m.find(), r.toString());
        double share = Double.parseDouble(m.group(1));
        assertTrue(share > 0.05 && share < 0.4, "a busy loop under 0.2 cores gets about 0.2: " + r);
    }

    @Test
    void sandboxJudgesTimeoutRuntimeErrorAndOk() throws Exception {
        Result timeout = run("Sandbox", "", "--timeout", "1", "--", "sh", "-c", "echo started; sleep 30");
        assertEquals(2, timeout.exit(), "a verdict, not a failure: " + timeout);
        assertTrue(timeout.out().contains("started\n"), timeout.toString());
        assertTrue(timeout.out().endsWith("verdict: TIMEOUT\n"), timeout.toString());

        Result error = run("Sandbox", "", "sh", "-c", "echo oops >&2; exit 3");
        assertTrue(error.out().contains("--- stderr\noops\n"), error.toString());
        assertTrue(error.out().endsWith("verdict: RUNTIME ERROR (exit 3)\n"), error.toString());
        assertEquals(2, error.exit(), error.toString());

        Result ok = run("Sandbox", "", "sh", "-c", "cat /proc/net/dev");
        assertEquals(0, ok.exit(), ok.toString());
        assertTrue(ok.out().contains("lo:") && !ok.out().contains("eth0"), "no network but lo: " + ok);
        assertTrue(ok.out().endsWith("verdict: OK\n"), ok.toString());
    }

    @Test
    void sandboxJudgesOom() throws Exception {
        Result r = run("Sandbox", "", "--memory", "16", "--", "sh", "-c", "x=0123456789abcdef; while :; do x=$x$x; done");
        assertTrue(r.out().endsWith("verdict: OOM\n"), r.toString());
    }

    @Test
    void webServerAnswersTheHostOnItsPublishedPort() throws Exception {
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            port = s.getLocalPort();
        }
        try (dev.panamax.NetTestHost host = dev.panamax.NetTestHost.open()) {
            host.track(dev.panamax.net.BridgeNetwork.defaults());
            Result r = run("WebServer", "", Integer.toString(port));
            assertEquals(0, r.exit(), r.toString());
            assertTrue(r.out().contains("GET http://127.0.0.1:" + port + "/ -> <h1>Hello from a Panamax container</h1>"),
                    r.toString());
            assertTrue(r.out().contains("Finished!"), r.toString());
        } finally {
            dev.panamax.BusyboxRootfs.deleteTree(Path.of(cache + "-web"));
        }
    }

    @Test
    void planPrintsTheChildProgram() throws Exception {
        Result r = run("Plan", "");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("pivot_root(\".\", \".\")"), r.toString());
        assertTrue(r.out().contains("sethostname(\"planned\""), r.toString());
        assertTrue(r.out().contains("execve("), r.toString());
    }

    @Test
    void rootlessRunsAsAnUnprivilegedUser() throws Exception {
        Path cache = Path.of("/tmp/panamax-rootfs-65534");
        try {
            Result r = run(List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"), "Rootless", "");
            assertEquals(0, r.exit(), r.toString());
            assertTrue(r.out().contains("uid 0 inside, pid 1, hostname rootless"), r.toString());
            assertTrue(r.out().contains("uid_map: 0 65534 1"), r.toString());
            assertTrue(r.out().contains("host uid 65534 outside. Finished! The shell exited with code 0"), r.toString());
        } finally {
            dev.panamax.BusyboxRootfs.deleteTree(cache);
        }
    }

    @Test
    void rootlessStartedAsRootRunsItselfAsNobodyWithThisJdk() throws Exception {
        Path cache = Path.of("/tmp/panamax-rootfs-65534");
        try {
            Result r = run("Rootless", "");
            assertEquals(0, r.exit(), r.toString());
            assertTrue(r.out().startsWith("As root: running this example as nobody (uid 65534):\n  setpriv --reuid=65534"
                    + " --regid=65534 --clear-groups " + JAVA + " --enable-native-access=ALL-UNNAMED -cp "), r.toString());
            assertTrue(r.out().contains("uid 0 inside, pid 1, hostname rootless\nuid_map: 0 65534 1\n"), r.toString());
            assertTrue(r.out().contains("host uid 65534 outside. Finished! The shell exited with code 0"), r.toString());
        } finally {
            dev.panamax.BusyboxRootfs.deleteTree(cache);
        }
    }
}
