package dev.panamax.trampoline;

import dev.panamax.sys.internal.SyscallTable;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The machine code is what its source says. x86-64 ({@link X86_64Code}): the assembly written beside each
 * line (labels included) is assembled with GNU as and must give exactly the bytes. arm64
 * ({@link Aarch64Code}): the words disassemble with {@code aarch64-linux-gnu-objdump} to exactly the text
 * beside them (branch targets as labels) and that text assembles back to the words; every {@code mov x8}
 * loads arm64's number of the call its comment names. Both: each line's offset is where its bytes start,
 * and the entry offsets point at their labels. Needs binutils, and binutils-aarch64-linux-gnu for arm64
 * (skipped, saying so, without them); no root.
 */
class MachineCodeSourceTest {
    private static final Path X86_64_SOURCE = Path.of("src/main/java/dev/panamax/trampoline/X86_64Code.java");
    private static final Path AARCH64_SOURCE = Path.of("src/main/java/dev/panamax/trampoline/Aarch64Code.java");
    /** {@code 0x.., 0x..,  // 0a1 mov rcx, [r12+80]  ; comment}: the bytes, the offset, the assembly. */
    private static final Pattern X86_64_LINE = Pattern.compile("^\\s*((?:0x\\p{XDigit}{2},?\\s*)+)//\\s*(\\p{XDigit}{3})\\s+([^;]*?)\\s*(?:;.*)?$");
    /** {@code 0xaa0003e9,  // 000 mov x9, x0  ; comment}: the 32-bit words, the offset, the assembly, the comment. */
    private static final Pattern AARCH64_LINE = Pattern.compile("^\\s*((?:0x\\p{XDigit}{8},?\\s*)+)//\\s*(\\p{XDigit}{3})\\s+([^;]*?)\\s*(?:;\\s*(.*))?$");
    private static final Pattern LABEL = Pattern.compile("^\\s*//\\s*(\\w+):\\s*$");
    /** A line of {@code objdump -D}: {@code   24:\tb50001c0 \tcbnz\tx0, 0x5c}. */
    private static final Pattern OBJDUMP = Pattern.compile("^\\s*(\\p{XDigit}+):\\s+(\\p{XDigit}{8})\\s+(.*)$");
    private static final Path ARM64_UNISTD = Path.of("/usr/aarch64-linux-gnu/include/asm-generic/unistd.h");

    /** One instruction (or data directive) of a source: where it is, how many bytes, its text and comment. */
    record Line(int offset, int claimedOffset, int size, String asm, String comment) {
    }

    /** A source's instructions in order, and its labels with their offsets. */
    record Source(List<Line> lines, Map<String, Integer> labels) {
        static Source read(Path file, Pattern pattern, int unit) throws IOException {
            List<Line> lines = new ArrayList<>();
            Map<String, Integer> labels = new LinkedHashMap<>();
            int offset = 0;
            for (String text : Files.readAllLines(file)) {
                Matcher label = LABEL.matcher(text);
                Matcher code = pattern.matcher(text);
                if (label.matches()) {
                    labels.put(label.group(1), offset);
                } else if (code.matches()) {
                    int size = unit * (code.group(1).split("0x", -1).length - 1);
                    String comment = code.groupCount() >= 4 && code.group(4) != null ? code.group(4) : "";
                    lines.add(new Line(offset, Integer.parseInt(code.group(2), 16), size, code.group(3), comment));
                    offset += size;
                }
            }
            return new Source(lines, labels);
        }

        List<String> wrongOffsets() {
            return lines.stream().filter(l -> l.offset != l.claimedOffset)
                    .map(l -> Integer.toHexString(l.claimedOffset) + " is at " + Integer.toHexString(l.offset) + ": " + l.asm)
                    .toList();
        }

        int size() {
            return lines.isEmpty() ? 0 : lines.getLast().offset + lines.getLast().size;
        }

