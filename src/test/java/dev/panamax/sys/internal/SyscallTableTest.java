package dev.panamax.sys.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class SyscallTableTest {

    private static final Path HEADER = Path.of("/usr/include/x86_64-linux-gnu/asm/unistd_64.h");

    private final SyscallTable table = SyscallTable.nativeTable();

    @Test
    void resourceMatchesTheKernelHeader() throws IOException {
        Assumptions.assumeTrue(Files.isReadable(HEADER),
                HEADER + " is not installed (apt-get install linux-libc-dev): cannot compare the table with it");
        Pattern define = Pattern.compile("^#define __NR_(\\w+)\\s+(\\d+)\\s*$");
        Map<String, Integer> fromHeader = new HashMap<>();
        for (String line : Files.readAllLines(HEADER)) {
            Matcher m = define.matcher(line);
            if (m.matches()) {
                fromHeader.put(m.group(1), Integer.parseInt(m.group(2)));
            }
        }
        assertTrue(fromHeader.size() > 300, "header parsed: " + fromHeader.size() + " syscalls");
        assertEquals(fromHeader, table.all());
    }

    /** Every {@code SYS_*} number the bindings have (the launcher's calls) is the table's. */
    @Test
    void agreesWithTheBindings() {
        int checked = 0;
        for (var m : dev.panamax.bindings.linux_h.class.getMethods()) {
            if (m.getName().startsWith("SYS_") && m.getParameterCount() == 0) {
                String name = m.getName().substring(4);
                assertEquals(OptionalInt.of((int) Bindings.constant(m.getName())), table.number(name), name);
                checked++;
            }
        }
        assertTrue(checked > 40, "checked " + checked);
    }

    @Test
    void knownNumbersBothWays() {
        assertEquals(OptionalInt.of(0), table.number("read"));
        assertEquals(OptionalInt.of(56), table.number("clone"));
        assertEquals(OptionalInt.of(59), table.number("execve"));
        assertEquals(OptionalInt.of(165), table.number("mount"));
        assertEquals(OptionalInt.of(231), table.number("exit_group"));
        assertEquals(OptionalInt.of(435), table.number("clone3"));
        assertEquals(Optional.of("pivot_root"), table.name(155));
        assertEquals(OptionalInt.empty(), table.number("no_such_call"));
        assertEquals(Optional.empty(), table.name(100_000));
    }

    @Test
    void architecture() {
        assertEquals("x86_64", table.arch());
        // linux/audit.h: AUDIT_ARCH_X86_64 = EM_X86_64 | __AUDIT_ARCH_64BIT | __AUDIT_ARCH_LE
        assertEquals(62 | 0x8000_0000 | 0x4000_0000, table.auditArch());
        assertEquals(Bindings.constant("AUDIT_ARCH_X86_64"), table.auditArch(), "written out, pinned here");
        assertEquals(table, SyscallTable.forOsArch("amd64"));
    }

    @Test
    void otherArchitecturesAreRefusedByName() {
        var e = org.junit.jupiter.api.Assertions.assertThrows(UnsupportedOperationException.class,
                () -> SyscallTable.forOsArch("aarch64"));
        assertTrue(e.getMessage().contains("os.arch=aarch64"), e.getMessage());
    }
}
