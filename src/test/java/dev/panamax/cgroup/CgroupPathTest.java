package dev.panamax.cgroup;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Where an OCI cgroupsPath puts a container's cgroup: always below the runtime's parent. */
class CgroupPathTest {

    @Test
    void aPathThatStartsWithTheParentIsTakenAsItIs() {
        CgroupPath p = CgroupPath.of("/panamax", "/panamax/abc");
        assertEquals(new CgroupPath("/panamax", "abc"), p);
        assertEquals("/panamax/abc", p.path());
        assertEquals("abc", p.name());
        assertEquals(List.of(), p.intermediates());
    }

    @Test
    void anyOtherAbsolutePathGoesBelowTheParent() {
        CgroupPath p = CgroupPath.of("/panamax", "/machine.slice/libpod-1.scope");
        assertEquals("/panamax/machine.slice/libpod-1.scope", p.path());
        assertEquals(List.of("/panamax/machine.slice"), p.intermediates());
        assertEquals("libpod-1.scope", p.name());
        assertEquals("/panamax/panamaxx/a", CgroupPath.of("/panamax", "/panamaxx/a").path(),
                "a prefix of a component is not the parent");
    }

    @Test
    void aRelativePathGoesBelowTheParent() {
        CgroupPath p = CgroupPath.of("/panamax", "default/ctr-1/");
        assertEquals("/panamax/default/ctr-1", p.path(), "a trailing slash is ignored");
        assertEquals(List.of("/panamax/default"), p.intermediates());
    }

    @Test
    void theRootParentKeepsPathsAbsolute() {
        assertEquals("/a/b", CgroupPath.of("/", "a/b").path());
        assertEquals(List.of("/a"), CgroupPath.of("/", "/a/b").intermediates());
    }

    @Test
    void pathsThatCouldEscapeOrAreMalformedAreRefusedNamingTheField() {
        assertRefused("must not contain a \"..\" component", "/panamax/../etc");
        assertRefused("must not contain a \"..\" component", "..");
        assertRefused("must not contain a \".\" component", "a/./b");
        assertRefused("no empty component", "a//b");
        assertRefused("without white space", "a b");
        assertRefused("without white space", "a\nb");
        assertRefused("systemd form slice:prefix:name is not supported", "system.slice:panamax:abc");
        assertRefused("must name a cgroup", "");
        assertRefused("must name a cgroup", "/");
        assertRefused("not the parent itself", "/panamax");
        assertRefused("1-255 characters", "x".repeat(256));
    }

    @Test
    void aParentMustBeAbsoluteAndClean() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new CgroupPath("panamax", "a"));
        assertTrue(e.getMessage().startsWith("cgroup parent: must be an absolute"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new CgroupPath("/panamax/..", "a"));
        assertTrue(e.getMessage().startsWith("cgroup parent: must not contain"), e.getMessage());
    }

    private static void assertRefused(String part, String cgroupsPath) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CgroupPath.of("/panamax", cgroupsPath), cgroupsPath);
        assertTrue(e.getMessage().startsWith("cgroupsPath: "), e.getMessage());
        assertTrue(e.getMessage().contains(part), e.getMessage());
    }
}
