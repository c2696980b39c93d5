package dev.panamax.rootfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ElfTest {
    static final Path LS = Path.of("/bin/ls");

    @Test
    void readsTheInterpreterAndNeededLibrariesOfLs() {
        Elf ls = Elf.read(LS);
        assertEquals(Optional.of("/lib64/ld-linux-x86-64.so.2"), ls.interpreter());
        assertTrue(ls.needed().contains("libc.so.6"), ls.needed().toString());
        assertEquals(Elf.ET_DYN, ls.type()); // Debian builds PIE executables
        assertEquals(List.of(), ls.runpath());
    }

    @Test
    void readsASharedLibrary() {
        Path libm = LdCache.load(LdCache.SYSTEM).lookup("libm.so.6").orElseThrow();
        Elf elf = Elf.read(libm);
        assertEquals(Optional.empty(), elf.interpreter());
        assertEquals(Optional.of("libm.so.6"), elf.soname());
        assertTrue(elf.needed().contains("libc.so.6"), elf.needed().toString());
        assertEquals(Elf.ET_DYN, elf.type());
    }

    @Test
    void readsTheRpathOfTheJavaLauncher() {
        Path java = Path.of(ProcessHandle.current().info().command().orElseThrow());
        Elf elf = Elf.read(java);
        assertTrue(elf.rpath().stream().anyMatch(d -> d.startsWith("$ORIGIN")) || elf.runpath().stream()
                .anyMatch(d -> d.startsWith("$ORIGIN")), "rpath " + elf.rpath() + " runpath " + elf.runpath());
        assertTrue(elf.needed().contains("libjli.so"), elf.needed().toString());
    }

    @Test
    void rejectsATextFileNamingItsMagic(@TempDir Path tmp) throws IOException {
        Path text = Files.writeString(tmp.resolve("notes.txt"), "hello world\n");
        RootfsException e = assertThrows(RootfsException.class, () -> Elf.read(text));
        assertEquals(text + " is not an ELF file: its magic is \"hell\" (68 65 6c 6c), expected 7f 45 4c 46"
                + " (\"\\x7fELF\")", e.getMessage());
    }

    @Test
    void rejectsAScriptWithAHint(@TempDir Path tmp) throws IOException {
        Path script = Files.writeString(tmp.resolve("run"), "#!/bin/sh\necho hi\n");
        RootfsException e = assertThrows(RootfsException.class, () -> Elf.read(script));
        assertTrue(e.getMessage().contains("is a script (starts with #!)"), e.getMessage());
    }

    @Test
    void rejectsATruncatedElf(@TempDir Path tmp) throws IOException {
        byte[] ls = Files.readAllBytes(LS);
        Path cut = Files.write(tmp.resolve("ls-cut"), Arrays.copyOf(ls, 300));
        RootfsException e = assertThrows(RootfsException.class, () -> Elf.read(cut));
        assertTrue(e.getMessage().startsWith(cut + " is not a usable ELF object: "), e.getMessage());
        assertTrue(e.getMessage().contains("lies outside the file of 300 bytes"), e.getMessage());

        Path tiny = Files.write(tmp.resolve("ls-tiny"), Arrays.copyOf(ls, 20));
        assertEquals(tiny + " is not a usable ELF object: truncated: 20 bytes, an ELF64 header needs 64",
                assertThrows(RootfsException.class, () -> Elf.read(tiny)).getMessage());
    }

    @Test
    void rejectsOtherClassesAndMachines() {
        assertEquals("x is not a usable ELF object: 32-bit (ELFCLASS32); only 64-bit x86-64 is supported",
                assertThrows(RootfsException.class, () -> Elf.parse(header(1, 62), "x")).getMessage());
        assertEquals("x is not a usable ELF object: built for machine AArch64 (183), not x86-64 (EM_X86_64 = 62)",
                assertThrows(RootfsException.class, () -> Elf.parse(header(2, 183), "x")).getMessage());
        assertEquals("x is not an ELF file: the file is empty",
                assertThrows(RootfsException.class, () -> Elf.parse(ByteBuffer.allocate(0), "x")).getMessage());
    }

    @Test
    void compatibilityCheckSkipsForeignFiles(@TempDir Path tmp) throws IOException {
        assertTrue(Elf.isCompatible(LS));
        Path arm = Files.write(tmp.resolve("arm"), header(2, 183).array());
        assertFalse(Elf.isCompatible(arm));
        assertFalse(Elf.isCompatible(tmp.resolve("absent")));
    }

    /** An ELF64 header with no program headers: a valid, empty x86-64 object when machine is 62. */
    static ByteBuffer header(int elfClass, int machine) {
        ByteBuffer b = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {0x7f, 'E', 'L', 'F', (byte) elfClass, 1, 1});
        b.putShort(16, (short) Elf.ET_DYN).putShort(18, (short) machine);
        return b;
    }

    @Property(tries = 1000)
    void randomBytesFailOnlyWithTheParsersException(@ForAll @Size(max = 600) byte[] bytes) {
        parseOrReject(bytes);
    }

    @Property(tries = 1000)
    void corruptedHeadersOfARealElfFailOnlyWithTheParsersException(@ForAll("corruptLs") byte[] bytes) {
        parseOrReject(bytes);
    }

    @Provide
    Arbitrary<byte[]> corruptLs() {
        byte[] ls;
        try {
            ls = Files.readAllBytes(LS);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        Arbitrary<Integer> length = Arbitraries.integers().between(0, ls.length);
        Arbitrary<int[]> edits = Arbitraries.integers().between(0, 4095).array(int[].class).ofMaxSize(8);
        return length.flatMap(n -> edits.flatMap(at -> Arbitraries.bytes().array(byte[].class).ofSize(at.length)
                .map(values -> {
                    byte[] copy = Arrays.copyOf(ls, n);
                    for (int i = 0; i < at.length; i++) {
                        if (at[i] < copy.length) {
                            copy[at[i]] = values[i];
                        }
                    }
                    return copy;
                })));
    }

    private static void parseOrReject(byte[] bytes) {
        try {
            Elf.parse(ByteBuffer.wrap(bytes), "random");
        } catch (RootfsException expected) {
            assertTrue(expected.getMessage().startsWith("random is not"), expected.getMessage());
        }
    }
}
