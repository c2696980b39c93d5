package dev.panamax;

import dev.panamax.spec.InvalidSpecException;
import dev.panamax.sys.Namespace;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every bad input gets its own message at build(), where it can be known then (at launch: {@link LaunchErrorsTest}). */
class SpecValidationTest extends PlanTest {

    private static ContainerSpec.Builder valid() {
        return ContainerSpec.builder().rootfs(rootfs).command("true");
    }

    private static InvalidSpecException invalid(ContainerSpec.Builder b, String field, String text) {
        InvalidSpecException e = assertThrows(InvalidSpecException.class, b::build);
        assertEquals(field, e.field());
        assertTrue(e.getMessage().contains(text), e.getMessage());
        return e;
    }

    @Test
    void rootfsMissingAFileOrSlash() throws Exception {
        invalid(valid().rootfs(Path.of("/no/such/rootfs")), "rootfs", "no such directory: /no/such/rootfs");
        Path file = Files.createTempFile("panamax-", ".file");
        try {
            invalid(valid().rootfs(file), "rootfs", "not a directory");
        } finally {
            Files.delete(file);
        }
        invalid(valid().rootfs(Path.of("/")), "rootfs", "the host's / cannot be");
        invalid(valid().namespaces(Namespace.PID), "rootfs", "needs a mount namespace");
    }

    @Test
    void argv() {
        invalid(valid().command(), "command", "argv is empty");
        invalid(valid().command(""), "command[0]", "empty");
        invalid(valid().command("sh", "a\0b"), "command[1]", "NUL");
    }

    @Test
    void hostnameAndDomainname() {
        invalid(valid().hostname("x".repeat(65)), "hostname", "65 bytes, the kernel allows 64");
        valid().hostname("x".repeat(64)).build();
        invalid(valid().hostname("a\0b"), "hostname", "NUL");
        invalid(valid().hostname("box").namespaces(Namespace.MOUNT), "hostname", "needs a UTS namespace");
        invalid(valid().domainname("d".repeat(70)), "domainname", "70 bytes");
    }

    @Test
    void environment() {
        invalid(valid().env("A=B", "x"), "environment[A=B]", "without '=' or NUL");
        invalid(valid().env("A\0", "x"), "environment[A\0]", "without '=' or NUL");
        invalid(valid().env("A", "x\0y"), "environment[A]", "contains NUL");
        invalid(valid().env("", "x"), "environment[]", "non-empty");
    }

    @Test
    void aMountOnProcOrDevReplacesTheAutomaticOneAndAnExplicitOneConflicts() {
        assertFalse(valid().mount(dev.panamax.mount.Mount.tmpfs("/dev")).build().filesystem().minimalDev());
        assertFalse(valid().mount(dev.panamax.mount.Mount.tmpfs("/proc")).build().mountProc());
        invalid(valid().minimalDev(true).mount(dev.panamax.mount.Mount.tmpfs("/dev")), "mounts",
                "conflicting mounts on /dev (the minimal /dev is on)");
        invalid(valid().mountProc(true).mount(dev.panamax.mount.Mount.tmpfs("/proc")), "mounts",
                "conflicting mounts on /proc (mountProc is on)");
    }

    @Test
    void stringsMustBeValidUnicode() {
        invalid(valid().command("echo", "a\uD800b"), "command[1]", "lone surrogate U+D800 at index 1");
        invalid(valid().env("K", "secret\uDC00"), "environment[K]", "lone surrogate U+DC00 at index 6");
        invalid(valid().workingDirectory("/tmp/\uD83D"), "workingDirectory", "lone surrogate U+D83D");
        invalid(valid().hostname("h\uDFFF"), "hostname", "lone surrogate");
        valid().command("echo", "\uD83D\uDE00").env("K", "\uD83D\uDE00").build(); // a pair is a character
    }

    @Test
    void workingDirectoryMustBeAbsolute() {
        invalid(valid().workingDirectory("tmp"), "workingDirectory", "absolute");
    }
}
