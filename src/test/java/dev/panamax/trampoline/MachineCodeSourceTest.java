package dev.panamax.trampoline;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The machine code is what its source says: the assembly written beside each line of {@link X86_64Code}
 * (labels included) is assembled with GNU as and must give exactly {@link X86_64Code#CODE}, and each line's
 * offset must be where its bytes start. Needs binutils (skipped, saying so, without it); no root.
 */
class MachineCodeSourceTest {
    private static final Path SOURCE = Path.of("src/main/java/dev/panamax/trampoline/X86_64Code.java");
    /** {@code 0x.., 0x..,  // 0a1 mov rcx, [r12+80]  ; comment}: the bytes, the offset, the assembly. */
    private static final Pattern LINE = Pattern.compile("^\\s*((?:0x\\p{XDigit}{2},?\\s*)+)//\\s*(\\p{XDigit}{3})\\s+([^;]*?)\\s*(?:;.*)?$");
    private static final Pattern LABEL = Pattern.compile("^\\s*//\\s*(\\w+):\\s*$");

    @Test
    void theBytesAreTheAssemblyWrittenBesideThem() throws Exception {
        assumeTrue(onPath("as") && onPath("objcopy"), "GNU as and objcopy (binutils) are not installed: the"
                + " assembly beside the machine code is not reassembled");
        StringBuilder asm = new StringBuilder(".intel_syntax noprefix\n.text\n");
        List<String> wrongOffsets = new ArrayList<>();
        int offset = 0;
        int lines = 0;
        for (String line : Files.readAllLines(SOURCE)) {
            Matcher label = LABEL.matcher(line);
            Matcher code = LINE.matcher(line);
            if (label.matches()) {
                asm.append(label.group(1)).append(":\n");
            } else if (code.matches()) {
                if (Integer.parseInt(code.group(2), 16) != offset) {
                    wrongOffsets.add(code.group(2) + " is at " + Integer.toHexString(offset) + ": " + code.group(3));
                }
                offset += code.group(1).split("0x", -1).length - 1;
                asm.append("    ").append(code.group(3)).append('\n');
                lines++;
            }
        }
        assertEquals(List.of(), wrongOffsets, "the offsets written beside the bytes");
        assertEquals(X86_64Code.CODE.length, offset, "bytes in the source lines (" + lines + " instructions)");
        Path dir = Files.createTempDirectory("panamax-asm");
        try {
            Files.writeString(dir.resolve("code.s"), asm);
            run(dir, "as", "--64", "-o", "code.o", "code.s");
            run(dir, "objcopy", "-O", "binary", "-j", ".text", "code.o", "code.bin");
            HexFormat hex = HexFormat.of();
            assertEquals(hex.formatHex(X86_64Code.CODE), hex.formatHex(Files.readAllBytes(dir.resolve("code.bin"))),
                    "GNU as on the assembly in the source's comments");
        } finally {
            try (var files = Files.list(dir)) {
                for (Path p : files.toList()) {
                    Files.delete(p);
                }
            }
            Files.delete(dir);
        }
    }

    private static boolean onPath(String tool) {
        return Path.of("/usr/bin", tool).toFile().canExecute() || Path.of("/bin", tool).toFile().canExecute();
    }

    private static void run(Path dir, String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not finish in 30 s");
        }
        assertEquals(0, p.exitValue(), String.join(" ", command) + ": " + out);
    }
}
