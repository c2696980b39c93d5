package dev.panamax.vm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The machine a VM leg boots and the userland it shares with the guest: what differs between the
 * x86-64 leg (the host's own {@code /usr} and JDK) and the arm64 leg (a Debian arm64 userland and
 * JDK that {@code .ci/vm/fetch-arm64} downloads into the cache).
 *
 * <pre>{@code
 * VmGuest guest = VmGuest.arm64(settings); // or VmGuest.host(settings)
 * VmOutcome outcome = new TestVirtualMachine(settings, guest).run(runnerArgs);
 * }</pre>
 *
 * @param name the architecture, for messages ({@code x86-64}, {@code arm64})
 * @param qemu the qemu binary and its machine and accelerator options
 * @param console the kernel's name of the serial console qemu's {@code -nographic} connects
 * @param kernelDir an unpacked Debian kernel package: {@code boot/} and {@code lib/modules/}
 * @param busybox a static busybox of the guest's architecture, for the initramfs
 * @param usr the directory the guest mounts as {@code /usr}
 * @param archEtc a directory laid over the host's {@code /etc} in the guest (the arm64 packages'
 *     own {@code /etc}: the JDK's configuration lives there), if any
 * @param java the JDK launcher the guest runs, a path under {@code /usr} as the guest sees it
 */
record VmGuest(String name, List<String> qemu, String console, Path kernelDir, Path busybox, Path usr,
               Optional<Path> archEtc, Path java) {

    /** What {@code fetch-arm64} exits with when the packages cannot be had (no network, apt refuses). */
    private static final int UNAVAILABLE = 2;

    VmGuest {
        qemu = List.copyOf(qemu);
        if (!java.startsWith("/usr")) {
            throw new IllegalArgumentException("java must be under /usr (the guest's shared /usr), got " + java);
        }
    }

    /** The packages a guest needs could not be downloaded; the message says which and why. */
    static final class UnavailableException extends Exception {
        private static final long serialVersionUID = 1L;

        UnavailableException(String message) {
            super(message);
        }
    }

    /**
     * The x86-64 guest: the newest Debian 6.1 amd64 kernel ({@code fetch-kernel}), the host's
     * {@code /usr}, busybox and JDK. With {@link VmSettings#useKvm()} qemu tries KVM first.
     */
    static VmGuest host(VmSettings settings) throws IOException, InterruptedException {
        Path kernelDir = Path.of(TestVirtualMachine.script(settings, "fetch-kernel",
                settings.cacheDir().toString()).strip());
        var qemu = new ArrayList<>(List.of("qemu-system-x86_64"));
        if (settings.useKvm()) {
            qemu.addAll(List.of("-accel", "kvm")); // qemu falls back to the next -accel if kvm fails
        }
        qemu.addAll(List.of("-accel", "tcg,thread=multi"));
        return new VmGuest("x86-64", qemu, "ttyS0", kernelDir, Path.of("/usr/bin/busybox"), Path.of("/usr"),
                Optional.empty(), settings.javaHome().resolve("bin/java"));
    }

    /**
     * The arm64 guest under TCG ({@code virt}, Cortex-A57: the emulated pointer authentication of
     * {@code -cpu max} halves the speed): Debian's 6.1 arm64 kernel, busybox and the arm64 JDK 25
     * with its libraries, downloaded once into {@code CACHE/arm64} by {@code .ci/vm/fetch-arm64}.
     *
     * @throws UnavailableException when the packages cannot be downloaded (no network, apt refuses)
     */
    static VmGuest arm64(VmSettings settings) throws IOException, InterruptedException, UnavailableException {
        Path dir;
        try {
            dir = Path.of(TestVirtualMachine.script(settings, "fetch-arm64", settings.cacheDir().toString()).strip());
        } catch (TestVirtualMachine.ScriptException e) {
            if (e.exitCode() == UNAVAILABLE) {
                throw new UnavailableException(e.lastErrorLine());
            }
            throw e;
        }
        return new VmGuest("arm64",
                List.of("qemu-system-aarch64", "-machine", "virt", "-cpu", "cortex-a57", "-accel", "tcg,thread=multi"),
                "ttyAMA0", dir.resolve("kernel"), dir.resolve("busybox"), dir.resolve("root/usr"),
                Optional.of(dir.resolve("root/etc")), Path.of("/usr/lib/jvm/java-25-openjdk-arm64/bin/java"));
    }

    /** The uncompressed vmlinux if fetch-kernel could extract it (boots much faster), else vmlinuz. */
    Path kernel() throws IOException {
        Path vmlinux = kernelDir.resolve("boot/vmlinux");
        if (Files.isRegularFile(vmlinux)) {
            return vmlinux;
        }
        try (Stream<Path> boot = Files.list(kernelDir.resolve("boot"))) {
            return boot.filter(p -> p.getFileName().toString().startsWith("vmlinuz-")).findFirst()
                    .orElseThrow(() -> new IOException("no vmlinuz-* in " + kernelDir.resolve("boot")));
        }
    }
}
