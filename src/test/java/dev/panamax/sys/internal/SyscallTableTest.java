package dev.panamax.sys.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
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
                () -> SyscallTable.forOsArch("riscv64"));
        assertTrue(e.getMessage().contains("os.arch=riscv64"), e.getMessage());
    }

    @Test
    void arm64HasItsOwnNumbersAndOnlyTheAtForms() {
        SyscallTable arm64 = SyscallTable.forOsArch("aarch64");
        assertSame(arm64, SyscallTable.forOsArch("arm64"));
        assertEquals("aarch64", arm64.arch());
        // linux/audit.h: AUDIT_ARCH_AARCH64 = EM_AARCH64 (183) | __AUDIT_ARCH_64BIT | __AUDIT_ARCH_LE
        assertEquals(183 | 0x8000_0000 | 0x4000_0000, arm64.auditArch());
        assertEquals(Bindings.constant("AUDIT_ARCH_AARCH64"), arm64.auditArch(), "written out, pinned here");
        assertEquals(OptionalInt.of(56), arm64.number("openat"));
        assertEquals(OptionalInt.of(40), arm64.number("mount"));
        assertEquals(OptionalInt.of(220), arm64.number("clone"));
        assertEquals(OptionalInt.of(221), arm64.number("execve"));
        assertEquals(OptionalInt.of(94), arm64.number("exit_group"));
        assertEquals(OptionalInt.of(435), arm64.number("clone3"), "asm-generic's numbers from 403 on are shared");
        assertEquals(Optional.of("pivot_root"), arm64.name(41));
        for (String legacy : List.of("open", "mkdir", "mknod", "symlink", "dup2", "unlink", "rmdir", "chmod", "access",
                "rename", "pipe", "poll", "fork", "vfork", "getdents", "iopl", "arch_prctl")) {
            assertEquals(OptionalInt.empty(), arm64.number(legacy), legacy);
        }
        assertTrue(table.all().keySet().containsAll(arm64.all().keySet()),
                "x86-64 has every call arm64 has (SeccompProfile checks names against both)");
    }

    /** The committed tables are what {@code headers/syscall-tables} makes now from the installed headers. */
    @Test
    void theTablesAreWhatTheScriptMakesFromTheKernelHeaders() throws Exception {
        Path arm64Header = Path.of("/usr/aarch64-linux-gnu/include/asm/unistd.h");
        Assumptions.assumeTrue(Files.isReadable(HEADER) && Files.isReadable(arm64Header), HEADER + " or "
                + arm64Header + " is not installed (.ci/deps: linux-libc-dev, linux-libc-dev-arm64-cross)");
        Path out = Files.createTempDirectory("pmx-syscall-tables");
        try {
            ProcessBuilder pb = new ProcessBuilder("bash", "headers/syscall-tables").redirectErrorStream(true);
            pb.environment().put("SYSCALL_TABLES_OUT", out.toString());
            Process p = pb.start();
            String log = new String(p.getInputStream().readAllBytes());
            assertEquals(0, p.waitFor(), log);
            for (String arch : List.of("x86_64", "aarch64")) {
                String resource = "src/main/resources/dev/panamax/sys/internal/" + arch + ".tsv";
                assertEquals(Files.readString(Path.of(resource)), Files.readString(out.resolve(arch + ".tsv")),
                        resource + " differs from what headers/syscall-tables makes: run it and commit");
            }
        } finally {
            try (var files = Files.list(out)) {
                for (Path f : files.toList()) {
                    Files.delete(f);
                }
            }
            Files.delete(out);
        }
    }
}
