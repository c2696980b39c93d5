package dev.panamax.sys.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The constants whose value differs between x86-64 and aarch64 reach the kernel with the right architecture's
 * value: they are the committed per-architecture bindings' values, and the sys layer reads them in one place.
 */
class ArchConstantsTest {

    private static final Path MAIN = Path.of("src/main/java");

    @Test
    void theConstantsThatDifferOnArm64AreTheOpenFlagsTheSignalStackAndTheSyscallNumbers() {
        Set<String> differ = Bindings.differsOnAarch64();
        // what the two jextract runs of headers/regenerate tell apart (structs are the same on both)
        assertTrue(differ.containsAll(List.of("O_DIRECTORY", "O_NOFOLLOW", "O_DIRECT", "O_TMPFILE", "SIGSTKSZ",
                "SYS_pivot_root", "SYS_waitid", "SYS_ioctl", "SYS_kill", "SYS_exit_group")), differ.toString());
        for (String name : differ) {
            assertTrue(name.startsWith("O_") || name.startsWith("SYS_") || name.equals("SIGSTKSZ"), name);
            assertNotEquals(Bindings.constant(name, "x86_64"), Bindings.constant(name, "aarch64"), name);
        }
        assertEquals(0x4000, Bindings.constant("O_DIRECTORY", "aarch64"));
        assertEquals(0x10000, Bindings.constant("O_DIRECTORY", "x86_64"));
        assertEquals(0x8000, Bindings.constant("O_NOFOLLOW", "aarch64"));
        assertEquals(0x20000, Bindings.constant("O_NOFOLLOW", "x86_64"));
        // a constant the same on both is read from linux_h for either
        assertEquals(Bindings.constant("O_CLOEXEC", "x86_64"), Bindings.constant("O_CLOEXEC", "aarch64"));
    }

    @Test
    void eachPerArchitectureConstantHasBothGeneratedValues() throws Exception {
        int checked = 0;
        for (Field f : ArchConstants.class.getFields()) {
            if (f.getType() != Flag.class) {
                continue;
            }
            assertTrue(Modifier.isStatic(f.getModifiers()) && Modifier.isFinal(f.getModifiers()), f.getName());
            Flag flag = (Flag) f.get(null);
            assertEquals(f.getName(), flag.name());
            assertTrue(Bindings.differsOnAarch64().contains(flag.name()), flag.name() + " is the same on both");
            assertEquals(Bindings.constant(flag.name(), "x86_64"), flag.value("x86_64"), flag.name());
            assertEquals(Bindings.constant(flag.name(), "aarch64"), flag.value("aarch64"), flag.name());
            assertEquals(Bindings.constant(flag.name()), flag.value(), flag.name() + " on this JVM");
            checked++;
        }
        assertEquals(7, checked);
    }

    @Test
    void theJvmCallsTheKernelWithItsOwnArchitecturesValues() {
        String running = ArchConstants.RUNNING;
        assertEquals(Bindings.constant("O_DIRECTORY", running), Abi.O_DIRECTORY);
        assertEquals(Bindings.constant("O_NOFOLLOW", running), Abi.O_NOFOLLOW);
        assertEquals(Bindings.constant("SYS_pivot_root", running), Abi.SYS_pivot_root);
        assertEquals(Bindings.constant("SYS_waitid", running), Abi.SYS_waitid);
        assertEquals(Bindings.constant("SYS_exit_group", running), Abi.SYS_exit_group);
        assertEquals(Bindings.constant("SYS_ioctl", running), Abi.SYS_ioctl);
        assertEquals(Bindings.constant("SYS_kill", running), Abi.SYS_kill);
        assertEquals(Bindings.constant("O_DIRECTORY", running), Flags.O_DIRECTORY.value());
    }

    @Test
    void osArchNamesMapToTheKernelsNames() {
        assertEquals("x86_64", ArchConstants.name("amd64"));
        assertEquals("x86_64", ArchConstants.name("x86_64"));
        assertEquals("aarch64", ArchConstants.name("aarch64"));
        assertEquals("aarch64", ArchConstants.name("arm64"));
        assertEquals("riscv64", ArchConstants.name("riscv64"));
        assertEquals(ArchConstants.name(System.getProperty("os.arch")), ArchConstants.RUNNING);
    }

    @Test
    void aValueThatDiffersHasNoneOnAnUnknownArchitecture() {
        var e = assertThrows(UnsupportedOperationException.class, () -> Flags.O_DIRECTORY.value("riscv64"));
        assertTrue(e.getMessage().contains("O_DIRECTORY") && e.getMessage().contains("riscv64"), e.getMessage());
        assertEquals(Bindings.constant("O_CLOEXEC"), Flags.O_CLOEXEC.value("riscv64"));
    }

    /**
     * Two generators agree: the syscall numbers jextract generated for each architecture are that
     * architecture's syscall table's ({@code headers/syscall-tables}), the one that encodes child programs.
     */
    @Test
    void theGeneratedSyscallNumbersAreEachArchitecturesTables() {
        SyscallTable arm64 = SyscallTable.forOsArch("aarch64");
        int checked = 0;
        for (var m : dev.panamax.bindings.linux_h.class.getMethods()) {
            String name = m.getName();
            if (name.startsWith("SYS_") && m.getParameterCount() == 0) {
                String call = name.substring(4);
                assertEquals(Bindings.constant(name, "aarch64"), arm64.number(call).orElseThrow(), name + " on aarch64");
                assertEquals(Bindings.constant(name, "x86_64"), SyscallTable.forOsArch("x86_64").number(call).orElseThrow(),
                        name + " on x86_64");
                checked++;
            }
        }
        assertTrue(checked > 40, "checked " + checked);
    }

    /**
     * No main class reads a constant that differs per architecture from the x86-64 bindings but
     * {@link ArchConstants}, which pairs it with its aarch64 value; nothing imports the bindings' members
     * statically (which would hide a read from this check).
     */
    @Test
    void onlyArchConstantsReadsAConstantThatDiffersPerArchitecture() throws IOException {
        Set<String> differ = Bindings.differsOnAarch64();
        Pattern read = Pattern.compile("\\blinux_h\\s*\\.\\s*([A-Za-z0-9_]+)\\s*\\(");
        List<String> offenders = new ArrayList<>();
        int files = 0;
        try (Stream<Path> sources = Files.walk(MAIN)) {
            for (Path file : sources.filter(p -> p.toString().endsWith(".java")).toList()) {
                String text = Files.readString(file);
                files++;
                if (text.contains("import static dev.panamax.bindings")) {
                    offenders.add(file + ": a static import of the bindings");
                }
                if (file.endsWith("sys/internal/ArchConstants.java")) {
                    continue;
                }
                Matcher m = read.matcher(text);
                while (m.find()) {
                    if (differ.contains(m.group(1))) {
                        offenders.add(file + ": linux_h." + m.group(1));
                    }
                }
            }
        }
        assertTrue(files > 100, "read " + files + " sources under " + MAIN.toAbsolutePath());
        assertEquals(List.of(), offenders);
    }
}