        /** The source as GNU as input: labels and instructions. */
        String assembly(String prologue) {
            StringBuilder asm = new StringBuilder(prologue);
            Map<Integer, List<String>> labelsAt = new TreeMap<>();
            labels.forEach((name, at) -> labelsAt.computeIfAbsent(at, k -> new ArrayList<>()).add(name));
            for (Line l : lines) {
                labelsAt.getOrDefault(l.offset, List.of()).forEach(name -> asm.append(name).append(":\n"));
                asm.append("    ").append(l.asm).append('\n');
            }
            return asm.toString();
        }
    }

    @Test
    void theBytesAreTheAssemblyWrittenBesideThem() throws Exception {
        assumeTrue(onPath("as") && onPath("objcopy"), "GNU as and objcopy (binutils) are not installed: the"
                + " assembly beside the x86-64 machine code is not reassembled");
        Source source = Source.read(X86_64_SOURCE, X86_64_LINE, 1);
        assertEquals(List.of(), source.wrongOffsets(), "the offsets written beside the bytes");
        assertEquals(X86_64Code.CODE.length, source.size(), "bytes in the source lines (" + source.lines.size() + " instructions)");
        assertAssemblesTo(X86_64Code.CODE, source.assembly(".intel_syntax noprefix\n.text\n"), "as", "--64");
    }

    @Test
    void theArm64WordsDisassembleToTheAssemblyWrittenBesideThem() throws Exception {
        assumeTrue(onPath("aarch64-linux-gnu-objdump"), "aarch64-linux-gnu-objdump (Debian package"
                + " binutils-aarch64-linux-gnu, installed by .ci/deps) is missing: the arm64 code is not disassembled");
        Source source = Source.read(AARCH64_SOURCE, AARCH64_LINE, 4);
        assertEquals(List.of(), source.wrongOffsets(), "the offsets written beside the words");
        assertEquals(Aarch64Code.CODE.length, source.size(), "bytes in the source lines (" + source.lines.size() + " lines)");
        Map<Integer, String> disassembly = withTempDir(dir -> {
            Files.write(dir.resolve("code.bin"), Aarch64Code.CODE);
            Map<Integer, String> byOffset = new TreeMap<>();
            for (String line : run(dir, "aarch64-linux-gnu-objdump", "-D", "-b", "binary", "-m", "aarch64", "code.bin").split("\n")) {
                Matcher m = OBJDUMP.matcher(line);
                if (m.matches()) {
                    byOffset.put(Integer.parseInt(m.group(1), 16), m.group(3).replaceAll("//.*", "").trim().replaceAll("\\s+", " "));
                }
            }
            return byOffset;
        });
        List<String> differences = new ArrayList<>();
        ByteBuffer code = ByteBuffer.wrap(Aarch64Code.CODE).order(ByteOrder.LITTLE_ENDIAN);
        for (Line l : source.lines) {
            if (l.asm.startsWith(".quad ")) {
                long value = Long.decode(l.asm.substring(".quad ".length()).trim());
                if (l.size != 8 || code.getLong(l.offset) != value) {
                    differences.add(Integer.toHexString(l.offset) + ": the data is not " + l.asm);
                }
                continue;
            }
            String expected = withTargets(l.asm, source.labels);
            String actual = disassembly.get(l.offset);
            if (!expected.equals(actual)) {
                differences.add(Integer.toHexString(l.offset) + ": objdump says \"" + actual + "\", the source \"" + expected + "\"");
            }
        }
        assertEquals(List.of(), differences, "objdump on Aarch64Code.CODE against the assembly beside it");
    }

    @Test
    void theArm64AssemblyBesideTheWordsAssemblesToThem() throws Exception {
        assumeTrue(onPath("aarch64-linux-gnu-as") && onPath("aarch64-linux-gnu-objcopy"), "aarch64-linux-gnu-as"
                + " (Debian package binutils-aarch64-linux-gnu, installed by .ci/deps) is missing: the arm64 code is"
                + " not reassembled");
        Source source = Source.read(AARCH64_SOURCE, AARCH64_LINE, 4);
        assertAssemblesTo(Aarch64Code.CODE, source.assembly(".text\n"), "aarch64-linux-gnu-as");
    }

