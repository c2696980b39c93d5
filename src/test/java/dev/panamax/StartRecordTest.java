package dev.panamax;

import org.junit.jupiter.api.Test;

import dev.panamax.cgroup.CgroupPath;

import java.nio.file.Path;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A created container's start record as text. */
class StartRecordTest {

    @Test
    void aRecordReadsBackFromItsText() {
        StartRecord r = new StartRecord(4242, 123456, Path.of("/run/panamax/created-1/start"));
        assertEquals("panamax-created pid=4242 start=123456 fifo=/run/panamax/created-1/start", r.text());
        assertEquals(r, StartRecord.parse(r.text() + "\n"));
    }

    @Test
    void aFifoPathWithSpacesReadsBack() {
        StartRecord r = new StartRecord(7, 0, Path.of("/tmp/my dir/start"));
        assertEquals(r, StartRecord.parse(r.text()));
    }

    @Test
    void aRecordWithACgroupReadsBackFromItsText() {
        StartRecord r = new StartRecord(4242, 123456, Path.of("/tmp/my dir/created-1/start"),
                Optional.of(new CgroupPath("/panamax", "default/web")));
        assertEquals("panamax-created pid=4242 start=123456 cgroup=/panamax/default/web cgroup-parent=/panamax "
                + "fifo=/tmp/my dir/created-1/start", r.text());
        assertEquals(r, StartRecord.parse(r.text()));
    }

    @Test
    void aCgroupFieldMustBeBelowItsParentAndFollowTheRules() {
        assertMessage("field cgroup=/other/web is not below cgroup-parent=/panamax", () -> StartRecord.parse(
                "panamax-created pid=1 start=2 cgroup=/other/web cgroup-parent=/panamax fifo=/f"));
        assertMessage("cgroupsPath: must not contain a \"..\" component", () -> StartRecord.parse(
                "panamax-created pid=1 start=2 cgroup=/panamax/../web cgroup-parent=/panamax fifo=/f"));
        assertMessage("expected field cgroup-parent=", () -> StartRecord.parse(
                "panamax-created pid=1 start=2 cgroup=/panamax/web parent=/panamax fifo=/f"));
        assertMessage("got 4 fields before fifo=", () -> StartRecord.parse(
                "panamax-created pid=1 start=2 cgroup=/panamax/web fifo=/f"));
    }

    @Test
    void aMalformedRecordNamesItsField() {
        assertMessage("expected field pid=", () -> StartRecord.parse("panamax-created id=1 start=2 fifo=/f"));
        assertMessage("field start is not a number", () -> StartRecord.parse("panamax-created pid=1 start=x fifo=/f"));
        assertMessage("fifo: must be an absolute path", () -> StartRecord.parse("panamax-created pid=1 start=2 fifo=f"));
        assertMessage("pid: must be positive", () -> StartRecord.parse("panamax-created pid=0 start=2 fifo=/f"));
        assertMessage("expected \"panamax-created", () -> StartRecord.parse("something else"));
        assertMessage("(no fifo= field)", () -> StartRecord.parse("panamax-created pid=1 start=2"));
    }

    private static void assertMessage(String part, org.junit.jupiter.api.function.Executable parse) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, parse);
        assertTrue(e.getMessage().contains(part), e.getMessage());
    }
}
