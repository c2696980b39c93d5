package dev.panamax.rootfs;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The directories and {@code /etc} files every root filesystem needs besides its programs: mount
 * points for {@code /proc}, {@code /dev} and {@code /sys}, a sticky world-writable {@code /tmp}, a
 * home for root, and the {@code /etc} files that glibc and the usual tools read (users root and
 * nobody, localhost, {@code files} for every name service, an empty resolver configuration).
 *
 * <pre>{@code
 * BaseLayout.write(new HostMirror(root)); // root/proc, root/tmp (1777), root/etc/passwd, ...
 * }</pre>
 */
final class BaseLayout {
    /** The host's top-level symlinks of a merged /usr, re-created when the host has them. */
    static final List<Path> MERGED_USR = List.of(Path.of("/bin"), Path.of("/sbin"), Path.of("/lib"),
            Path.of("/lib64"));

    static final String HOSTNAME = "panamax";

    private BaseLayout() { }

    static void write(HostMirror mirror) {
        for (Path top : MERGED_USR) {
            if (Files.isSymbolicLink(top)) {
                mirror.install(top);
            }
        }
        mirror.directory(mirror.inside(Path.of("/proc")), 0555);
        mirror.directory(mirror.inside(Path.of("/sys")), 0555);
        mirror.directory(mirror.inside(Path.of("/dev")), 0755);
        mirror.directory(mirror.inside(Path.of("/tmp")), 01777);
        mirror.directory(mirror.inside(Path.of("/root")), 0700);
        mirror.directory(mirror.inside(Path.of("/etc")), 0755);
        etc(mirror, "passwd", """
                root:x:0:0:root:/root:/bin/sh
                nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin
                """);
        etc(mirror, "group", """
                root:x:0:
                nogroup:x:65534:
                """);
        etc(mirror, "hosts", """
                127.0.0.1\tlocalhost
                ::1\tlocalhost ip6-localhost ip6-loopback
                """);
        etc(mirror, "hostname", HOSTNAME + "\n");
        etc(mirror, "nsswitch.conf", """
                passwd:    files
                group:     files
                shadow:    files
                hosts:     files
                networks:  files
                protocols: files
                services:  files
                """);
        etc(mirror, "resolv.conf", "");
        // util-linux and older tools read the mount table here; the container's /proc provides it.
        mirror.symlink(mirror.inside(Path.of("/etc/mtab")), Path.of("../proc/self/mounts"));
    }

    private static void etc(HostMirror mirror, String name, String content) {
        mirror.file(mirror.inside(Path.of("/etc", name)), content, 0644);
    }
}
