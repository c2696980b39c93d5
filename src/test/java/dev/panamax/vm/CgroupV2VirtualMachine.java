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
 * it, against the host's {@code /usr} (JDK included), {@code /etc}, this project's {@code target/}
 * and the Maven repository, all shared read-only over 9p. The guest side is {@code .ci/vm/init}
 * and {@code .ci/vm/stage2}; the kernel is cached by {@code .ci/vm/fetch-kernel}.
 *
 * <pre>{@code
 * var vm = new CgroupV2VirtualMachine(settings);
 * VmOutcome outcome = vm.run(List.of("--tag", "cgroup", "--package", "dev.panamax.cgroup"));
 * }</pre>
 *
 * @param settings where the project, cache, JDK, Maven repository and classpath are
 */
record CgroupV2VirtualMachine(VmSettings settings) {

    private static final String QEMU = "qemu-system-x86_64";

    /** Prepares kernel and initramfs, boots, waits (bounded), and collects what the guest wrote. */
    VmOutcome run(List<String> runnerArgs) throws IOException, InterruptedException {
        Path work = Files.createTempDirectory("panamax-vm-");
        Process qemu = null;
        try {
            long start = System.nanoTime();
            Path kernelDir = Path.of(script("fetch-kernel", settings.cacheDir().toString()).strip());
            Path initramfs = work.resolve("initramfs.cpio.gz");
            script("build-initramfs", kernelDir.toString(), initramfs.toString());
            Duration prepare = Duration.ofNanos(System.nanoTime() - start);

            Path results = Files.createDirectory(work.resolve("results"));
            writeGuestSettings(results, runnerArgs);
            var console = new VmConsole(System.nanoTime()); // console times count from qemu's start
            qemu = new ProcessBuilder(qemuCommand(kernel(kernelDir), initramfs, results))
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
        var command = new ArrayList<>(List.of("timeout", "--kill-after=10", bound + "s", QEMU));
        if (settings.useKvm()) {
            command.addAll(List.of("-accel", "kvm")); // qemu falls back to the next -accel if kvm fails
        }
        command.addAll(List.of("-accel", "tcg,thread=multi", "-m", "2048", "-smp", "2",
                "-nographic", "-no-reboot", "-nic", "none",
                "-kernel", kernel.toString(), "-initrd", initramfs.toString(),
                "-append", "console=ttyS0 cgroup_no_v1=all panic=-1 quiet"));
        share(command, "usr", Path.of("/usr"), true);
        share(command, "etc", Path.of("/etc"), true);
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
                "PANAMAX_JAVA=" + shellQuote(settings.javaHome().resolve("bin/java").toString()),
                "PANAMAX_RUNNER_ARGS=" + shellQuote(String.join(" ", runnerArgs))));
    }

    private static String shellQuote(String value) {
        return "'" + value.replace("'", "'\\''") + "'";
    }

    /** The uncompressed vmlinux if fetch-kernel could extract it (boots much faster), else vmlinuz. */
    private static Path kernel(Path kernelDir) throws IOException {
        Path vmlinux = kernelDir.resolve("boot/vmlinux");
        if (Files.isRegularFile(vmlinux)) {
            return vmlinux;
        }
        try (Stream<Path> boot = Files.list(kernelDir.resolve("boot"))) {
            return boot.filter(p -> p.getFileName().toString().startsWith("vmlinuz-")).findFirst()
                    .orElseThrow(() -> new IOException("no vmlinuz-* in " + kernelDir.resolve("boot")));
        }
    }

    /** Runs a script of .ci/vm, returns its stdout; its stderr goes to the test output. */
    private String script(String name, String... args) throws IOException, InterruptedException {
        var command = new ArrayList<>(List.of(settings.scriptsDir().resolve(name).toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out;
        try (var reader = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            out = reader.lines().reduce("", (a, b) -> a + b + "\n");
        }
        if (!p.waitFor(10, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IOException(name + " timed out after 10 minutes");
        }
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed with exit code " + p.exitValue());
        }
        return out;
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
