package dev.panamax.examples;

import dev.panamax.Container;
import dev.panamax.ContainerSpec;
import dev.panamax.LaunchException;
import dev.panamax.Launcher;
import dev.panamax.Stdio;
import dev.panamax.rootfs.Rootfs;
import dev.panamax.rootfs.RootfsException;
import dev.panamax.spec.InvalidSpecException;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The Shell example's container started by an unprivileged user: a user namespace maps the caller's uid
 * to root inside, which then owns the container's other namespaces. No setuid helper, no daemon.
 *
 * <pre>
 * mvn -q -B -DskipTests test-compile exec:exec@rootless     # as a normal user; or as root: see below
 * </pre>
 * Started as root, it prints the command that runs it as {@code nobody} (uid 65534) with this JVM's own
 * {@code java} (the JDK 22+ Maven picked, not the {@code java} on PATH) and runs it: {@code setpriv --reuid=65534
 * --regid=65534 --clear-groups /usr/lib/jvm/JDK/bin/java --enable-native-access=ALL-UNNAMED -cp CLASSES
 * dev.panamax.examples.Rootless}. The classes must be readable by nobody (a checkout under a 0700
 * {@code /root} is not: it says so). The rootfs is built by the same user, in {@code ~/.cache/panamax/rootfs}
 * or, without a writable home, {@code /tmp/panamax-rootfs-UID}.
 *
 * <p>Needs unprivileged user namespaces (kernel.unprivileged_userns_clone=1 on Debian, the default since 11).
 */
public final class Rootless {
    private static final int NOBODY = 65534;

    private Rootless() {
    }

    public static void main(String[] args) throws Exception {
        if (uid() == 0) {
            System.exit(asNobody(args));
        }
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
            try (Container c = Launcher.launch(spec)) {
                System.out.print(new String(c.stdout().readAllBytes()));
                System.out.println("host uid " + uid()
                        + " outside. Finished! The shell " + c.waitFor());
            }
        } catch (LaunchException | InvalidSpecException | RootfsException e) {
            Examples.fail("rootless", e.getMessage());
        }
    }

    /** As root: runs this example again as nobody, with this JVM's java; returns its exit status. */
    private static int asNobody(String[] args) throws InterruptedException {
        List<String> command = new ArrayList<>(List.of("setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY,
                "--clear-groups"));
        command.addAll(Examples.javaCommand(Rootless.class, args));
        System.out.println("As root: running this example as nobody (uid " + NOBODY + "):\n  "
                + Examples.shellLine(command));
        for (String dir : Examples.classDirectories().split(File.pathSeparator)) {
            Optional<Path> closed = closedToOthers(Path.of(dir));
            if (closed.isPresent()) {
                Examples.fail("rootless", "nobody cannot reach the classes in " + dir + ": " + closed.get()
                        + " is closed to other users; run the command above from a checkout it can read,"
                        + " or run the example as your own normal user");
            }
        }
        try {
            return new ProcessBuilder(command).inheritIO().start().waitFor();
        } catch (IOException e) {
            Examples.fail("rootless", "cannot run setpriv (util-linux): " + e.getMessage());
            return 1;
        }
    }

    /** The first of {@code dir} and its parents that other users cannot enter (or, for {@code dir}, list). */
    private static Optional<Path> closedToOthers(Path dir) {
        for (Path p = dir; p != null; p = p.getParent()) {
            int need = p.equals(dir) ? 05 : 01;
            if ((mode(p) & need) != need) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    private static int mode(Path p) {
        try {
            return (Integer) Files.getAttribute(p, "unix:mode");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int uid() {
        try {
            return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
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
