package dev.panamax.vm;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Boots a Debian 6.1 kernel under qemu with {@code cgroup_no_v1=all} and runs JUnit tests inside
 * it, against the guest's {@code /usr} (the host's, or a downloaded arm64 one: {@link VmGuest}; JDK
 * included), the host's {@code /etc}, this project's {@code target/} and the Maven repository, all
 * shared read-only over 9p. The guest side is {@code .ci/vm/init} and {@code .ci/vm/stage2}.
 *
 * <pre>{@code
 * var vm = new TestVirtualMachine(settings, VmGuest.host(settings));
 * VmOutcome outcome = vm.run(List.of("--tag", "cgroup", "--package", "dev.panamax.cgroup"), Duration.ZERO);
 * }</pre>
 *
 * @param settings where the project, cache, JDK, Maven repository and classpath are
 * @param guest the machine and the userland it runs
 */
record TestVirtualMachine(VmSettings settings, VmGuest guest) {

    /**
     * Builds the initramfs, boots, waits (bounded), and collects what the guest wrote.
     *
     * @param prepared host time already spent preparing the guest (its downloads), counted in the outcome
     */
    VmOutcome run(List<String> runnerArgs, Duration prepared) throws IOException, InterruptedException {
        Path work = Files.createTempDirectory("panamax-vm-");
        Process qemu = null;
        try {
            long start = System.nanoTime() - prepared.toNanos();
            Path initramfs = work.resolve("initramfs.cpio.gz");
            script(settings, "build-initramfs", guest.kernelDir().toString(), initramfs.toString(),
                    guest.busybox().toString());
            Duration prepare = Duration.ofNanos(System.nanoTime() - start);

            Path results = Files.createDirectory(work.resolve("results"));
            writeGuestSettings(results, runnerArgs);
            var console = new VmConsole(System.nanoTime()); // console times count from qemu's start
            qemu = new ProcessBuilder(qemuCommand(guest.kernel(), initramfs, results))
                    .redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .start();
            console.follow(qemu.getInputStream());
            boolean exited = qemu.waitFor(settings.timeout().toMillis(), TimeUnit.MILLISECONDS);
            if (!exited) {
                kill(qemu);
            }
            console.awaitEnd();
            return new VmOutcome(
                    !exited,
                    exited ? qemu.exitValue() : -1,
                    readIfExists(results.resolve("exit-code")).map(s -> Integer.parseInt(s.strip())),
                    Files.exists(results.resolve("summary.txt"))
                            ? Optional.of(VmRunSummary.read(results.resolve("summary.txt"))) : Optional.empty(),
                    readIfExists(results.resolve("leftover-cgroups")).map(String::strip).filter(s -> !s.isEmpty()),
                    console.text(),
                    prepare,
                    console.elapsedAt("init started"),
                    Duration.ofNanos(System.nanoTime() - start));
        } finally {
            if (qemu != null && qemu.isAlive()) {
                kill(qemu);
            }
            deleteRecursively(work);
        }
    }

    /** Kills qemu (a child of the timeout wrapper) first, then the wrapper. */
    private static void kill(Process wrapper) throws InterruptedException {
        wrapper.descendants().forEach(ProcessHandle::destroyForcibly);
        wrapper.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }

    private List<String> qemuCommand(Path kernel, Path initramfs, Path results) {
        // coreutils' timeout bounds qemu even if this JVM dies without running its finally blocks.
        long bound = settings.timeout().toSeconds() + 30;
        var command = new ArrayList<>(List.of("timeout", "--kill-after=10", bound + "s"));
        command.addAll(guest.qemu());
        command.addAll(List.of("-m", "2048", "-smp", "2",
                "-nographic", "-no-reboot", "-nic", "none",
                "-kernel", kernel.toString(), "-initrd", initramfs.toString(),
                "-append", "console=" + guest.console() + " cgroup_no_v1=all panic=-1 quiet"));
        share(command, "usr", guest.usr(), true);
        share(command, "etc", Path.of("/etc"), true);
        guest.archEtc().ifPresent(etc -> share(command, "etcarch", etc, true));
        share(command, "target", settings.targetDir(), true);
        share(command, "m2", settings.mavenRepository(), true);
        share(command, "results", results, false);
        return command;
    }

    private static void share(List<String> command, String tag, Path path, boolean readOnly) {
        command.add("-virtfs");
        command.add("local,path=" + path + ",mount_tag=" + tag + ",security_model=none,multidevs=remap"
                + (readOnly ? ",readonly=on" : ""));
    }

    /** The guest's settings: sourced by the init scripts as shell variables. */
    private void writeGuestSettings(Path results, List<String> runnerArgs) throws IOException {
        Files.writeString(results.resolve("classpath"), String.join(":", settings.classpath()));
        Files.write(results.resolve("vm.env"), List.of(
                "PANAMAX_TARGET=" + shellQuote(settings.targetDir().toString()),
                "PANAMAX_M2=" + shellQuote(settings.mavenRepository().toString()),
                "PANAMAX_JAVA=" + shellQuote(guest.java().toString()),
                "PANAMAX_ETC_ARCH=" + (guest.archEtc().isPresent() ? "1" : ""),
                "PANAMAX_RUNNER_ARGS=" + shellQuote(String.join(" ", runnerArgs))));
    }

    private static String shellQuote(String value) {
        return "'" + value.replace("'", "'\\''") + "'";
    }

    /** A script of .ci/vm that failed: its exit code and the last line it wrote to stderr. */
    static final class ScriptException extends IOException {
        private static final long serialVersionUID = 1L;
        private final int exitCode;
        private final String lastErrorLine;

        ScriptException(String message, int exitCode, String lastErrorLine) {
            super(message + (lastErrorLine.isEmpty() ? "" : ": " + lastErrorLine));
            this.exitCode = exitCode;
            this.lastErrorLine = lastErrorLine;
        }

        int exitCode() {
            return exitCode;
        }

        String lastErrorLine() {
            return lastErrorLine;
        }
    }

    /**
     * Runs a script of .ci/vm, returns its stdout; its stderr is copied to the test output.
     *
     * @throws ScriptException when it exits with a non-zero code (or runs for over 10 minutes)
     */
    static String script(VmSettings settings, String name, String... args) throws IOException, InterruptedException {
        var command = new ArrayList<>(List.of(settings.scriptsDir().resolve(name).toString()));
        command.addAll(List.of(args));
        Path stderr = Files.createTempFile("panamax-vm-" + name, ".err");
        try {
            Process p = new ProcessBuilder(command).redirectError(stderr.toFile()).start();
            String out;
            try (var reader = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                out = reader.lines().reduce("", (a, b) -> a + b + "\n");
            }
            boolean ended = p.waitFor(10, TimeUnit.MINUTES);
            if (!ended) {
                p.destroyForcibly().waitFor();
            }
            List<String> errors = Files.readAllLines(stderr);
            errors.forEach(System.err::println);
            String last = errors.isEmpty() ? "" : errors.getLast();
            if (!ended) {
                throw new ScriptException(name + " timed out after 10 minutes", -1, last);
            }
            if (p.exitValue() != 0) {
                throw new ScriptException(String.join(" ", command) + " failed with exit code " + p.exitValue(),
                        p.exitValue(), last);
            }
            return out;
        } finally {
            Files.delete(stderr);
        }
    }

    private static Optional<String> readIfExists(Path file) throws IOException {
        return Files.exists(file) ? Optional.of(Files.readString(file)) : Optional.empty();
    }

    private static void deleteRecursively(Path dir) {
        try (Stream<Path> all = Files.walk(dir)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove " + dir, e);
        }
    }
}
