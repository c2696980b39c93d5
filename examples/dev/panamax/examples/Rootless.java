package dev.panamax.examples;

import dev.panamax.Container;
import dev.panamax.ContainerSpec;
import dev.panamax.LaunchException;
import dev.panamax.Stdio;
import dev.panamax.rootfs.Rootfs;
import dev.panamax.rootfs.RootfsException;
import dev.panamax.spec.InvalidSpecException;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The Shell example's container started by an unprivileged user: a user namespace maps the caller's uid
 * to root inside, which then owns the container's other namespaces. No setuid helper, no daemon.
 *
 * <pre>
 * mvn -q -B test-compile                                     # once
 * setpriv --reuid=65534 --regid=65534 --clear-groups \
 *     java --enable-native-access=ALL-UNNAMED -cp target/classes:target/test-classes dev.panamax.examples.Rootless
 * </pre>
 * (or {@code mvn -q -B -DskipTests test-compile exec:exec@rootless} as a normal user). The rootfs is built by the
 * same user, in {@code ~/.cache/panamax/rootfs} or, without a writable home, {@code /tmp/panamax-rootfs-UID}.
 *
 * <p>Needs unprivileged user namespaces (kernel.unprivileged_userns_clone=1 on Debian, the default since 11).
 */
public final class Rootless {
    private Rootless() {
    }

    public static void main(String[] args) throws Exception {
        try {
            Path rootfs = args.length > 0 ? Path.of(args[0]) : Rootfs.defaultRootfs(cacheDir());
            ContainerSpec spec = ContainerSpec.builder()
                    .rootfs(rootfs)
                    .mapCurrentUserToRoot()              // USER namespace: uid_map "0 <uid> 1", gid_map "0 <gid> 1"
                    .hostname("rootless")
                    .stdout(Stdio.pipe())
                    .command("/bin/sh", "-c", "echo uid $(id -u) inside, pid $$, hostname $(hostname);"
                            + " echo uid_map: $(cat /proc/self/uid_map)")
                    .build();
            try (Container c = dev.panamax.Launcher.launch(spec)) {
                System.out.print(new String(c.stdout().readAllBytes()));
                System.out.println("host uid " + uid()
                        + " outside. Finished! The shell " + c.waitFor());
            }
        } catch (LaunchException | InvalidSpecException | RootfsException e) {
            System.err.println("rootless: " + e.getMessage());
            System.exit(1);
        }
    }

    private static int uid() {
        try {
            return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** A cache the calling user can write: its home, or /tmp when it has none (e.g. nobody). */
    private static Path cacheDir() {
        Path home = Path.of(System.getProperty("user.home"));
        if (Files.isDirectory(home) && Files.isWritable(home)) {
            return home.resolve(".cache/panamax/rootfs");
        }
        return Path.of("/tmp/panamax-rootfs-" + uid());
    }
}
