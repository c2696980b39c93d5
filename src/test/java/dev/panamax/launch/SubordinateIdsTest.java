package dev.panamax.launch;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Parsing /etc/subuid lines and the coverage rule newuidmap applies (adjacent lines join up). */
class SubordinateIdsTest {
    private static final Path FILE = Path.of("/etc/subuid");

    @Test
    void onlyTheUsersLinesByNameOrUidCount() {
        SubordinateIds ids = SubordinateIds.parse(FILE, """
                bob:100000:65536
                alice:300000:10
                # alice:1:1
                1000:200000:100
                alice:bad:5
                alice:400000
                """, "alice", 1000);
        assertEquals("200000-200099, 300000-300009", ids.describe());
    }

    @Test
    void coverageJoinsAdjacentRangesButNotGaps() {
        SubordinateIds ids = SubordinateIds.parse(FILE, "a:100:10\na:110:10\na:130:10\n", "a", 1);
        assertTrue(ids.covers(100, 20));
        assertTrue(ids.covers(105, 10));
        assertFalse(ids.covers(100, 21));
        assertFalse(ids.covers(99, 2));
        assertTrue(ids.covers(130, 10));
        assertFalse(ids.covers(125, 10));
    }

    @Test
    void aMissingFileOrEntryIsAnEmptyAllotment() {
        assertEquals("no entry", SubordinateIds.read(Path.of("/nonexistent/subuid"), "a", 1).describe());
        assertFalse(SubordinateIds.parse(FILE, "", "a", 1).covers(0, 1));
    }
}
