package dev.panamax;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import java.nio.file.Path;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Bad input that only the launch can know of (a missing executable, directory or file) gets its own message. */
@Tag("kernel")
class LaunchErrorsTest extends BusyboxTest {

    private static ContainerSpec.Builder valid() {
        return ContainerSpec.builder().rootfs(root.path()).command("true");
    }

    @Test
    void anExecutableMissingFromTheRootfsIsNamed() {
        LaunchException e = assertThrows(LaunchException.class,
                () -> Launcher.launch(valid().command("no-such-program").build()));
        assertEquals("execve", e.syscall());
        assertEquals("ENOENT", e.errnoName());
        assertTrue(e.getMessage().contains("no such executable in the container's rootfs: /usr/local/sbin/no-such-program"),
                e.getMessage());
        LaunchException abs = assertThrows(LaunchException.class,
                () -> Launcher.launch(valid().command("/bin/bash").build()));
        assertTrue(abs.getMessage().endsWith("Hint: no such executable in the container's rootfs: /bin/bash"),
                abs.getMessage());
    }

    @Test
    void aMissingWorkingDirectoryIsNamed() {
        LaunchException e = assertThrows(LaunchException.class,
                () -> Launcher.launch(valid().workingDirectory("/no/such/dir").build()));
        assertEquals("chdir", e.syscall());
        assertEquals("ENOENT", e.errnoName());
        assertTrue(e.getMessage().contains("the working directory does not exist in the container: /no/such/dir"),
                e.getMessage());
    }

    @Test
    void aMissingStdoutDirectoryIsNamed() {
        LaunchException e = assertThrows(LaunchException.class,
                () -> Launcher.launch(valid().stdout(Stdio.file(Path.of("/no/such/dir/out"))).build()));
        assertEquals("ENOENT", e.errnoName());
        assertTrue(e.getMessage().contains("/no/such/dir/out"), e.getMessage());
    }

    @Test
    void aFailedLaunchNamesNoSecretAndStaysShort() {
        String huge = "x".repeat(1 << 20);
        String secret = "hunter2-" + System.nanoTime();
        ContainerSpec spec = valid().command("/no/such/program", huge).env("DB_PASSWORD", secret).build();
        LaunchException e = assertThrows(LaunchException.class, () -> Launcher.launch(spec));
        String m = e.getMessage();
        assertTrue(m.length() <= 4096, "a few KiB at most: " + m.length());
        assertFalse(m.contains(secret), m);
        assertFalse(m.contains("x".repeat(1000)), "the argument is cut: " + m.substring(0, 300));
        assertTrue(m.contains("(1048376 more characters)"), "with a count of what was cut: " + m);
        assertTrue(m.contains("\"DB_PASSWORD=<redacted, " + secret.length() + " bytes>\""), m);
        String plan = Launcher.plan(spec);
        assertFalse(plan.contains(secret), "plans redact the environment too");
        assertEquals(secret, spec.process().environment().get("DB_PASSWORD"), "the spec keeps the value");
    }
}