    @Test
    void theEntryOffsetsPointAtTheirLabels() throws Exception {
        Source x86 = Source.read(X86_64_SOURCE, X86_64_LINE, 1);
        assertEquals(0, x86.labels.get("entry"));
        assertEquals(x86.labels.get("elf_entry"), MachineCode.X86_64.elfEntry());
        assertEquals(x86.labels.get("clone_entry"), MachineCode.X86_64.cloneEntry());
        assertEquals(ProgramLayout.IMAGE_ADDRESS, MachineCode.X86_64.imageAddress(), "movabs r15, IMAGE_ADDRESS");
        Source arm64 = Source.read(AARCH64_SOURCE, AARCH64_LINE, 4);
        assertEquals(0, arm64.labels.get("entry"));
        assertEquals(arm64.labels.get("elf_entry"), MachineCode.AARCH64.elfEntry());
        assertEquals(arm64.labels.get("clone_entry"), MachineCode.AARCH64.cloneEntry());
        assertEquals(arm64.labels.get("image_address"), MachineCode.AARCH64.imageAddressWord());
        assertEquals(0, MachineCode.AARCH64.imageAddressWord() % 8, "the literal word is 8-byte aligned");
        assertEquals(ProgramLayout.IMAGE_ADDRESS, MachineCode.AARCH64.imageAddress(), "the word elf_entry loads");
        assertEquals("ldr x19, image_address", arm64.lines.stream().filter(l -> l.offset == MachineCode.AARCH64.elfEntry())
                .findFirst().orElseThrow().asm);
        assertEquals(MachineCode.X86_64, Arch.X86_64.code());
        assertEquals(MachineCode.AARCH64, MachineCode.forElfMachine(183));
        assertEquals(MachineCode.AARCH64, Arch.AARCH64.code(), "Arch.AARCH64 maps the arm64 interpreter");
    }

    @Test
    void everyArm64SystemCallNumberIsTheOneOfTheCallNamedBesideIt() throws Exception {
        Map<String, Integer> table = arm64Numbers();
        Pattern call = Pattern.compile("mov x8, #(0x\\p{XDigit}+)");
        Pattern name = Pattern.compile("^(\\w+)\\(.*");
        List<String> wrong = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (Line l : Source.read(AARCH64_SOURCE, AARCH64_LINE, 4).lines) {
            Matcher nr = call.matcher(l.asm);
            if (!nr.matches()) {
                continue;
            }
            Matcher n = name.matcher(l.comment);
            if (!n.matches()) {
                wrong.add(Integer.toHexString(l.offset) + ": no call named beside " + l.asm);
                continue;
            }
            names.add(n.group(1));
            int number = Integer.decode(nr.group(1));
            if (!Integer.valueOf(number).equals(table.get(n.group(1)))) {
                wrong.add(Integer.toHexString(l.offset) + ": " + n.group(1) + " is " + table.get(n.group(1)) + " on arm64, not " + number);
            }
        }
        assertEquals(List.of(), wrong);
        assertTrue(names.containsAll(List.of("rt_sigprocmask", "clone3", "clone", "write", "exit_group", "close_range",
                "rt_sigtimedwait", "kill", "wait4")), "the calls of the entries, the interpreter and the init: " + names);
    }

