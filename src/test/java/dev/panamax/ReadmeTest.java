package dev.panamax;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.spi.ToolProvider;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The README's Java blocks, as a reader copies them: each one compiles on its own against the library (a
 * program, a module declaration, or a fragment with its imports), and the programs that launch run with the
 * source launcher exactly as the README says, each in a JVM of its own with a home directory of the test's.
 */
class ReadmeTest {
    private static final Path README = Path.of("README.md");
    private static final Path BUILD = Path.of(System.getProperty("panamax.build.dir", "target"));
    private static final Pattern FENCE = Pattern.compile("(?ms)^```java\\n(.*?)^```$");
    private static final Pattern TYPE = Pattern.compile(
            "(?m)^(?:public )?(?:final )?(?:class|record|interface|enum) (\\w+)");
    private static final Pattern MODULE = Pattern.compile("(?m)^(?:open )?module [\\w.]+\\s*\\{");

    @TempDir Path tmp;

    /** One ```java block of the README: its text and the line its code starts on. */
    record Block(String code, int line) {
        /** The class it declares, if it is a program or a type. */
        Optional<String> type() {
            Matcher m = TYPE.matcher(code);
            return m.find() ? Optional.of(m.group(1)) : Optional.empty();
        }

        boolean isModule() {
            return MODULE.matcher(code).find();
        }

        /**
         * A compilation unit: the block itself, or a fragment's statements in a method, its imports before it,
         * each line where it is in the block (so that a compiler's line number maps back to the README).
         */
        String source() {
            if (type().isPresent() || isModule()) {
                return code;
            }
            List<String> lines = new ArrayList<>(code.lines().toList());
            for (int i = 0; i < lines.size(); i++) {
                if (!lines.get(i).isBlank() && !lines.get(i).startsWith("import ")) {
                    lines.set(i, "class ReadmeFragment { static void fragment() throws Exception { " + lines.get(i));
                    break;
                }
            }
            return String.join("\n", lines) + "\n}}\n";
        }

        String fileName() {
            return isModule() ? "module-info.java" : type().orElse("ReadmeFragment") + ".java";
        }

        @Override
        public String toString() {
            return "README.md line " + line + " (" + fileName() + ")";
        }
    }

    static List<Block> blocks(String markdown) {
        List<Block> blocks = new ArrayList<>();
        Matcher m = FENCE.matcher(markdown);
        while (m.find()) {
            int line = (int) markdown.substring(0, m.start(1)).lines().count() + 1;
            blocks.add(new Block(m.group(1), line));
        }
        return blocks;
    }

    private static List<Block> readmeBlocks() throws IOException {
        assertTrue(Files.isRegularFile(README), "the test runs in the project's directory, beside " + README);
        return blocks(Files.readString(README));
    }

