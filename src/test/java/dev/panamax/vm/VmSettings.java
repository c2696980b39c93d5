package dev.panamax.vm;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Where a test VM finds its inputs. Every classpath entry must lie under {@code target/} or the
 * Maven repository, and the JDK under {@code /usr}: those are the only host directories the guest
 * sees, at the same paths (the arm64 guest has a {@code /usr} of its own, see {@link VmGuest}).
 *
 * <pre>{@code
 * VmSettings settings = VmSettings.fromSystemProperties(Duration.ofSeconds(480));
 * }</pre>
 *
 * @param projectDir the Maven project (holds .ci/vm and target/)
 * @param cacheDir where fetch-kernel and fetch-arm64 keep what they unpacked across builds
 * @param mavenRepository the local Maven repository, shared read-only
 * @param javaHome the JDK the x86-64 guest runs; must be under /usr
 * @param classpath the test classpath, run on the class path inside the guest
 * @param timeout how long qemu may run before it is killed (kernel and initramfs are prepared first)
 * @param useKvm try KVM first (qemu falls back to TCG when it cannot open it; but a nested KVM
 *     that opens and then hangs the guest, as on the CI machine, is not detected: opt-in only)
 */
record VmSettings(Path projectDir, Path cacheDir, Path mavenRepository, Path javaHome,
                                    List<String> classpath, Duration timeout, boolean useKvm) {

    VmSettings {
        classpath = List.copyOf(classpath);
        if (!javaHome.startsWith("/usr")) {
            throw new IllegalArgumentException(
                    "javaHome must be under /usr (the guest shares only /usr), got " + javaHome);
        }
        if (classpath.isEmpty()) {
            throw new IllegalArgumentException("classpath must not be empty");
        }
        for (String entry : classpath) {
            Path p = Path.of(entry);
            if (!p.startsWith(projectDir.resolve("target")) && !p.startsWith(mavenRepository)) {
                throw new IllegalArgumentException("classpath entry " + entry + " must be under "
                        + projectDir.resolve("target") + " or " + mavenRepository + " (the guest sees nothing else)");
            }
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, got " + timeout);
        }
    }

    Path targetDir() {
        return projectDir.resolve("target");
    }

    Path scriptsDir() {
        return projectDir.resolve(".ci/vm");
    }

    /**
     * From the surefire JVM: panamax.build.dir (set in pom.xml), java.home, the module and class
     * path, and the overrides panamax.vm.cache (default /var/cache/panamax-vm, survives mvn clean),
     * panamax.vm.m2, panamax.vm.timeout (seconds, default {@code timeout}) and panamax.vm.accel
     * (tcg, the default, or kvm).
     */
    static VmSettings fromSystemProperties(Duration timeout) {
        Path target = Path.of(System.getProperty("panamax.build.dir", "target")).toAbsolutePath();
        var classpath = new ArrayList<String>();
        for (String property : List.of("jdk.module.path", "java.class.path")) {
            Stream.of(System.getProperty(property, "").split(File.pathSeparator))
                    .filter(e -> !e.isBlank() && Files.exists(Path.of(e)) && !classpath.contains(e))
                    .forEach(classpath::add);
        }
        return new VmSettings(
                target.getParent(),
                Path.of(System.getProperty("panamax.vm.cache", "/var/cache/panamax-vm")),
                Path.of(System.getProperty("panamax.vm.m2",
                        System.getProperty("user.home") + "/.m2/repository")).toAbsolutePath(),
                Path.of(System.getProperty("java.home")),
                classpath,
                Duration.ofSeconds(Long.getLong("panamax.vm.timeout", timeout.toSeconds())),
                "kvm".equals(System.getProperty("panamax.vm.accel", "tcg")));
    }
}