    @Test
    void theSetupExecutableIsAnElfFileOfItsArchitecture() {
        for (MachineCode code : List.of(MachineCode.X86_64, MachineCode.AARCH64)) {
            byte[] header = SetupExecutable.header(code, 1000);
            ByteBuffer b = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN);
            assertEquals(code.maxPageSize(), header.length, "the image starts on a page of every kernel");
            assertEquals(code.elfMachine(), b.getShort(18), "e_machine");
            assertEquals(ProgramLayout.CODE_ADDRESS + SetupExecutable.CODE_OFFSET + code.elfEntry(), b.getLong(24), "e_entry");
            int image = 64 + 56; // the second program header
            assertEquals(code.maxPageSize(), b.getLong(image + 8), "the image's file offset");
            assertEquals(ProgramLayout.IMAGE_ADDRESS, b.getLong(image + 16));
            assertEquals(0, ProgramLayout.IMAGE_ADDRESS % code.maxPageSize());
            assertEquals(0, ProgramLayout.CODE_ADDRESS % code.maxPageSize());
            assertEquals(code.maxPageSize(), b.getLong(image + 48), "p_align");
            assertEquals(HexFormat.of().formatHex(code.bytes()), HexFormat.of().formatHex(header,
                    SetupExecutable.CODE_OFFSET, SetupExecutable.CODE_OFFSET + code.bytes().length));
        }
    }

    /** arm64's system call numbers: the syscall table where there is one, else the kernel's asm-generic header. */
    static Map<String, Integer> arm64Numbers() throws IOException {
        try {
            SyscallTable table = SyscallTable.forOsArch("aarch64");
            Map<String, Integer> numbers = new TreeMap<>();
            for (String name : List.of("rt_sigprocmask", "clone3", "clone", "write", "exit_group", "close_range",
                    "rt_sigtimedwait", "kill", "wait4", "getpid", "getppid", "openat", "close", "ppoll")) {
                table.number(name).ifPresent(nr -> numbers.put(name, nr));
            }
            return numbers;
        } catch (UnsupportedOperationException noTable) {
            assumeTrue(Files.isReadable(ARM64_UNISTD), "no arm64 syscall table and no " + ARM64_UNISTD
                    + " (linux-libc-dev-arm64-cross): the arm64 system call numbers are not checked");
            Map<String, Integer> numbers = new TreeMap<>();
            Matcher m = Pattern.compile("(?m)^#define __NR_(\\w+) (\\d+)$").matcher(Files.readString(ARM64_UNISTD));
            while (m.find()) {
                numbers.put(m.group(1), Integer.parseInt(m.group(2)));
            }
            return numbers;
        }
    }

    /** {@code cbnz x0, out} as objdump prints it: {@code cbnz x0, 0x5c}. */
    private static String withTargets(String asm, Map<String, Integer> labels) {
        int space = asm.indexOf(' ');
        if (space < 0) {
            return asm;
        }
        String operands = asm.substring(space);
        for (var label : labels.entrySet()) {
            operands = operands.replaceAll("\\b" + label.getKey() + "\\b", "0x" + Integer.toHexString(label.getValue()));
        }
        return asm.substring(0, space) + operands;
    }

    private static void assertAssemblesTo(byte[] expected, String assembly, String... as) throws Exception {
        String prefix = as[0].endsWith("-as") ? as[0].substring(0, as[0].length() - 2) : "";
        byte[] actual = withTempDir(dir -> {
            Files.writeString(dir.resolve("code.s"), assembly);
            List<String> command = new ArrayList<>(List.of(as));
            command.addAll(List.of("-o", "code.o", "code.s"));
            run(dir, command.toArray(String[]::new));
            run(dir, prefix + "objcopy", "-O", "binary", "-j", ".text", "code.o", "code.bin");
            return Files.readAllBytes(dir.resolve("code.bin"));
        });
        HexFormat hex = HexFormat.of();
        assertEquals(hex.formatHex(expected), hex.formatHex(actual), "GNU as on the assembly in the source's comments");
    }

    interface InDir<T> {
        T apply(Path dir) throws Exception;
    }

    private static <T> T withTempDir(InDir<T> body) throws Exception {
        Path dir = Files.createTempDirectory("panamax-asm");
        try {
            return body.apply(dir);
        } finally {
            try (var files = Files.list(dir)) {
                for (Path p : files.toList()) {
                    Files.delete(p);
                }
            }
            Files.delete(dir);
        }
    }

    static boolean onPath(String tool) {
        return Path.of("/usr/bin", tool).toFile().canExecute() || Path.of("/bin", tool).toFile().canExecute();
    }

    static String run(Path dir, String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not finish in 30 s");
        }
        assertEquals(0, p.exitValue(), String.join(" ", command) + ": " + out);
        return out;
    }
}
