package dev.panamax.program;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.panamax.Capability;
import dev.panamax.ContainerSpec;
import dev.panamax.mount.Mount;
import dev.panamax.sys.internal.Flags;
import dev.panamax.sys.internal.KernelStructs;
import dev.panamax.trampoline.Arch;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A child program holds its target architecture's values of the constants that differ between x86-64 and
 * aarch64: {@code O_DIRECTORY} is 0x10000 on x86-64 and 0x4000 on arm64, in a plain word and inside
 * {@code struct open_how} alike; the plan text names the flags the same way for both.
 */
class TargetArchitectureValuesTest {

    private static final Host ROOT = new Host(0, 0, Capability.LAST.number());
    /** A rootfs with a bind mount: the rootfs and the mount target are opened as directories. */
    private static final ContainerSpec SPEC = ContainerSpec.builder().rootfs(Path.of(System.getProperty("java.io.tmpdir")))
            .command("true").mounts(List.of(Mount.bind(Path.of("/tmp"), "/data"))).build();

    /** O_PATH|O_DIRECTORY|O_CLOEXEC on each architecture. */
    private static final long X86_64_DIR = 0x200000 | 0x10000 | 0x80000;
    private static final long AARCH64_DIR = 0x200000 | 0x4000 | 0x80000;

    private static List<Step> steps(Arch arch) {
        return SpecCompiler.plan(SPEC, ROOT, arch).steps();
    }

    @Test
    void theRootfsOpenHoldsEachArchitecturesDirectoryFlag() {
        Step open = steps(Arch.X86_64).stream().filter(s -> s.syscall().equals("openat")
                && s.render().contains("O_PATH|O_DIRECTORY|O_CLOEXEC")).findFirst().orElseThrow();
        Arg.Word flags = (Arg.Word) open.args().get(2);
        assertEquals(X86_64_DIR, flags.value("x86_64"));
        assertEquals(AARCH64_DIR, flags.value("aarch64"));
        assertEquals(Flags.O_DIRECTORY.value() | 0x200000 | 0x80000, flags.value(), "this JVM's");
    }

    @Test
    void aMountTargetsOpenHowHoldsEachArchitecturesDirectoryFlag() {
        Step open = steps(Arch.X86_64).stream().filter(s -> s.syscall().equals("openat2")
                && s.render().contains("flags=O_PATH|O_DIRECTORY|O_CLOEXEC")).findFirst().orElseThrow();
        Arg.Struct how = (Arg.Struct) open.args().get(2);
        assertEquals(X86_64_DIR, ByteBuffer.wrap(how.bytes("x86_64")).order(ByteOrder.LITTLE_ENDIAN).getLong(0));
        assertEquals(AARCH64_DIR, ByteBuffer.wrap(how.bytes("aarch64")).order(ByteOrder.LITTLE_ENDIAN).getLong(0));
        // the resolve field is the same on both
        assertEquals(ByteBuffer.wrap(how.bytes("x86_64")).order(ByteOrder.LITTLE_ENDIAN).getLong(16),
                ByteBuffer.wrap(how.bytes("aarch64")).order(ByteOrder.LITTLE_ENDIAN).getLong(16));
        long resolve = ByteBuffer.wrap(how.bytes("x86_64")).order(ByteOrder.LITTLE_ENDIAN).getLong(16);
        assertArrayEquals(KernelStructs.openHow(AARCH64_DIR, 0, resolve), how.bytes("aarch64"));
        assertArrayEquals(KernelStructs.openHow(X86_64_DIR, 0, resolve), how.bytes("x86_64"));
    }

    @Test
    void anX86_64ImageHoldsX86_64OpenFlagsOnly() {
        byte[] image = image(Arch.X86_64);
        assertTrue(holdsWord(image, X86_64_DIR), "x86-64 O_PATH|O_DIRECTORY|O_CLOEXEC");
        assertFalse(holdsWord(image, AARCH64_DIR), "arm64 O_PATH|O_DIRECTORY|O_CLOEXEC");
    }

    @Test
    void anArm64ImageHoldsArm64OpenFlagsOnly() {
        Arch arm64 = Arch.AARCH64;
        byte[] image = image(arm64);
        assertTrue(holdsWord(image, AARCH64_DIR), "arm64 O_PATH|O_DIRECTORY|O_CLOEXEC");
        assertFalse(holdsWord(image, X86_64_DIR), "x86-64 O_PATH|O_DIRECTORY|O_CLOEXEC");
        assertTrue(SpecCompiler.plan(SPEC, ROOT, arm64).render().contains("O_PATH|O_DIRECTORY|O_CLOEXEC"),
                "the plan names the flags as on x86-64");
    }

    private static byte[] image(Arch arch) {
        ChildProgram program = SpecCompiler.plan(SPEC, ROOT, arch);
        ProgramImage image = ProgramImage.encode(program, 0, program.steps().size(), -1, -1, arch.syscalls(),
                i -> false);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment placed = image.place(arena);
            return placed.toArray(ValueLayout.JAVA_BYTE);
        }
    }

    /** Whether an aligned little-endian word of {@code image} is {@code value}. */
    private static boolean holdsWord(byte[] image, long value) {
        ByteBuffer words = ByteBuffer.wrap(image).order(ByteOrder.LITTLE_ENDIAN);
        for (int at = 0; at + 8 <= image.length; at += 8) {
            if (words.getLong(at) == value) {
                return true;
            }
        }
        return false;
    }
}