    /**
     * Compiles {@code block} alone into {@code out} with the JDK's javac against the library's classes;
     * returns javac's errors with README line numbers, empty when it compiled.
     */
    static String compile(Block block, Path out) throws IOException {
        ToolProvider javac = ToolProvider.findFirst("javac").orElseThrow(() -> new AssertionError(
                "no javac in " + System.getProperty("java.home") + ": the test needs a JDK"));
        Path src = Files.createDirectories(out.resolve("src")).resolve(block.fileName());
        Files.writeString(src, block.source());
        StringWriter log = new StringWriter();
        int status;
        try (PrintWriter w = new PrintWriter(log)) {
            status = javac.run(w, w, "-proc:none", "-Xdiags:compact", "-d", out.resolve("classes").toString(),
                    block.isModule() ? "--module-path" : "--class-path", BUILD.resolve("classes").toString(),
                    src.toString());
        }
        if (status == 0) {
            return "";
        }
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(src.toString()) + ":(\\d+): ").matcher(log.toString());
        StringBuilder mapped = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(mapped, "line " + (block.line() + Integer.parseInt(m.group(1)) - 1) + ": ");
        }
        return m.appendTail(mapped).toString().strip();
    }

    @Test
    void everyJavaBlockInTheReadmeCompilesOnItsOwn() throws IOException {
        List<Block> blocks = readmeBlocks();
        assertFalse(blocks.isEmpty(), "the README has Java blocks");
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < blocks.size(); i++) {
            String errors = compile(blocks.get(i), tmp.resolve("block" + i));
            if (!errors.isEmpty()) {
                failures.add(blocks.get(i) + ":\n" + errors);
            }
        }
        assertEquals("", String.join("\n\n", failures), "README blocks that do not compile");
    }

    @Test
    void aBlockThatDoesNotCompileIsReportedWithItsReadmeLine() throws IOException {
        Block bad = blocks("intro\n\n```java\nimport java.nio.file.Path;\n\nPath p = myRootfs;\n```\n").getFirst();
        assertEquals(4, bad.line());
        String errors = compile(bad, tmp);
        assertTrue(errors.startsWith("line 6: error: cannot find symbol"), errors);
        assertTrue(errors.contains("myRootfs"), errors);
    }

    /** What a program printed and how its JVM ended. */
    record Run(int exit, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    /**
     * Runs the README's program {@code name} as the README says ({@code java --enable-native-access=ALL-UNNAMED
     * -cp target/classes NAME.java}), with {@code user.home} and {@code java.io.tmpdir} in the test's directory.
     */
    private Run runProgram(String name, List<String> prefix) throws Exception {
        Block block = readmeBlocks().stream().filter(b -> b.type().equals(Optional.of(name))).findFirst()
                .orElseThrow(() -> new AssertionError("README.md has no program " + name));
        Path dir = Files.createDirectories(tmp.resolve(name));
        Files.writeString(dir.resolve(name + ".java"), block.code());
        List<String> cmd = new ArrayList<>(prefix);
        cmd.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-Duser.home=" + dir, "-Djava.io.tmpdir=" + dir,
                "-cp", BUILD.resolve("classes").toAbsolutePath().toString(), name + ".java"));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile())
                .redirectOutput(dir.resolve("out").toFile()).redirectError(dir.resolve("err").toFile()).start();
        p.getOutputStream().close();
        if (!p.waitFor(180, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
            throw new AssertionError(name + " did not finish within 180 s");
        }
        return new Run(p.exitValue(), Files.readString(dir.resolve("out")), Files.readString(dir.resolve("err")));
    }

    @Test
    @Tag("kernel")
    void theApiTourRunsAsTheReadmeSays() throws Exception {
        Run r = runProgram("Tour", List.of());
        assertEquals(0, r.exit(), r.toString());
        assertEquals("", r.err(), r.toString());
        assertTrue(r.out().contains("execve(\"/bin/sh\""), "the plan first: " + r);
        assertTrue(r.out().contains("hello from box\nhello from the host\n"), r.toString());
        assertTrue(r.out().contains("exited with code 0\n"), r.toString());
        assertTrue(Pattern.compile("(?m)^peak memory \\d+ KiB$").matcher(r.out()).find(), r.toString());
    }

    @Test
    @Tag("kernel")
    void theJudgeTourRunsToCompletionWithItsInput() throws Exception {
        Run r = runProgram("JudgeTour", List.of());
        assertEquals(0, r.exit(), r.toString());
        assertEquals("EXITED exited with code 0: 7\ndropped 0 bytes, cpu RUSAGE\n", r.out(), r.toString());
    }

    @Test
    @Tag("kernel")
    void theCreateTourStartsItsCreatedContainer() throws Exception {
        Run r = runProgram("CreateTour", List.of());
        assertEquals(0, r.exit(), r.toString());
        assertEquals("started\nexited with code 0\n", r.out(), r.toString());
    }

    @Test
    @Tag("kernel")
    void theRootlessTourRunsAsAnUnprivilegedUser() throws Exception {
        Path home = Files.createDirectories(tmp.resolve("RootlessTour"));
        Files.setAttribute(tmp, "unix:mode", 0755);
        Files.setAttribute(home, "unix:uid", 65534);
        Run r = runProgram("RootlessTour", List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"));
        assertEquals(0, r.exit(), r.toString());
        assertEquals("uid=0(root) gid=0(root) groups=0(root)\nexited with code 0\n", r.out(), r.toString());
    }

    @Test
    @Tag("kernel")
    void thePythonTourRunsTheHostsPythonInAContainer() throws Exception {
        for (String needed : List.of("/usr/bin/python3", "/usr/lib/python3.11/os.py")) {
            assumeTrue(Files.exists(Path.of(needed)), needed + " is missing: the Python example needs Debian 12's"
                    + " python3.11 (package python3-minimal, which .ci/deps installs)");
        }
        Run r = runProgram("PythonTour", List.of());
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().matches("Python 3\\.11\\.\\d+ as pid 1 on py\nexited with code 0\n"), r.toString());
    }
}
