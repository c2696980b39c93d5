package dev.panamax;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A container cannot type into the terminal of the user who launched it (bubblewrap's CVE-2017-5226). An
 * interactive bash runs on a real pseudo-terminal (util-linux {@code script}); it starts a JVM that launches
 * a static probe pushing {@code echo INJ$((6*7))ECTED} into the terminal's input with {@code TIOCSTI}. If the
 * push works, bash runs that line after the JVM exits and prints INJ42ECTED (the arithmetic shows it was
 * executed, not just echoed). With the defaults nothing arrives; with the JVM's session kept and no seccomp
 * filter it does, which shows the test can see an injection.
 */
@Tag("kernel")
class TerminalInjectionTest extends BusyboxTest {
    private static final String LINE = "echo INJ$((6*7))ECTED";

    @BeforeAll
    static void installProbe() {
        Probe.installInto(root.path());
    }

    /** What the interactive shell printed around a launch in {@code mode}. */
    private static String shellSessionAround(String mode) throws Exception {
        Process script = new ProcessBuilder("script", "-q", "-f", "-e", "-c", "bash --norc --noprofile -i", "/dev/null")
                .redirectErrorStream(true).start();
        ByteArrayOutputStream seen = new ByteArrayOutputStream();
        Thread drain = Thread.ofVirtual().start(() -> copy(script.getInputStream(), seen));
        try (OutputStream keys = script.getOutputStream()) {
            String java = String.join(" ", ChildJvm.command(TiocstiLaunch.class, root.path().toString(), mode,
                    "'" + LINE + "'"));
            type(keys, java + "; echo PROBE-$((1+1))-DONE\n"); // the echo of this line must not match below
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!text(seen).contains("PROBE-2-DONE") && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            Thread.sleep(500); // an injected line is in the input queue before the exit below
            type(keys, "exit\n");
        }
        assertTrue(script.waitFor(30, TimeUnit.SECONDS), "the shell session ended: " + text(seen));
        assertTrue(text(seen).contains("PROBE-2-DONE"), "the launch finished: " + text(seen));
        drain.join(5000);
        return text(seen);
    }

    @Test
    void withTheDefaultsNothingReachesTheHostShell() throws Exception {
        String session = shellSessionAround("default");
        assertTrue(session.contains("probe exit exited with code 0"), "the probe ran: " + session);
        assertTrue(session.contains("EPERM"), "TIOCSTI was refused: " + session);
        assertFalse(session.contains("INJ42ECTED"), "the container typed into the host's shell: " + session);
    }

    @Test
    void theControlRunShowsTheTestCanSeeAnInjection() throws Exception {
        Path legacy = Path.of("/proc/sys/dev/tty/legacy_tiocsti"); // absent before 6.2: TIOCSTI always allowed
        assumeTrue(!Files.exists(legacy) || Files.readString(legacy).strip().equals("1"),
                "dev.tty.legacy_tiocsti is 0: this kernel refuses TIOCSTI to anyone without CAP_SYS_ADMIN in the"
                        + " terminal's user namespace, so no control injection can be made");
        String session = shellSessionAround("unsafe");
        assertTrue(session.contains("INJ42ECTED"), "with its session kept and no seccomp filter, the probe injects: "
                + session);
    }

    @Test
    void aContainerStartsASessionOfItsOwnUnlessTheSpecKeepsTheJvms() throws Exception {
        long jvmSession = session(ProcessHandle.current().pid());
        try (Container c = Launcher.launch(ContainerSpec.builder().rootfs(root.path()).command("sleep", "10").build())) {
            assertTrue(session(c.pid()) == c.pid(), "the container leads a session of its own");
        }
        try (Container c = Launcher.launch(ContainerSpec.builder().rootfs(root.path()).command("sleep", "10")
                .newSession(false).build())) {
            assertTrue(session(c.pid()) == jvmSession, "newSession(false) keeps the JVM's session");
        }
    }

    /** Field 6 of /proc/PID/stat: the session id (as seen from here). */
    private static long session(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        return Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[3]);
    }

    private static void type(OutputStream keys, String text) throws IOException {
        keys.write(text.getBytes(StandardCharsets.UTF_8));
        keys.flush();
    }

    private static String text(ByteArrayOutputStream out) {
        synchronized (out) {
            return out.toString(StandardCharsets.UTF_8);
        }
    }

    private static void copy(InputStream in, ByteArrayOutputStream out) {
        byte[] buf = new byte[4096];
        try {
            for (int n; (n = in.read(buf)) > 0; ) {
                synchronized (out) {
                    out.write(buf, 0, n);
                }
            }
        } catch (IOException closed) {
            // the session ended
        }
    }
}
